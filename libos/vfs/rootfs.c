/*
 * The root file system of an image that mounts none at "/": one empty, read-only directory (the
 * VFS lists the mount points below it, "dev" and others).
 */
#include "vfs_impl.h"

#include <errno.h>

static void dir_stat(struct stat *st)
{
    st->st_ino = 1;
    st->st_mode = S_IFDIR | 0755;
    st->st_nlink = 2;
    st->st_blksize = 4096;
}

static int root_fstat(struct libos_file *f, struct stat *st)
{
    (void)f;
    dir_stat(st);
    return 0;
}

/* ".", "..": the VFS adds the mount points below. */
static int root_readdir(struct libos_file *f, struct dirent *e)
{
    off_t i = f->pos;
    if (i >= 2)
        return 0;
    f->pos++;
    return libos_vfs_dirent(e, "..", (size_t)i + 1, 1, DT_DIR);
}

static int root_fchmod(struct libos_file *f, mode_t mode)
{
    (void)f, (void)mode;
    return -EROFS;
}

static int root_fchown(struct libos_file *f, uid_t uid, gid_t gid)
{
    (void)f, (void)uid, (void)gid;
    return -EROFS;
}

/* Directories are in sync: nothing is ever buffered. */
static int root_fsync(struct libos_file *f)
{
    (void)f;
    return 0;
}

static const struct libos_file_ops root_dir = {
    .fstat = root_fstat,
    .readdir = root_readdir,
    .lseek = libos_file_seek_pos,
    .fsync = root_fsync,
    .fchmod = root_fchmod,
    .fchown = root_fchown,
};

static int root_lstat(void *fs, const char *path, struct stat *st)
{
    (void)fs;
    if (path[0])
        return -ENOENT;
    dir_stat(st);
    return 0;
}

static int root_open(void *fs, const char *path, int flags, mode_t mode, struct libos_file *f)
{
    (void)fs, (void)flags, (void)mode;
    if (path[0]) /* O_CREAT of a new name */
        return -EROFS;
    f->ops = &root_dir;
    return 0;
}

const struct libos_fs_ops libos_rootfs_ops = {.lstat = root_lstat, .open = root_open};

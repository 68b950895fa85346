/*
 * Reading a directory: the file system's entries, then the mount points directly below the
 * directory that its file system does not list itself (a mount point need not exist below: "dev"
 * in the empty root, "tmp" in an initrd at "/"), so that every file system's listing shows them.
 */
#include "vfs_impl.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

/* Whether name exists in dir's own file system (the one below any mount at dir/name). */
static int listed_below(const char *dir, const char *name, size_t len)
{
    char path[PATH_MAX];
    size_t dlen = strlen(dir);
    if (dlen + 1 + len >= sizeof path)
        return 1;
    struct libos_where w;
    libos_vfs_mount_of(dir, &w);
    size_t rlen = strlen(w.rel);
    memcpy(path, w.rel, rlen);
    if (rlen)
        path[rlen++] = '/';
    memcpy(path + rlen, name, len);
    path[rlen + len] = '\0';
    struct stat st = {0};
    return w.ops->lstat(w.fs, path, &st) == 0;
}

static int next(struct libos_file *f, struct dirent *e)
{
    if (!f->ops->readdir)
        return -ENOTDIR;
    if (!f->mounts) {
        int r = f->ops->readdir(f, e);
        if (r != 0 || !f->path)
            return r;
        f->mounts = 1; /* the file system's entries are done: the mount points */
    }
    const char *name;
    size_t len;
    while (libos_vfs_mount_child(f->path, f->mounts - 1, &name, &len)) {
        f->mounts++;
        if (!listed_below(f->path, name, len))
            return libos_vfs_dirent(e, name, len, (ino_t)-1 - f->mounts, DT_DIR);
    }
    return 0;
}

int libos_vfs_readdir(int fd, struct dirent *e)
{
    struct libos_file *f = libos_fd_file(fd);
    return f ? next(f, e) : -EBADF;
}

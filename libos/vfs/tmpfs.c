/*
 * tmpfs: a file system in RAM, the first writable one: regular files, directories, symbolic and
 * hard links, owners, modes and times, gone at exit. It is mounted at /tmp by libos_tmpfs_init,
 * which the start sequence calls when the application names it (DEVICES tmpfs, or -u
 * libos_tmpfs_init): an image that does not, carries none of it.
 *
 * A node is a file, a directory (its children in a list) or a link (its target as data). Names
 * are found by walking from the root: every path the VFS hands over is already canonical and
 * free of links. Data grows by doubling; nothing is preallocated.
 */
#include "vfs_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct node {
    struct node *parent, *children, *next; /* next: the parent's list */
    char *name;
    mode_t mode;
    uid_t uid;
    gid_t gid;
    nlink_t nlink;
    ino_t ino;
    unsigned open; /* descriptions on it: an unlinked file lives until the last closes */
    struct timespec atime, mtime, ctime;
    char *data;    /* a file's bytes, a link's target */
    size_t size, cap;
    struct node *target; /* a hard link: the node it names (data and attributes are its) */
};

static struct node root = {.mode = S_IFDIR | 01777, .nlink = 2, .ino = 1};
static ino_t next_ino = 2;

static struct timespec now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts;
}

/* A hard link's node is its target's. */
static struct node *real(struct node *n) { return n && n->target ? n->target : n; }

static struct node *child(struct node *dir, const char *name, size_t len)
{
    for (struct node *c = dir->children; c; c = c->next)
        if (strlen(c->name) == len && memcmp(c->name, name, len) == 0)
            return c;
    return NULL;
}

/* The node at path (its name entry, not following a hard link), or NULL; *dir gets the
 * directory that holds (or would hold) the last component, and *last that component. */
static struct node *walk(const char *path, struct node **dir, const char **last)
{
    struct node *d = &root, *n = &root;
    const char *p = path;
    *last = "";
    while (*p) {
        const char *c = p;
        while (*p && *p != '/')
            p++;
        d = real(n);
        if (!S_ISDIR(d->mode))
            return *dir = NULL, NULL;
        *last = c;
        n = child(d, c, (size_t)(p - c));
        if (*p)
            p++;
        if (!n && *p)
            return *dir = NULL, NULL;
    }
    if (dir)
        *dir = d;
    return n;
}

static void fill_stat(struct node *name, struct stat *st)
{
    struct node *n = real(name);
    st->st_ino = n->ino;
    st->st_mode = n->mode;
    st->st_nlink = n->nlink;
    st->st_uid = n->uid;
    st->st_gid = n->gid;
    st->st_size = (off_t)n->size;
    st->st_blksize = 4096;
    st->st_blocks = (blkcnt_t)((n->cap + 511) / 512);
    st->st_atim = n->atime;
    st->st_mtim = n->mtime;
    st->st_ctim = n->ctime;
}

static int tmp_lstat(void *fs, const char *path, struct stat *st)
{
    (void)fs;
    struct node *dir;
    const char *last;
    struct node *n = walk(path, &dir, &last);
    if (!n)
        return dir ? -ENOENT : -ENOTDIR;
    fill_stat(n, st);
    return 0;
}

/* A new entry called path (whose directory exists: the VFS checked) with mode. */
static struct node *add(const char *path, mode_t mode, struct node *target, int *err)
{
    struct node *dir;
    const char *last;
    if (walk(path, &dir, &last))
        return *err = -EEXIST, NULL;
    if (!dir)
        return *err = -ENOENT, NULL;
    struct node *n = calloc(1, sizeof *n);
    char *name = n ? strdup(last) : NULL;
    if (!name) {
        free(n);
        return *err = -ENOSPC, NULL;
    }
    n->name = name;
    n->parent = dir;
    n->next = dir->children;
    dir->children = n;
    n->target = target;
    if (target) {
        target->nlink++;
    } else {
        n->mode = mode;
        n->nlink = S_ISDIR(mode) ? 2 : 1;
        n->ino = next_ino++;
        n->atime = n->mtime = n->ctime = now();
        if (S_ISDIR(mode))
            dir->nlink++;
    }
    dir->mtime = dir->ctime = now();
    return n;
}

static void drop(struct node *n)
{
    if (n->nlink == 0 && n->open == 0) {
        free(n->data);
        free(n);
    }
}

/* Take the entry n out of its directory; the node goes when nothing names or holds it. */
static void remove_entry(struct node *n)
{
    struct node **pp = &n->parent->children;
    while (*pp != n)
        pp = &(*pp)->next;
    *pp = n->next;
    n->parent->mtime = n->parent->ctime = now();
    struct node *r = real(n);
    r->nlink--;
    if (S_ISDIR(r->mode)) {
        n->parent->nlink--;
        r->nlink = 0;
    }
    free(n->name);
    n->name = NULL;
    if (r != n) {
        free(n);
        drop(r);
    } else {
        drop(n);
    }
}

/* --- open files --------------------------------------------------------------------------- */

static int file_fstat(struct libos_file *f, struct stat *st)
{
    fill_stat(f->priv, st);
    return 0;
}

static ssize_t file_pread(struct libos_file *f, void *buf, size_t len, off_t off)
{
    struct node *n = f->priv;
    if ((size_t)off >= n->size)
        return 0;
    if (len > n->size - (size_t)off)
        len = n->size - (size_t)off;
    memcpy(buf, n->data + off, len);
    n->atime = now();
    return (ssize_t)len;
}

/* Room for size bytes, the new ones zero. */
static int reserve(struct node *n, size_t size)
{
    if (size > n->cap) {
        size_t cap = n->cap ? n->cap : 256;
        while (cap < size)
            cap = cap > SIZE_MAX / 2 ? size : cap * 2;
        char *data = realloc(n->data, cap);
        if (!data)
            return -ENOSPC;
        n->data = data;
        n->cap = cap;
    }
    if (size > n->size)
        memset(n->data + n->size, 0, size - n->size);
    return 0;
}

static ssize_t file_pwrite(struct libos_file *f, const void *buf, size_t len, off_t off)
{
    struct node *n = f->priv;
    if (len > (size_t)(LONG_MAX - off))
        return -EFBIG;
    size_t end = (size_t)off + len;
    int r = reserve(n, end);
    if (r < 0)
        return r;
    memcpy(n->data + off, buf, len);
    if (end > n->size)
        n->size = end;
    n->mtime = n->ctime = now();
    return (ssize_t)len;
}

static int set_size(struct node *n, off_t length)
{
    int r = reserve(n, (size_t)length);
    if (r < 0)
        return r;
    n->size = (size_t)length;
    n->mtime = n->ctime = now();
    return 0;
}

static int file_ftruncate(struct libos_file *f, off_t length) { return set_size(f->priv, length); }

static int file_fsync(struct libos_file *f)
{
    (void)f;
    return 0; /* in RAM, always in sync */
}

static int file_fchmod(struct libos_file *f, mode_t mode)
{
    struct node *n = f->priv;
    n->mode = (n->mode & S_IFMT) | (mode & 07777);
    n->ctime = now();
    return 0;
}

static int file_fchown(struct libos_file *f, uid_t uid, gid_t gid)
{
    struct node *n = f->priv;
    if (uid != (uid_t)-1)
        n->uid = uid;
    if (gid != (gid_t)-1)
        n->gid = gid;
    n->ctime = now();
    return 0;
}

static void file_close(struct libos_file *f)
{
    struct node *n = f->priv;
    n->open--;
    drop(n);
}

/* ".", "..", then the children, by position. */
static int dir_readdir(struct libos_file *f, struct dirent *e)
{
    struct node *d = f->priv;
    off_t i = f->pos++;
    if (i < 2)
        return libos_vfs_dirent(e, "..", (size_t)i + 1, i ? (d->parent ? d->parent->ino : 1) : d->ino, DT_DIR);
    struct node *c = d->children;
    for (off_t k = 2; c && k < i; k++)
        c = c->next;
    if (!c)
        return f->pos--, 0;
    struct node *r = real(c);
    unsigned char type = S_ISDIR(r->mode) ? DT_DIR : S_ISLNK(r->mode) ? DT_LNK : DT_REG;
    return libos_vfs_dirent(e, c->name, strlen(c->name), r->ino, type);
}

static const struct libos_file_ops file_ops = {
    .read = libos_file_read_pos,
    .write = libos_file_write_pos,
    .lseek = libos_file_seek_pos,
    .pread = file_pread,
    .pwrite = file_pwrite,
    .fstat = file_fstat,
    .fsync = file_fsync,
    .ftruncate = file_ftruncate,
    .fchmod = file_fchmod,
    .fchown = file_fchown,
    .close = file_close,
};

static const struct libos_file_ops dir_ops = {
    .lseek = libos_file_seek_pos,
    .fstat = file_fstat,
    .fsync = file_fsync,
    .readdir = dir_readdir,
    .fchmod = file_fchmod,
    .fchown = file_fchown,
    .close = file_close,
};

/* --- the file system ---------------------------------------------------------------------- */

static int tmp_open(void *fs, const char *path, int flags, mode_t mode, struct libos_file *f)
{
    (void)fs;
    const char *last;
    struct node *dir, *n = walk(path, &dir, &last);
    int err;
    if (!n && !(n = add(path, S_IFREG | (mode & 07777), NULL, &err)))
        return err;
    n = real(n);
    if ((flags & O_TRUNC) && S_ISREG(n->mode) && (flags & O_ACCMODE) != O_RDONLY)
        set_size(n, 0);
    n->open++;
    f->ops = S_ISDIR(n->mode) ? &dir_ops : &file_ops;
    f->priv = n;
    return 0;
}

static int tmp_mkdir(void *fs, const char *path, mode_t mode)
{
    (void)fs;
    int err;
    return add(path, S_IFDIR | (mode & 07777), NULL, &err) ? 0 : err;
}

static int tmp_symlink(void *fs, const char *target, const char *path)
{
    (void)fs;
    int err;
    size_t len = strlen(target);
    struct node *n = add(path, S_IFLNK | 0777, NULL, &err);
    if (!n)
        return err;
    if (reserve(n, len) < 0) {
        remove_entry(n);
        return -ENOSPC;
    }
    memcpy(n->data, target, len);
    n->size = len;
    return 0;
}

static ssize_t tmp_readlink(void *fs, const char *path, char *buf, size_t size)
{
    (void)fs;
    const char *last;
    struct node *dir, *n = real(walk(path, &dir, &last));
    if (!n)
        return -ENOENT;
    if (!S_ISLNK(n->mode))
        return -EINVAL;
    size_t len = n->size < size ? n->size : size;
    memcpy(buf, n->data, len);
    return (ssize_t)len;
}

static int tmp_link(void *fs, const char *from, const char *to)
{
    (void)fs;
    const char *last;
    struct node *dir, *n = real(walk(from, &dir, &last));
    int err;
    if (!n)
        return -ENOENT;
    if (!add(to, 0, n, &err))
        return err;
    n->ctime = now();
    return 0;
}

static int tmp_unlink(void *fs, const char *path)
{
    (void)fs;
    const char *last;
    struct node *dir, *n = walk(path, &dir, &last);
    if (!n)
        return -ENOENT;
    remove_entry(n);
    return 0;
}

static int tmp_rmdir(void *fs, const char *path)
{
    (void)fs;
    const char *last;
    struct node *dir, *n = walk(path, &dir, &last);
    if (!n)
        return -ENOENT;
    if (n->children)
        return -ENOTEMPTY;
    remove_entry(n);
    return 0;
}

static int tmp_rename(void *fs, const char *from, const char *to)
{
    (void)fs;
    const char *last, *tlast;
    struct node *dir, *tdir, *n = walk(from, &dir, &last), *old = walk(to, &tdir, &tlast);
    if (!n)
        return -ENOENT;
    if (!tdir)
        return -ENOENT;
    if (old == n)
        return 0;
    for (struct node *d = tdir; d; d = d->parent) /* into itself */
        if (d == real(n))
            return -EINVAL;
    struct node *rn = real(n), *ro = real(old);
    if (old && S_ISDIR(ro->mode) && !S_ISDIR(rn->mode))
        return -EISDIR;
    if (old && !S_ISDIR(ro->mode) && S_ISDIR(rn->mode))
        return -ENOTDIR;
    if (old && S_ISDIR(ro->mode) && ro->children)
        return -ENOTEMPTY;
    char *name = strdup(tlast);
    if (!name)
        return -ENOSPC;
    if (old)
        remove_entry(old);
    struct node **pp = &dir->children; /* out of the old directory */
    while (*pp != n)
        pp = &(*pp)->next;
    *pp = n->next;
    if (S_ISDIR(rn->mode))
        dir->nlink--, tdir->nlink++;
    free(n->name);
    n->name = name;
    n->parent = tdir;
    n->next = tdir->children;
    tdir->children = n;
    dir->mtime = dir->ctime = tdir->mtime = tdir->ctime = rn->ctime = now();
    return 0;
}

/* chmod and friends on a path: through a description of the node. */
static int with_node(const char *path, struct libos_file *f)
{
    const char *last;
    struct node *dir, *n = real(walk(path, &dir, &last));
    if (!n)
        return -ENOENT;
    f->priv = n;
    return 0;
}

static int tmp_chmod(void *fs, const char *path, mode_t mode)
{
    (void)fs;
    struct libos_file f;
    int r = with_node(path, &f);
    return r < 0 ? r : file_fchmod(&f, mode);
}

static int tmp_chown(void *fs, const char *path, uid_t uid, gid_t gid)
{
    (void)fs;
    struct libos_file f;
    int r = with_node(path, &f);
    return r < 0 ? r : file_fchown(&f, uid, gid);
}

static int tmp_truncate(void *fs, const char *path, off_t length)
{
    (void)fs;
    struct libos_file f;
    int r = with_node(path, &f);
    return r < 0 ? r : set_size(f.priv, length);
}

static int tmp_utimens(void *fs, const char *path, const struct timespec times[2])
{
    (void)fs;
    struct libos_file f;
    int r = with_node(path, &f);
    if (r < 0)
        return r;
    struct node *n = f.priv;
    struct timespec t = now();
    if (times[0].tv_nsec != UTIME_OMIT)
        n->atime = times[0].tv_nsec == UTIME_NOW ? t : times[0];
    if (times[1].tv_nsec != UTIME_OMIT)
        n->mtime = times[1].tv_nsec == UTIME_NOW ? t : times[1];
    n->ctime = t;
    return 0;
}

static const struct libos_fs_ops tmpfs_ops = {
    .lstat = tmp_lstat,
    .open = tmp_open,
    .readlink = tmp_readlink,
    .mkdir = tmp_mkdir,
    .unlink = tmp_unlink,
    .rmdir = tmp_rmdir,
    .rename = tmp_rename,
    .link = tmp_link,
    .symlink = tmp_symlink,
    .chmod = tmp_chmod,
    .chown = tmp_chown,
    .truncate = tmp_truncate,
    .utimens = tmp_utimens,
};

void libos_tmpfs_init(void)
{
    root.atime = root.mtime = root.ctime = now();
    libos_vfs_mount("/tmp", &tmpfs_ops, NULL);
}

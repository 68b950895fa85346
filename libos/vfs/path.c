/*
 * The one path resolver, and every call that takes a path. A path becomes a canonical absolute
 * path (no ".", "..", repeated '/' or symbolic link), then the mount table says which file
 * system holds it and what the path is inside it. ".." is taken on the canonical path, so it
 * crosses mount points as it should (/dev/.. is /). Symbolic links are followed through each file
 * system's lstat and readlink, at most LIBOS_SYMLINK_MAX of them per path (then -ELOOP).
 *
 * Buffers are the callers' (PATH_MAX bytes on their stacks): a file system may block in lstat
 * (a disk), and another thread may resolve in the meantime.
 */
#include "vfs_impl.h"

#include <libos/config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char cwd[PATH_MAX] = "/";

static int fs_lstat(const char *abs, struct stat *st)
{
    struct libos_where w;
    libos_vfs_mount_of(abs, &w);
    *st = (struct stat){0};
    return w.ops->lstat(w.fs, w.rel, st);
}

static ssize_t fs_readlink(const char *abs, char *buf, size_t size)
{
    struct libos_where w;
    libos_vfs_mount_of(abs, &w);
    return w.ops->readlink ? w.ops->readlink(w.fs, w.rel, buf, size) : -EINVAL;
}

/* The directory relative paths start from: the working directory, or dirfd's path. */
static const char *start_of(int dirfd, const char *path)
{
    if (path[0] == '/' || dirfd == AT_FDCWD)
        return cwd;
    struct libos_file *f = libos_fd_file(dirfd);
    return f ? f->path : NULL;
}

int libos_vfs_resolve(int dirfd, const char *path, int follow, char *buf, struct libos_where *w)
{
    char rest[PATH_MAX]; /* what is left to walk, at its end */
    size_t n = strlen(path);
    if (n == 0)
        return -ENOENT;
    if (n >= PATH_MAX)
        return -ENAMETOOLONG;
    const char *start = start_of(dirfd, path);
    if (!start) {
        struct libos_file *f = libos_fd_file(dirfd);
        return f ? -ENOTDIR : -EBADF;
    }
    int trailing_slash = path[n - 1] == '/';
    memcpy(rest + PATH_MAX - n - 1, path, n + 1);
    const char *p = rest + PATH_MAX - n - 1;
    size_t len = strlen(start);
    memcpy(buf, start, len + 1);
    if (path[0] == '/')
        len = 1, buf[1] = '\0';
    int links = 0;
    for (;;) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *c = p;
        while (*p && *p != '/')
            p++;
        size_t clen = (size_t)(p - c);
        if (clen == 1 && c[0] == '.')
            continue;
        if (clen == 2 && c[0] == '.' && c[1] == '.') {
            while (len > 1 && buf[len - 1] != '/')
                len--;
            if (len > 1)
                len--;
            buf[len] = '\0';
            continue;
        }
        if (clen > NAME_MAX)
            return -ENAMETOOLONG;
        if (len + (len > 1) + clen >= PATH_MAX)
            return -ENAMETOOLONG;
        size_t before = len;
        if (len > 1)
            buf[len++] = '/';
        memcpy(buf + len, c, clen);
        len += clen;
        buf[len] = '\0';
        int last = !*p || (p[strspn(p, "/")] == '\0');
        if (last && !follow && !trailing_slash)
            break;
        struct stat st;
        int r = fs_lstat(buf, &st);
        if (r == -ENOENT && last)
            break; /* it may be created */
        if (r < 0)
            return r;
        if (S_ISLNK(st.st_mode)) {
            if (++links > LIBOS_SYMLINK_MAX)
                return -ELOOP;
            char target[PATH_MAX];
            ssize_t t = fs_readlink(buf, target, sizeof target - 1);
            if (t < 0)
                return (int)t;
            if (t == 0)
                return -ENOENT;
            size_t left = strlen(p);
            if ((size_t)t + left + 1 >= (size_t)(p - rest)) /* rest must hold target + p */
                return -ENAMETOOLONG;
            char *np = (char *)p - t - 1;
            memmove(np + t + 1, p, left + 1);
            memcpy(np, target, (size_t)t);
            np[t] = '/';
            p = np;
            len = target[0] == '/' ? 1 : before; /* a relative target: from the link's directory */
            buf[len] = '\0';
            continue;
        }
        if (!last && !S_ISDIR(st.st_mode))
            return -ENOTDIR;
        if (last && trailing_slash && !S_ISDIR(st.st_mode))
            return -ENOTDIR;
    }
    libos_vfs_mount_of(buf, w);
    return 0;
}

#define RESOLVE(dirfd, path, follow)                                                               \
    char abs[PATH_MAX];                                                                            \
    struct libos_where w;                                                                          \
    int r = libos_vfs_resolve((dirfd), (path), (follow), abs, &w);                                 \
    if (r < 0)                                                                                     \
        return r

/* RESOLVE, for a path that must exist: its stat in st. */
#define RESOLVE_EXISTING(dirfd, path, follow)                                                      \
    RESOLVE(dirfd, path, follow);                                                                  \
    struct stat st = {0};                                                                          \
    if ((r = w.ops->lstat(w.fs, w.rel, &st)) < 0)                                                  \
        return r

/* The second path of rename and link (its last component not followed), in w2, and -EXDEV when
 * it is on another file system than w. */
static int second_path(const char *path, int dirfd, const struct libos_where *w, char *buf,
                       struct libos_where *w2)
{
    int r = libos_vfs_resolve(dirfd, path, 0, buf, w2);
    if (r < 0)
        return r;
    return w->fs != w2->fs || w->ops != w2->ops ? -EXDEV : 0;
}

int libos_vfs_open(int dirfd, const char *path, int flags, mode_t mode)
{
    RESOLVE(dirfd, path, !(flags & O_NOFOLLOW));
    struct stat st;
    r = w.ops->lstat(w.fs, w.rel, (st = (struct stat){0}, &st));
    if (r == 0 && (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
        return -EEXIST;
    if (r == 0 && S_ISLNK(st.st_mode)) /* O_NOFOLLOW on a link */
        return -ELOOP;
    if (r == 0 && (flags & O_DIRECTORY) && !S_ISDIR(st.st_mode))
        return -ENOTDIR;
    if (r == 0 && S_ISDIR(st.st_mode) && ((flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT)))
        return -EISDIR;
    if (r < 0 && (r != -ENOENT || !(flags & O_CREAT)))
        return r;
    if (!w.ops->open)
        return r < 0 ? -EROFS : -EACCES;
    struct libos_file *f = libos_file_new(NULL, NULL, flags);
    char *copy = f ? strdup(abs) : NULL;
    if (!copy) {
        free(f);
        return -ENOMEM;
    }
    f->path = copy;
    r = w.ops->open(w.fs, w.rel, flags, mode, f);
    if (r < 0) {
        free(copy);
        free(f);
        return r;
    }
    return libos_fd_install(f, flags);
}

int libos_vfs_stat(int dirfd, const char *path, struct stat *st, int follow)
{
    RESOLVE(dirfd, path, follow);
    *st = (struct stat){0};
    return w.ops->lstat(w.fs, w.rel, st);
}

ssize_t libos_vfs_readlink(int dirfd, const char *path, char *buf, size_t size)
{
    RESOLVE_EXISTING(dirfd, path, 0);
    if (!S_ISLNK(st.st_mode) || !w.ops->readlink)
        return -EINVAL;
    return w.ops->readlink(w.fs, w.rel, buf, size);
}

/* The calls that change a name: the file system's op, or -EROFS when it has none. */
#define CHANGE(op, ...) (w.ops->op ? w.ops->op(w.fs, __VA_ARGS__) : -EROFS)

int libos_vfs_mkdir(int dirfd, const char *path, mode_t mode)
{
    RESOLVE(dirfd, path, 0);
    struct stat st = {0};
    if (w.ops->lstat(w.fs, w.rel, &st) == 0)
        return -EEXIST;
    return CHANGE(mkdir, w.rel, mode);
}

int libos_vfs_unlink(int dirfd, const char *path)
{
    RESOLVE_EXISTING(dirfd, path, 0);
    if (S_ISDIR(st.st_mode))
        return -EISDIR;
    return CHANGE(unlink, w.rel);
}

int libos_vfs_rmdir(int dirfd, const char *path)
{
    RESOLVE_EXISTING(dirfd, path, 0);
    if (!S_ISDIR(st.st_mode))
        return -ENOTDIR;
    if (!w.rel[0]) /* the root of a file system: "/" or a mount point */
        return -EBUSY;
    return CHANGE(rmdir, w.rel);
}

int libos_vfs_rename(int olddirfd, const char *from, int newdirfd, const char *to)
{
    RESOLVE_EXISTING(olddirfd, from, 0);
    char abs2[PATH_MAX];
    struct libos_where w2;
    if ((r = second_path(to, newdirfd, &w, abs2, &w2)) < 0)
        return r;
    if (!w.rel[0] || !w2.rel[0])
        return -EBUSY;
    return CHANGE(rename, w.rel, w2.rel);
}

int libos_vfs_link(const char *from, const char *to)
{
    RESOLVE_EXISTING(AT_FDCWD, from, 0);
    if (S_ISDIR(st.st_mode))
        return -EPERM; /* no hard links to directories */
    char abs2[PATH_MAX];
    struct libos_where w2;
    if ((r = second_path(to, AT_FDCWD, &w, abs2, &w2)) < 0)
        return r;
    struct stat st2 = {0};
    if (w2.ops->lstat(w2.fs, w2.rel, &st2) == 0)
        return -EEXIST;
    return CHANGE(link, w.rel, w2.rel);
}

int libos_vfs_symlink(const char *target, int dirfd, const char *path)
{
    RESOLVE(dirfd, path, 0);
    struct stat st = {0};
    if (w.ops->lstat(w.fs, w.rel, &st) == 0)
        return -EEXIST;
    return CHANGE(symlink, target, w.rel);
}

/* The calls that change an existing file's attributes. */
#define ATTR(path, follow, op, ...)                                                                \
    RESOLVE_EXISTING(AT_FDCWD, path, follow);                                                      \
    (void)st;                                                                                      \
    return CHANGE(op, w.rel, __VA_ARGS__)

int libos_vfs_chmod(const char *path, mode_t mode) { ATTR(path, 1, chmod, mode); }
int libos_vfs_chown(const char *path, uid_t uid, gid_t gid, int follow) { ATTR(path, follow, chown, uid, gid); }
int libos_vfs_utimens(const char *path, const struct timespec times[2]) { ATTR(path, 1, utimens, times); }

int libos_vfs_truncate(const char *path, off_t length)
{
    RESOLVE_EXISTING(AT_FDCWD, path, 1);
    if (S_ISDIR(st.st_mode))
        return -EISDIR;
    if (length < 0)
        return -EINVAL;
    return CHANGE(truncate, w.rel, length);
}

int libos_vfs_statvfs(const char *path, struct statvfs *sv)
{
    RESOLVE_EXISTING(AT_FDCWD, path, 1);
    *sv = (struct statvfs){.f_bsize = 4096, .f_frsize = 4096, .f_namemax = NAME_MAX,
                           .f_flag = w.ops->open && w.ops->mkdir ? 0 : ST_RDONLY};
    return w.ops->statvfs ? w.ops->statvfs(w.fs, sv) : 0;
}

/* Modes for access(): one user, who may read and search everything; writing needs a file
 * system that takes changes. */
int libos_vfs_access(const char *path, int mode)
{
    if (mode & ~(R_OK | W_OK | X_OK))
        return -EINVAL;
    RESOLVE_EXISTING(AT_FDCWD, path, 1);
    if ((mode & W_OK) && !(w.ops->open && w.ops->mkdir) && !S_ISCHR(st.st_mode))
        return -EROFS;
    if ((mode & X_OK) && !S_ISDIR(st.st_mode) && !(st.st_mode & 0111))
        return -EACCES;
    return 0;
}

int libos_vfs_chdir(const char *path)
{
    RESOLVE_EXISTING(AT_FDCWD, path, 1);
    if (!S_ISDIR(st.st_mode))
        return -ENOTDIR;
    memcpy(cwd, abs, strlen(abs) + 1);
    return 0;
}

int libos_vfs_fchdir(int fd)
{
    struct libos_file *f = libos_fd_file(fd);
    if (!f)
        return -EBADF;
    struct stat st = {0};
    if (!f->path || !f->ops->fstat || f->ops->fstat(f, &st) < 0 || !S_ISDIR(st.st_mode))
        return -ENOTDIR;
    return libos_vfs_chdir(f->path);
}

int libos_vfs_realpath(const char *path, char *buf, size_t size)
{
    RESOLVE_EXISTING(AT_FDCWD, path, 1);
    size_t n = strlen(abs) + 1;
    if (n > size)
        return -ERANGE;
    memcpy(buf, abs, n);
    return 0;
}

int libos_vfs_getcwd(char *buf, size_t size)
{
    size_t n = strlen(cwd) + 1;
    if (n > size)
        return -ERANGE;
    memcpy(buf, cwd, n);
    return (int)n;
}

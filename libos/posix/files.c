/*
 * The system calls that take a path, as programs call them: thin calls into libos::vfs (the
 * resolver and the mounted file systems), which returns negative errnos.
 */
#include "posix_impl.h"

#include <libos/vfs.h>

#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <unistd.h>
#include <utime.h>

#define RET(expr) ((int)libos_posix_ret(expr))

static mode_t creation_mask = 022;

mode_t umask(mode_t mask)
{
    mode_t old = creation_mask;
    creation_mask = mask & 0777;
    return old;
}

static mode_t mode_arg(int flags, va_list ap)
{
    return (flags & O_CREAT) ? (mode_t)va_arg(ap, int) & ~creation_mask & 07777 : 0;
}

int open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    return RET(libos_vfs_open(AT_FDCWD, path, flags, mode));
}

int openat(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    return RET(libos_vfs_open(dirfd, path, flags, mode));
}

int creat(const char *path, mode_t mode) { return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode); }

int stat(const char *path, struct stat *st) { return RET(libos_vfs_stat(AT_FDCWD, path, st, 1)); }
int lstat(const char *path, struct stat *st) { return RET(libos_vfs_stat(AT_FDCWD, path, st, 0)); }

int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
    if (flags & ~AT_SYMLINK_NOFOLLOW)
        return errno = EINVAL, -1;
    return RET(libos_vfs_stat(dirfd, path, st, !(flags & AT_SYMLINK_NOFOLLOW)));
}

int access(const char *path, int mode) { return RET(libos_vfs_access(path, mode)); }
int mkdir(const char *path, mode_t mode)
{
    return RET(libos_vfs_mkdir(AT_FDCWD, path, mode & ~creation_mask & 07777));
}
int mkdirat(int dirfd, const char *path, mode_t mode)
{
    return RET(libos_vfs_mkdir(dirfd, path, mode & ~creation_mask & 07777));
}
int unlink(const char *path) { return RET(libos_vfs_unlink(AT_FDCWD, path)); }
int rmdir(const char *path) { return RET(libos_vfs_rmdir(AT_FDCWD, path)); }

int unlinkat(int dirfd, const char *path, int flags)
{
    if (flags & ~AT_REMOVEDIR)
        return errno = EINVAL, -1;
    return RET(flags ? libos_vfs_rmdir(dirfd, path) : libos_vfs_unlink(dirfd, path));
}

int rename(const char *from, const char *to) { return RET(libos_vfs_rename(AT_FDCWD, from, AT_FDCWD, to)); }
int link(const char *from, const char *to) { return RET(libos_vfs_link(from, to)); }
int symlink(const char *target, const char *path) { return RET(libos_vfs_symlink(target, AT_FDCWD, path)); }

ssize_t readlink(const char *__restrict path, char *__restrict buf, size_t size)
{
    return libos_posix_ret(libos_vfs_readlink(AT_FDCWD, path, buf, size));
}

int chmod(const char *path, mode_t mode) { return RET(libos_vfs_chmod(path, mode)); }
int chown(const char *path, uid_t uid, gid_t gid) { return RET(libos_vfs_chown(path, uid, gid, 1)); }
int lchown(const char *path, uid_t uid, gid_t gid) { return RET(libos_vfs_chown(path, uid, gid, 0)); }
int truncate(const char *path, off_t length) { return RET(libos_vfs_truncate(path, length)); }
int statvfs(const char *path, struct statvfs *st) { return RET(libos_vfs_statvfs(path, st)); }
int chdir(const char *path) { return RET(libos_vfs_chdir(path)); }

int fstatvfs(int fd, struct statvfs *st)
{
    struct libos_file *f = libos_fd_file(fd);
    if (!f)
        return errno = EBADF, -1;
    return statvfs(f->path ? f->path : "/dev", st);
}
int fchdir(int fd) { return RET(libos_vfs_fchdir(fd)); }

int utime(const char *path, const struct utimbuf *t)
{
    struct timespec ts[2] = {{t ? t->actime : 0, t ? 0 : UTIME_NOW}, {t ? t->modtime : 0, t ? 0 : UTIME_NOW}};
    return RET(libos_vfs_utimens(path, ts));
}

int utimes(const char *path, const struct timeval *tv) /* two of them, or NULL */
{
    struct timespec ts[2] = {{tv ? tv[0].tv_sec : 0, tv ? tv[0].tv_usec * 1000 : UTIME_NOW},
                             {tv ? tv[1].tv_sec : 0, tv ? tv[1].tv_usec * 1000 : UTIME_NOW}};
    return RET(libos_vfs_utimens(path, ts));
}

/* With buf NULL, getcwd allocates (glibc's extension, which programs rely on); size 0 then means
 * "as large as needed". */
char *getcwd(char *buf, size_t size)
{
    if (buf && size == 0)
        return errno = EINVAL, NULL;
    char *mine = NULL;
    if (!buf && !(buf = mine = malloc(size ? size : PATH_MAX)))
        return errno = ENOMEM, NULL;
    int r = libos_vfs_getcwd(buf, size ? size : PATH_MAX);
    if (r < 0) {
        free(mine);
        return errno = -r, NULL;
    }
    return buf;
}

char *realpath(const char *__restrict path, char *__restrict resolved)
{
    if (!path)
        return errno = EINVAL, NULL;
    char *mine = NULL;
    if (!resolved && !(resolved = mine = malloc(PATH_MAX)))
        return errno = ENOMEM, NULL;
    int r = libos_vfs_realpath(path, resolved, PATH_MAX);
    if (r < 0) {
        free(mine);
        return errno = -r, NULL;
    }
    return resolved;
}

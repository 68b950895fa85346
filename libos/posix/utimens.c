/*
 * utimensat and futimens: times with nanoseconds (UTIME_NOW, UTIME_OMIT), through the VFS's
 * utimens on a path. A file of its own: only programs that call them carry it.
 */
#include "posix_impl.h"

#include <libos/vfs.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

static const struct timespec now2[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};

int utimensat(int dirfd, const char *path, const struct timespec *times, int flags)
{
    if (flags & ~AT_SYMLINK_NOFOLLOW)
        return errno = EINVAL, -1;
    if (flags & AT_SYMLINK_NOFOLLOW) /* the VFS changes what a link names */
        return errno = EOPNOTSUPP, -1;
    if (path[0] != '/' && dirfd != AT_FDCWD) {
        struct libos_file *f = libos_fd_file(dirfd);
        if (!f)
            return errno = EBADF, -1;
        return errno = ENOTSUP, -1;
    }
    return (int)libos_posix_ret(libos_vfs_utimens(path, times ? times : now2));
}

int futimens(int fd, const struct timespec *times)
{
    struct libos_file *f = libos_fd_file(fd);
    if (!f)
        return errno = EBADF, -1;
    if (!f->path)
        return errno = EINVAL, -1;
    return (int)libos_posix_ret(libos_vfs_utimens(f->path, times ? times : now2));
}

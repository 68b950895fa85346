/*
 * Path-based file calls for an image without a file system: nothing exists, nothing can be
 * created. Programs get the errno a real system gives for a missing file or a read-only tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(int err)
{
    errno = err;
    return -1;
}

int open(const char *path, int flags, ...)
{
    (void)path;
    return fail((flags & O_CREAT) ? EROFS : ENOENT);
}

int stat(const char *path, struct stat *st)
{
    (void)path, (void)st;
    return fail(ENOENT);
}

int unlink(const char *path)
{
    (void)path;
    return fail(ENOENT);
}

int link(const char *old, const char *new)
{
    (void)old, (void)new;
    return fail(ENOENT);
}

int mkdir(const char *path, mode_t mode)
{
    (void)path, (void)mode;
    return fail(EROFS);
}

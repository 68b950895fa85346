/*
 * Opening and naming files in an image without a file system. The root directory is the one name
 * that exists (root.h): it can be opened read-only and stat'ed, and nothing can be created in
 * it. Every other path gets the errno a real system gives for a missing file.
 */
#include "root.h"

#include <libos/fd.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(int err)
{
    errno = err;
    return -1;
}

static ssize_t root_read(void *priv, void *buf, size_t n)
{
    (void)priv, (void)buf, (void)n;
    return -EISDIR;
}

static int root_fstat(void *priv, struct stat *st)
{
    (void)priv;
    root_stat(st);
    return 0;
}

/* An fd on the root directory: fstat, fchdir and fdopendir work on it; read fails EISDIR. */
static const struct libos_file_ops root_ops = {
    .read = root_read,
    .fstat = root_fstat,
};

int open(const char *path, int flags, ...)
{
    if (!root_path(path))
        return fail((flags & O_CREAT) ? EROFS : ENOENT);
    if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
        return fail(EEXIST);
    if ((flags & O_CREAT) || (flags & O_ACCMODE) != O_RDONLY)
        return fail(EISDIR);
    int fd = libos_fd_install(&root_ops, NULL);
    if (fd < 0)
        return fail(-fd);
    if (flags & O_CLOEXEC)
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

int stat(const char *path, struct stat *st)
{
    if (!root_path(path))
        return fail(ENOENT);
    root_stat(st);
    return 0;
}

/* There are no symbolic links: lstat is stat. */
int lstat(const char *path, struct stat *st) { return stat(path, st); }

int unlink(const char *path) { return fail(root_path(path) ? EISDIR : ENOENT); }

int link(const char *old, const char *new)
{
    if (!root_path(old))
        return fail(ENOENT);
    return fail(root_path(new) ? EEXIST : EPERM); /* no hard links to directories */
}

int mkdir(const char *path, mode_t mode)
{
    (void)mode;
    return fail(root_path(path) ? EEXIST : EROFS);
}

/*
 * The other path calls, and the working directory, in an image without a file system. The root
 * directory (root.h) exists and is read-only; every other path does not exist (ENOENT).
 */
#include "root.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

static int fail(int err)
{
    errno = err;
    return -1;
}

/* Fails with err for the root, ENOENT for any other path. */
static int fail_path(const char *path, int err) { return fail(root_path(path) ? err : ENOENT); }

/* With buf NULL, getcwd allocates (glibc's extension, which programs rely on); size 0 then
 * means "as large as needed". */
char *getcwd(char *buf, size_t size)
{
    if (buf && size == 0)
        return errno = EINVAL, NULL;
    if (!buf && size == 0)
        size = sizeof "/";
    if (size < sizeof "/")
        return errno = ERANGE, NULL;
    if (!buf && !(buf = malloc(size)))
        return errno = ENOMEM, NULL;
    return strcpy(buf, "/");
}

int chdir(const char *path) { return root_path(path) ? 0 : fail(ENOENT); }

int fchdir(int fd)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -1;
    return S_ISDIR(st.st_mode) ? 0 : fail(ENOTDIR);
}

int access(const char *path, int mode)
{
    if (mode & ~(R_OK | W_OK | X_OK))
        return fail(EINVAL);
    if (!root_path(path))
        return fail(ENOENT);
    return (mode & W_OK) ? fail(EROFS) : 0;
}

int rmdir(const char *path) { return fail_path(path, EBUSY); }

int chmod(const char *path, mode_t mode)
{
    (void)mode;
    return fail_path(path, EROFS);
}

int chown(const char *path, uid_t uid, gid_t gid)
{
    (void)uid, (void)gid;
    return fail_path(path, EROFS);
}

/* There are no symbolic links: lchown is chown. */
int lchown(const char *path, uid_t uid, gid_t gid) { return chown(path, uid, gid); }

int truncate(const char *path, off_t length)
{
    (void)length;
    return fail_path(path, EISDIR);
}

int utime(const char *path, const struct utimbuf *times)
{
    (void)times;
    return fail_path(path, EROFS);
}

/* There are no symbolic links: the root is not one, and nothing else exists. */
ssize_t readlink(const char *__restrict path, char *__restrict buf, size_t size)
{
    (void)buf, (void)size;
    return fail_path(path, EINVAL);
}

int symlink(const char *target, const char *path)
{
    (void)target;
    return fail(root_path(path) ? EEXIST : EROFS);
}

char *realpath(const char *__restrict path, char *__restrict resolved)
{
    if (!path)
        return errno = EINVAL, NULL;
    if (!root_path(path))
        return errno = ENOENT, NULL;
    if (!resolved && !(resolved = malloc(PATH_MAX)))
        return errno = ENOMEM, NULL;
    return strcpy(resolved, "/");
}

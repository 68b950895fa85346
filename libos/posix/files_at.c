/*
 * The *at calls that libos::vfs has no dirfd form of, the f- and l- time setters, and the other file
 * calls Linux programs expect. A path relative to a directory fd is resolved against the path the
 * directory was opened by (XXX: a directory renamed while open is still found by its old path).
 */
#include "posix_impl.h"

#include <libos/vfs.h>

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define RET(expr) ((int)libos_posix_ret(expr))

/* The path an *at call means: path itself when absolute or dirfd is AT_FDCWD, else below the
 * directory's path, in buf (PATH_MAX). NULL with errno set when there is none. */
static const char *at_path(int dirfd, const char *path, char *buf)
{
    if (!path)
        return errno = EFAULT, NULL;
    if (path[0] == '/' || dirfd == AT_FDCWD)
        return path;
    struct libos_file *f = libos_fd_file(dirfd);
    struct stat st;
    if (!f)
        return errno = EBADF, NULL;
    if (libos_vfs_fstat(dirfd, &st) < 0 || !S_ISDIR(st.st_mode) || !f->path)
        return errno = ENOTDIR, NULL;
    if (path[0] == '\0')
        return errno = ENOENT, NULL;
    size_t n = strlen(f->path), m = strlen(path);
    if (n + 1 + m >= PATH_MAX)
        return errno = ENAMETOOLONG, NULL;
    memcpy(buf, f->path, n);
    buf[n] = '/';
    memcpy(buf + n + 1, path, m + 1);
    return buf;
}

static int bad_flags(int flags, int allowed) { return flags & ~allowed ? (errno = EINVAL, 1) : 0; }

int faccessat(int dirfd, const char *path, int mode, int flags)
{
    char buf[PATH_MAX];
    if (bad_flags(flags, AT_EACCESS | AT_SYMLINK_NOFOLLOW) || !(path = at_path(dirfd, path, buf)))
        return -1;
    return access(path, mode);
}
int eaccess(const char *path, int mode) { return access(path, mode); } /* one user: real = effective */
int euidaccess(const char *path, int mode) { return access(path, mode); }

int fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
    char buf[PATH_MAX];
    if (bad_flags(flags, AT_SYMLINK_NOFOLLOW) || !(path = at_path(dirfd, path, buf)))
        return -1;
    if (flags & AT_SYMLINK_NOFOLLOW) { /* as Linux: links have no mode of their own */
        struct stat st;
        if (lstat(path, &st) < 0)
            return -1;
        if (S_ISLNK(st.st_mode))
            return errno = EOPNOTSUPP, -1;
    }
    return chmod(path, mode);
}

int fchownat(int dirfd, const char *path, uid_t uid, gid_t gid, int flags)
{
    char buf[PATH_MAX];
    if (bad_flags(flags, AT_SYMLINK_NOFOLLOW) || !(path = at_path(dirfd, path, buf)))
        return -1;
    return RET(libos_vfs_chown(path, uid, gid, !(flags & AT_SYMLINK_NOFOLLOW)));
}

int linkat(int olddirfd, const char *from, int newdirfd, const char *to, int flags)
{
    char a[PATH_MAX], b[PATH_MAX];
    if (bad_flags(flags, AT_SYMLINK_FOLLOW) || !(from = at_path(olddirfd, from, a)) ||
        !(to = at_path(newdirfd, to, b)))
        return -1;
    if (flags & AT_SYMLINK_FOLLOW) {
        char *real = realpath(from, NULL);
        if (!real)
            return -1;
        int r = link(real, to);
        free(real);
        return r;
    }
    return link(from, to);
}

ssize_t readlinkat(int dirfd, const char *__restrict path, char *__restrict buf, size_t size)
{
    return libos_posix_ret(libos_vfs_readlink(dirfd, path, buf, size));
}
int renameat(int olddirfd, const char *from, int newdirfd, const char *to)
{
    return RET(libos_vfs_rename(olddirfd, from, newdirfd, to));
}
int symlinkat(const char *target, int dirfd, const char *path) { return RET(libos_vfs_symlink(target, dirfd, path)); }

/* No file system here keeps FIFOs or device nodes: pipes are made by pipe(). */
int mkfifo(const char *path, mode_t mode)
{
    (void)path, (void)mode;
    return errno = ENOSYS, -1;
}
int mkfifoat(int dirfd, const char *path, mode_t mode)
{
    (void)dirfd;
    return mkfifo(path, mode);
}
int mknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
{
    (void)dirfd, (void)path, (void)mode, (void)dev;
    return errno = ENOSYS, -1;
}

int utimensat(int dirfd, const char *path, const struct timespec *times, int flags)
{
    char buf[PATH_MAX];
    if (bad_flags(flags, AT_SYMLINK_NOFOLLOW) || !(path = at_path(dirfd, path, buf)))
        return -1;
    if (flags & AT_SYMLINK_NOFOLLOW) { /* a link's own times are not kept apart from its target's */
        struct stat st;
        if (lstat(path, &st) < 0)
            return -1;
        if (S_ISLNK(st.st_mode))
            return errno = EOPNOTSUPP, -1;
    }
    struct timespec now[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
    return RET(libos_vfs_utimens(path, times ? times : now));
}

int futimens(int fd, const struct timespec *times)
{
    struct libos_file *f = libos_fd_file(fd);
    if (!f)
        return errno = EBADF, -1;
    if (!f->path) /* the console, pipes */
        return errno = EINVAL, -1;
    return utimensat(AT_FDCWD, f->path, times, 0);
}

static const struct timespec *from_timevals(const struct timeval *tv, struct timespec ts[2])
{
    if (!tv)
        return NULL;
    for (int i = 0; i < 2; i++)
        ts[i] = (struct timespec){tv[i].tv_sec, tv[i].tv_usec * 1000};
    return ts;
}
int futimes(int fd, const struct timeval *tv)
{
    struct timespec ts[2];
    return futimens(fd, from_timevals(tv, ts));
}
int futimesat(int dirfd, const char *path, const struct timeval *tv)
{
    struct timespec ts[2];
    return utimensat(dirfd, path, from_timevals(tv, ts), 0);
}
int lutimes(const char *path, const struct timeval *tv)
{
    struct timespec ts[2];
    return utimensat(AT_FDCWD, path, from_timevals(tv, ts), AT_SYMLINK_NOFOLLOW);
}

/* One program: advisory locks have no one to exclude, so they are granted at once. */
int flock(int fd, int op)
{
    if (!libos_fd_file(fd))
        return errno = EBADF, -1;
    int kind = op & ~LOCK_NB;
    if (kind != LOCK_SH && kind != LOCK_EX && kind != LOCK_UN)
        return errno = EINVAL, -1;
    return 0;
}
int lockf(int fd, int cmd, off_t len)
{
    (void)len;
    if (!libos_fd_file(fd))
        return errno = EBADF, -1;
    if (cmd != F_ULOCK && cmd != F_LOCK && cmd != F_TLOCK && cmd != F_TEST)
        return errno = EINVAL, -1;
    return 0;
}

/* Every file system that keeps writes back (ext4) commits; the others write at once. */
void sync(void) { libos_vfs_sync(); }

int dup3(int fd, int fd2, int flags)
{
    if (fd == fd2 || (flags & ~O_CLOEXEC))
        return errno = EINVAL, -1;
    int r = dup2(fd, fd2);
    if (r >= 0 && (flags & O_CLOEXEC))
        fcntl(r, F_SETFD, FD_CLOEXEC);
    return r;
}
int getdtablesize(void) { return (int)sysconf(_SC_OPEN_MAX); }
int setdtablesize(int n) /* the table's size is fixed */
{
    return n <= getdtablesize() ? 0 : (errno = EINVAL, -1);
}

char *get_current_dir_name(void) { return getcwd(NULL, 0); }
char *getwd(char *buf)
{
    if (!getcwd(buf, PATH_MAX))
        return NULL;
    return buf;
}

static long path_limit(int name)
{
    switch (name) {
    case _PC_LINK_MAX:
        return 65000;
    case _PC_MAX_CANON:
    case _PC_MAX_INPUT:
        return 255;
    case _PC_NAME_MAX:
        return 255; /* as statvfs's f_namemax */
    case _PC_PATH_MAX:
        return PATH_MAX;
    case _PC_PIPE_BUF:
        return PIPE_BUF;
    case _PC_CHOWN_RESTRICTED:
    case _PC_NO_TRUNC:
        return 1;
    case _PC_VDISABLE:
        return 0;
    default:
        return errno = EINVAL, -1;
    }
}
long pathconf(const char *path, int name)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return -1;
    return path_limit(name);
}
long fpathconf(int fd, int name)
{
    if (!libos_fd_file(fd))
        return errno = EBADF, -1;
    return path_limit(name);
}

/* One program and no exec: these have nothing to act on. */
int fexecve(int fd, char *const argv[], char *const envp[])
{
    (void)fd, (void)argv, (void)envp;
    return errno = ENOSYS, -1;
}
int revoke(char *path)
{
    (void)path;
    return errno = ENOSYS, -1;
}
/* The program is root and owns the machine; changing its root is not supported, except to "/". */
int chroot(const char *path)
{
    char *real = realpath(path, NULL);
    if (!real)
        return -1;
    int root = !strcmp(real, "/");
    free(real);
    return root ? 0 : (errno = ENOSYS, -1);
}

/* sendfile between any two fds: read, then write, through a small buffer. */
ssize_t sendfile(int out, int in, off_t *offset, size_t count)
{
    char buf[512];
    size_t done = 0;
    off_t pos = offset ? *offset : 0;
    while (done < count) {
        size_t n = count - done < sizeof buf ? count - done : sizeof buf;
        ssize_t r = offset ? pread(in, buf, n, pos) : read(in, buf, n);
        if (r <= 0) {
            if (r < 0 && done == 0)
                return -1;
            break;
        }
        ssize_t w = write(out, buf, (size_t)r);
        if (w < 0) {
            if (done == 0)
                return -1;
            break;
        }
        done += (size_t)w;
        pos += w;
        if (w < r)
            break;
    }
    if (offset)
        *offset = pos;
    return (ssize_t)done;
}

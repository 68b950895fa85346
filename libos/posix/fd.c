/*
 * The system calls on fds, as newlib and programs call them (plain POSIX names for x86_64-elf):
 * thin calls into libos::vfs, which does the work and returns negative errnos.
 */
#include "posix_impl.h"

#include <libos/vfs.h>

#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RET(expr) libos_posix_ret(expr)

/* Writing where no reader is left raises SIGPIPE, as a Unix kernel does, then fails EPIPE. Only
 * what can have no reader (a pipe, later a socket) brings the signal code in (pipe.c). */
static long written(long r)
{
    if (r == -EPIPE && libos_posix_sigpipe)
        libos_posix_sigpipe();
    return RET(r);
}

/* newlib declares read and write returning int for this target. */
int read(int fd, void *buf, size_t n) { return (int)RET(libos_vfs_read(fd, buf, n)); }
int write(int fd, const void *buf, size_t n) { return (int)written(libos_vfs_write(fd, buf, n)); }
ssize_t pread(int fd, void *buf, size_t n, off_t off) { return RET(libos_vfs_pread(fd, buf, n, off)); }
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    return written(libos_vfs_pwrite(fd, buf, n, off));
}
off_t lseek(int fd, off_t off, int whence) { return RET(libos_vfs_lseek(fd, off, whence)); }
int fstat(int fd, struct stat *st) { return (int)RET(libos_vfs_fstat(fd, st)); }
int close(int fd) { return (int)RET(libos_vfs_close(fd)); }
int dup(int fd) { return (int)RET(libos_vfs_dup(fd, 0)); }
int dup2(int fd, int fd2) { return (int)RET(libos_vfs_dup2(fd, fd2)); }
int fsync(int fd) { return (int)RET(libos_vfs_fsync(fd)); }
int fdatasync(int fd) { return fsync(fd); }
int ftruncate(int fd, off_t length) { return (int)RET(libos_vfs_ftruncate(fd, length)); }
int fchmod(int fd, mode_t mode) { return (int)RET(libos_vfs_fchmod(fd, mode)); }
int fchown(int fd, uid_t uid, gid_t gid) { return (int)RET(libos_vfs_fchown(fd, uid, gid)); }

/* A terminal is the console when the host's side of it is one (libos/vfs/console.c). */
int isatty(int fd) { return RET(libos_vfs_isatty(fd)) > 0; }

int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    int arg = va_arg(ap, int);
    va_end(ap);
    return (int)RET(libos_vfs_fcntl(fd, cmd, arg));
}

/* Every terminal fd is the console. */
static const char console_name[] = "/dev/console";

int ttyname_r(int fd, char *buf, size_t size)
{
    if (!isatty(fd))
        return errno; /* EBADF or ENOTTY */
    if (size < sizeof console_name)
        return ERANGE;
    memcpy(buf, console_name, sizeof console_name);
    return 0;
}

char *ttyname(int fd)
{
    static char name[sizeof console_name];
    int err = ttyname_r(fd, name, sizeof name);
    if (err)
        return errno = err, NULL;
    return name;
}

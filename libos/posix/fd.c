/*
 * The fd table and the system calls that act on any fd. newlib calls the plain POSIX names
 * (read, write, ...) for x86_64-elf. An fd points at an open file (ops, private pointer, flags);
 * dup'ed fds share it, and its close op runs when the last of them closes.
 */
#include <libos/config.h>
#include <libos/fd.h>
#include <libos/sched.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <unistd.h>

struct open_file {
    const struct libos_file_ops *ops;
    void *priv;
    int refs;
    int status_flags; /* O_NONBLOCK, O_APPEND: what F_GETFL/F_SETFL see */
};

extern const struct libos_file_ops libos_console_ops;

/* Threads in poll()/select() wait here. The scheduler is a weak reference: an image without
 * threads has no pollers to wake, and does not carry the scheduler for this. */
#pragma weak libos_wake_all
struct libos_waitq libos_poll_waitq = LIBOS_WAITQ_INIT("poll or select", 1);

void libos_poll_wake(void)
{
    if (libos_poll_waitq.head)
        libos_wake_all(&libos_poll_waitq);
}

static struct open_file files[LIBOS_FD_MAX];
static struct open_file *fds[LIBOS_FD_MAX];
static char cloexec[LIBOS_FD_MAX];

/* Called by the boot sequence: stdin, stdout and stderr are the console. */
void libos_posix_init(void)
{
    files[0] = (struct open_file){&libos_console_ops, 0, 3, O_RDWR};
    fds[0] = fds[1] = fds[2] = &files[0];
}

static int fail(int err)
{
    errno = err;
    return -1;
}

static int lowest_free_fd(int from)
{
    for (int fd = from; fd < LIBOS_FD_MAX; fd++)
        if (!fds[fd])
            return fd;
    return -1;
}

int libos_fd_install(const struct libos_file_ops *ops, void *priv)
{
    int fd = lowest_free_fd(0);
    if (fd < 0)
        return -EMFILE;
    for (int i = 0; i < LIBOS_FD_MAX; i++) {
        if (files[i].refs == 0) {
            files[i] = (struct open_file){ops, priv, 1, O_RDWR};
            fds[fd] = &files[i];
            cloexec[fd] = 0;
            return fd;
        }
    }
    return -ENFILE;
}

static struct open_file *file_of(int fd)
{
    return (fd >= 0 && fd < LIBOS_FD_MAX) ? fds[fd] : NULL;
}

const struct libos_file_ops *libos_fd_get(int fd, void **priv)
{
    struct open_file *f = file_of(fd);
    if (!f)
        return NULL;
    *priv = f->priv;
    return f->ops;
}

/* With O_NONBLOCK, an fd that is not ready fails with EAGAIN instead of blocking. */
static int would_block(struct open_file *f, short event)
{
    return (f->status_flags & O_NONBLOCK) && f->ops->poll && !(f->ops->poll(f->priv, event, 0) & event);
}

/* newlib declares read and write returning int for this target. */
int read(int fd, void *buf, size_t n)
{
    struct open_file *f = file_of(fd);
    if (!f || !f->ops->read)
        return fail(EBADF);
    if (n && would_block(f, POLLIN))
        return fail(EAGAIN);
    ssize_t r = f->ops->read(f->priv, buf, n);
    return r < 0 ? fail((int)-r) : (int)r;
}

int write(int fd, const void *buf, size_t n)
{
    struct open_file *f = file_of(fd);
    if (!f || !f->ops->write)
        return fail(EBADF);
    if (n && would_block(f, POLLOUT))
        return fail(EAGAIN);
    ssize_t r = f->ops->write(f->priv, buf, n);
    return r < 0 ? fail((int)-r) : (int)r;
}

off_t lseek(int fd, off_t offset, int whence)
{
    struct open_file *f = file_of(fd);
    if (!f)
        return fail(EBADF);
    if (!f->ops->lseek)
        return fail(ESPIPE);
    off_t r = f->ops->lseek(f->priv, offset, whence);
    return r < 0 ? fail((int)-r) : r;
}

int fstat(int fd, struct stat *st)
{
    struct open_file *f = file_of(fd);
    if (!f)
        return fail(EBADF);
    *st = (struct stat){0};
    int r = f->ops->fstat ? f->ops->fstat(f->priv, st) : 0;
    return r < 0 ? fail(-r) : 0;
}

int isatty(int fd)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return 0;
    if (!S_ISCHR(st.st_mode))
        return errno = ENOTTY, 0;
    return 1;
}

int close(int fd)
{
    struct open_file *f = file_of(fd);
    if (!f)
        return fail(EBADF);
    fds[fd] = NULL;
    if (--f->refs > 0 || !f->ops->close)
        return 0;
    int r = f->ops->close(f->priv);
    return r < 0 ? fail(-r) : 0;
}

static int dup_to(struct open_file *f, int fd)
{
    f->refs++;
    fds[fd] = f;
    cloexec[fd] = 0;
    return fd;
}

int dup(int fd)
{
    struct open_file *f = file_of(fd);
    if (!f)
        return fail(EBADF);
    int nfd = lowest_free_fd(0);
    return nfd < 0 ? fail(EMFILE) : dup_to(f, nfd);
}

int dup2(int fd, int fd2)
{
    struct open_file *f = file_of(fd);
    if (!f || fd2 < 0 || fd2 >= LIBOS_FD_MAX)
        return fail(EBADF);
    if (fd == fd2)
        return fd2;
    if (fds[fd2])
        close(fd2);
    return dup_to(f, fd2);
}

int fcntl(int fd, int cmd, ...)
{
    struct open_file *f = file_of(fd);
    if (!f)
        return fail(EBADF);
    va_list ap;
    va_start(ap, cmd);
    int arg = va_arg(ap, int);
    va_end(ap);
    switch (cmd) {
    case F_DUPFD: {
        int nfd = arg >= 0 ? lowest_free_fd(arg) : -1;
        return nfd < 0 ? fail(arg < 0 ? EINVAL : EMFILE) : dup_to(f, nfd);
    }
    case F_GETFD:
        return cloexec[fd] ? FD_CLOEXEC : 0;
    case F_SETFD:
        cloexec[fd] = (arg & FD_CLOEXEC) != 0;
        return 0;
    case F_GETFL:
        return f->status_flags;
    case F_SETFL:
        f->status_flags = (f->status_flags & O_ACCMODE) | (arg & (O_NONBLOCK | O_APPEND));
        return 0;
    default:
        return fail(EINVAL);
    }
}

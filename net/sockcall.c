/*
 * The socket calls on an fd (bind, listen, accept, connect, send*, recv*, shutdown, *sockopt,
 * get*name): find the description, check that it is a socket, and hand over to its kind's ops
 * (sock_impl.h). No lwIP here: an image with only socketpair carries no network stack.
 */
#include "sock_impl.h"

#include <libos/time.h>

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/time.h>

int libos_sock_fstat(struct libos_file *f, struct stat *st)
{
    (void)f;
    st->st_mode = S_IFSOCK | 0777;
    st->st_blksize = 4096;
    return 0;
}

ssize_t libos_sock_read(struct libos_file *f, void *buf, size_t n)
{
    struct iovec iov = {buf, n};
    struct msghdr m = {NULL, 0, &iov, 1, NULL, 0, 0};
    return sock_ops_of(f)->recvmsg(f, &m, 0);
}

ssize_t libos_sock_write(struct libos_file *f, const void *buf, size_t n)
{
    struct iovec iov = {(void *)buf, n};
    struct msghdr m = {NULL, 0, &iov, 1, NULL, 0, 0};
    return sock_ops_of(f)->sendmsg(f, &m, 0);
}

/* The socket behind fd with a reference for the call (a thread blocked in it keeps the socket
 * alive while another closes the fd), or NULL with errno set (EBADF, ENOTSOCK). */
static struct libos_file *sock_file(int fd)
{
    struct libos_file *f = libos_fd_file(fd);
    if (!f) {
        errno = EBADF;
        return NULL;
    }
    if (!sock_is(f)) {
        errno = ENOTSOCK;
        return NULL;
    }
    f->refs++;
    return f;
}

/* The end of a call: the reference goes, and r becomes errno and -1 or the result. */
static long done(struct libos_file *f, long r)
{
    libos_file_put(f);
    return sock_ret(r);
}

ssize_t libos_sock_iov_total(const struct msghdr *m)
{
    if (m->msg_iovlen > IOV_MAX)
        return -EMSGSIZE;
    size_t total = 0;
    for (size_t i = 0; i < m->msg_iovlen; i++) {
        if (m->msg_iov[i].iov_len > (size_t)LONG_MAX - total)
            return -EINVAL;
        total += m->msg_iov[i].iov_len;
    }
    return (ssize_t)total;
}

int libos_sock_opt_out(void *v, socklen_t *len, const void *val, socklen_t size)
{
    if (!v || !len)
        return -EFAULT;
    if (*len < size)
        size = *len;
    memcpy(v, val, size);
    *len = size;
    return 0;
}

int libos_sock_opt_int(const void *v, socklen_t len, int *out)
{
    if (!v)
        return -EFAULT;
    if (len < sizeof(int))
        return -EINVAL;
    memcpy(out, v, sizeof(int));
    return 0;
}

int libos_sock_opt_timeout(const void *v, socklen_t len, unsigned long long *ns)
{
    struct timeval tv;
    if (!v)
        return -EFAULT;
    if (len < sizeof tv)
        return -EINVAL;
    memcpy(&tv, v, sizeof tv);
    if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
        return -EDOM;
    *ns = (unsigned long long)tv.tv_sec * 1000000000ull + (unsigned long long)tv.tv_usec * 1000ull;
    return 0;
}

int libos_sock_opt_timeout_out(void *v, socklen_t *len, unsigned long long ns)
{
    struct timeval tv = {(time_t)(ns / 1000000000ull), (suseconds_t)(ns % 1000000000ull / 1000)};
    return libos_sock_opt_out(v, len, &tv, sizeof tv);
}

unsigned long long libos_sock_deadline(unsigned long long ns)
{
    return ns ? libos_time_monotonic_ns() + ns : 0;
}

/* Call a socket op, or fail: EBADF/ENOTSOCK for fd, EOPNOTSUPP when the kind has no such op. */
#define SOCK_CALL(fd, op, ...)                                                     \
    do {                                                                           \
        struct libos_file *f_ = sock_file(fd);                                     \
        if (!f_)                                                                   \
            return -1;                                                             \
        if (!sock_ops_of(f_)->op)                                                  \
            return done(f_, -EOPNOTSUPP);                                          \
        return done(f_, sock_ops_of(f_)->op(f_, __VA_ARGS__));                     \
    } while (0)

int bind(int fd, const struct sockaddr *a, socklen_t len) { SOCK_CALL(fd, bind, a, len); }

int listen(int fd, int backlog) { SOCK_CALL(fd, listen, backlog); }

int connect(int fd, const struct sockaddr *a, socklen_t len) { SOCK_CALL(fd, connect, a, len); }

int shutdown(int fd, int how)
{
    if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR) {
        struct libos_file *f = sock_file(fd);
        return f ? (int)done(f, -EINVAL) : -1;
    }
    SOCK_CALL(fd, shutdown, how);
}

int setsockopt(int fd, int level, int name, const void *v, socklen_t len)
{
    SOCK_CALL(fd, setsockopt, level, name, v, len);
}

int getsockopt(int fd, int level, int name, void *v, socklen_t *len)
{
    SOCK_CALL(fd, getsockopt, level, name, v, len);
}

int getsockname(int fd, struct sockaddr *a, socklen_t *len) { SOCK_CALL(fd, name, a, len, 0); }

int getpeername(int fd, struct sockaddr *a, socklen_t *len) { SOCK_CALL(fd, name, a, len, 1); }

/* What write() does for -EPIPE (libos/posix/pipe.c, weak: present with pipes), unless
 * MSG_NOSIGNAL. */
void libos_posix_sigpipe(void) __attribute__((weak));

static ssize_t sent(struct libos_file *f, const struct msghdr *m, int flags)
{
    ssize_t r = sock_ops_of(f)->sendmsg(f, m, flags);
    if (r == -EPIPE && !(flags & MSG_NOSIGNAL) && libos_posix_sigpipe)
        libos_posix_sigpipe();
    return done(f, r);
}

ssize_t sendmsg(int fd, const struct msghdr *m, int flags)
{
    struct libos_file *f = sock_file(fd);
    return f ? sent(f, m, flags) : -1;
}

ssize_t recvmsg(int fd, struct msghdr *m, int flags) { SOCK_CALL(fd, recvmsg, m, flags); }

ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *to, socklen_t tolen)
{
    struct iovec iov = {(void *)buf, n};
    struct msghdr m = {(void *)to, tolen, &iov, 1, NULL, 0, 0};
    struct libos_file *f = sock_file(fd);
    return f ? sent(f, &m, flags) : -1;
}

ssize_t send(int fd, const void *buf, size_t n, int flags) { return sendto(fd, buf, n, flags, NULL, 0); }

ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *from, socklen_t *fromlen)
{
    struct iovec iov = {buf, n};
    struct msghdr m = {from, from && fromlen ? *fromlen : 0, &iov, 1, NULL, 0, 0};
    struct libos_file *f = sock_file(fd);
    if (!f)
        return -1;
    ssize_t r = sock_ops_of(f)->recvmsg(f, &m, flags);
    if (r >= 0 && from && fromlen)
        *fromlen = m.msg_namelen;
    return done(f, r);
}

ssize_t recv(int fd, void *buf, size_t n, int flags) { return recvfrom(fd, buf, n, flags, NULL, NULL); }

int accept4(int fd, struct sockaddr *a, socklen_t *len, int flags)
{
    struct libos_file *f = sock_file(fd), *nf;
    if (!f)
        return -1;
    if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
        return (int)done(f, -EINVAL);
    if (!sock_ops_of(f)->accept)
        return (int)done(f, -EOPNOTSUPP);
    int r = sock_ops_of(f)->accept(f, &nf, a, len, flags & SOCK_NONBLOCK ? O_NONBLOCK : 0);
    if (r < 0)
        return (int)done(f, r);
    return (int)done(f, libos_fd_install(nf, flags & SOCK_CLOEXEC ? O_CLOEXEC : 0));
}

int accept(int fd, struct sockaddr *a, socklen_t *len) { return accept4(fd, a, len, 0); }

/* readv and writev on a socket (libos/posix/uio.c names this weakly): every buffer in one call. */
ssize_t libos_sock_iov(int fd, const struct iovec *iov, int iovcnt, int write_)
{
    struct libos_file *f = libos_fd_file(fd);
    if (!f)
        return -EBADF;
    if (!sock_is(f))
        return -ENOTSOCK;
    struct msghdr m = {NULL, 0, (struct iovec *)iov, (size_t)iovcnt, NULL, 0, 0};
    f->refs++;
    ssize_t r = write_ ? sock_ops_of(f)->sendmsg(f, &m, 0) : sock_ops_of(f)->recvmsg(f, &m, 0);
    libos_file_put(f);
    return r;
}

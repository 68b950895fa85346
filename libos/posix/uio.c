/*
 * readv and writev: one read or write per buffer, in order, stopping at the first short one (as
 * a single read or write of the concatenation would). A file of its own: only programs that
 * call them carry it. A socket takes all the buffers in one call instead (libos::net's
 * libos_sock_iov, named weakly: present only in images with sockets), so a writev of a header
 * and a body is one TCP send, not two segments with Nagle's wait between them.
 */
#include "posix_impl.h"

#include <errno.h>
#include <limits.h>
#include <sys/uio.h>
#include <unistd.h>

/* All of iov on the socket fd in one call: a count or a negative errno; -ENOTSOCK for any other
 * kind of fd (net/sockcall.c). */
ssize_t libos_sock_iov(int fd, const struct iovec *iov, int iovcnt, int write_) __attribute__((weak));

static ssize_t each(int fd, const struct iovec *iov, int iovcnt, int write_)
{
    if (iovcnt < 0 || iovcnt > IOV_MAX)
        return errno = EINVAL, -1;
    if (libos_sock_iov) {
        ssize_t r = libos_sock_iov(fd, iov, iovcnt, write_);
        if (r != -ENOTSOCK) {
            if (r == -EPIPE && libos_posix_sigpipe)
                libos_posix_sigpipe();
            return libos_posix_ret(r);
        }
    }
    ssize_t total = 0;
    for (int i = 0; i < iovcnt; i++) {
        if (iov[i].iov_len > (size_t)(LONG_MAX - total))
            return errno = EINVAL, -1;
        if (iov[i].iov_len == 0)
            continue;
        ssize_t n = write_ ? write(fd, iov[i].iov_base, iov[i].iov_len) : read(fd, iov[i].iov_base, iov[i].iov_len);
        if (n < 0)
            return total ? total : -1;
        total += n;
        if ((size_t)n < iov[i].iov_len)
            break;
    }
    return total;
}

ssize_t readv(int fd, const struct iovec *iov, int iovcnt) { return each(fd, iov, iovcnt, 0); }
ssize_t writev(int fd, const struct iovec *iov, int iovcnt) { return each(fd, iov, iovcnt, 1); }

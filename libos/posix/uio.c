/*
 * readv and writev: one read or write per buffer, in order, stopping at the first short one (as
 * a single read or write of the concatenation would). A file of its own: only programs that
 * call them carry it.
 */
#include <errno.h>
#include <limits.h>
#include <sys/uio.h>
#include <unistd.h>

static ssize_t each(int fd, const struct iovec *iov, int iovcnt, int write_)
{
    if (iovcnt < 0 || iovcnt > IOV_MAX)
        return errno = EINVAL, -1;
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

/*
 * poll() and select(): both are libos::vfs's readiness over every fd kind. Apart from fd.c,
 * since waiting brings the scheduler in, which an image that only reads and writes does without.
 */
#include "posix_impl.h"

#include <libos/config.h>
#include <libos/vfs.h>

#include <poll.h>
#include <stdlib.h>
#include <sys/select.h>

#define RET(expr) libos_posix_ret(expr)

_Static_assert(FD_SETSIZE == LIBOS_FD_MAX, "select() must see every fd");

int poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
    return (int)RET(libos_vfs_poll(fds, n, timeout_ms < 0 ? -1 : (long long)timeout_ms * 1000000));
}

/* select is poll over the fds in the sets. */
int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *timeout)
{
    if (nfds < 0 || nfds > FD_SETSIZE || (timeout && (timeout->tv_sec < 0 || timeout->tv_usec < 0)))
        return errno = EINVAL, -1;
    nfds_t n = 0;
    for (int fd = 0; fd < nfds; fd++)
        n += (rd && FD_ISSET(fd, rd)) || (wr && FD_ISSET(fd, wr)) || (ex && FD_ISSET(fd, ex));
    struct pollfd small[16], *fds = n <= 16 ? small : malloc(n * sizeof *fds);
    if (!fds)
        return errno = ENOMEM, -1;
    n = 0;
    for (int fd = 0; fd < nfds; fd++) {
        short events = (rd && FD_ISSET(fd, rd) ? POLLIN : 0) | (wr && FD_ISSET(fd, wr) ? POLLOUT : 0) |
                       (ex && FD_ISSET(fd, ex) ? POLLPRI : 0);
        if (events)
            fds[n++] = (struct pollfd){fd, events, 0};
    }
    long long t = timeout ? (long long)timeout->tv_sec * 1000000000 + (long long)timeout->tv_usec * 1000 : -1;
    libos_vfs_poll(fds, n, t);
    int count = 0, bad = 0;
    for (nfds_t i = 0; i < n; i++)
        bad |= fds[i].revents & POLLNVAL;
    if (!bad) {
        if (rd)
            FD_ZERO(rd);
        if (wr)
            FD_ZERO(wr);
        if (ex)
            FD_ZERO(ex);
    }
    for (nfds_t i = 0; i < n && !bad; i++) {
        short r = fds[i].revents;
        if (rd && (r & (POLLIN | POLLHUP | POLLERR)) && (fds[i].events & POLLIN))
            FD_SET(fds[i].fd, rd), count++;
        if (wr && (r & (POLLOUT | POLLERR)) && (fds[i].events & POLLOUT))
            FD_SET(fds[i].fd, wr), count++;
        if (ex && (r & POLLPRI))
            FD_SET(fds[i].fd, ex), count++;
    }
    if (fds != small)
        free(fds);
    return bad ? (errno = EBADF, -1) : count;
}


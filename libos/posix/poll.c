/*
 * poll() and select() over every kind of fd. Each fd kind reports readiness through its poll op
 * and, asked to "arm", makes sure libos_poll_wake() runs when readiness may change; the caller
 * then sleeps on libos_poll_waitq until a wake-up or its timeout, and looks again.
 * XXX: every wake-up wakes every poller, which is fine for a handful of threads.
 */
#include <libos/fd.h>
#include <libos/sched.h>
#include <libos/time.h>

#include <errno.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/time.h>

extern struct libos_waitq libos_poll_waitq; /* fd.c */

/* Fill revents for every entry; arm the fds that are not ready when arm is set. */
static int scan(struct pollfd *fds, nfds_t n, int arm)
{
    int count = 0;
    for (nfds_t i = 0; i < n; i++) {
        struct pollfd *p = &fds[i];
        void *priv;
        const struct libos_file_ops *ops;
        if (p->fd < 0) {
            p->revents = 0;
            continue;
        }
        if (!(ops = libos_fd_get(p->fd, &priv)))
            p->revents = POLLNVAL;
        else if (ops->poll)
            p->revents = ops->poll(priv, p->events, arm);
        else
            p->revents = p->events & (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
        count += p->revents != 0;
    }
    return count;
}

/* timeout_ns < 0: wait forever. */
static int wait_for(struct pollfd *fds, nfds_t n, int64_t timeout_ns)
{
    uint64_t deadline = timeout_ns > 0 ? libos_time_monotonic_ns() + (uint64_t)timeout_ns : 0;
    for (;;) {
        int count = scan(fds, n, timeout_ns != 0);
        if (count || timeout_ns == 0)
            return count;
        if (libos_wait(&libos_poll_waitq, deadline) < 0)
            return scan(fds, n, 0); /* timed out: one last look */
    }
}

int poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
    return wait_for(fds, n, timeout_ms < 0 ? -1 : (int64_t)timeout_ms * 1000000);
}

int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *timeout)
{
    if (nfds < 0 || nfds > FD_SETSIZE || (timeout && (timeout->tv_sec < 0 || timeout->tv_usec < 0))) {
        errno = EINVAL;
        return -1;
    }
    struct pollfd fds[FD_SETSIZE];
    nfds_t n = 0;
    for (int fd = 0; fd < nfds; fd++) {
        short events = (rd && FD_ISSET(fd, rd) ? POLLIN : 0) | (wr && FD_ISSET(fd, wr) ? POLLOUT : 0) |
                       (ex && FD_ISSET(fd, ex) ? POLLPRI : 0);
        if (events)
            fds[n++] = (struct pollfd){fd, events, 0};
    }
    int64_t t = timeout ? (int64_t)timeout->tv_sec * 1000000000 + (int64_t)timeout->tv_usec * 1000 : -1;
    wait_for(fds, n, t);
    int count = 0;
    for (nfds_t i = 0; i < n; i++) {
        if (fds[i].revents & POLLNVAL) {
            errno = EBADF;
            return -1;
        }
    }
    if (rd)
        FD_ZERO(rd);
    if (wr)
        FD_ZERO(wr);
    if (ex)
        FD_ZERO(ex);
    for (nfds_t i = 0; i < n; i++) {
        short r = fds[i].revents;
        if (rd && (r & (POLLIN | POLLHUP | POLLERR)) && (fds[i].events & POLLIN))
            FD_SET(fds[i].fd, rd), count++;
        if (wr && (r & (POLLOUT | POLLERR)) && (fds[i].events & POLLOUT))
            FD_SET(fds[i].fd, wr), count++;
        if (ex && (r & POLLPRI))
            FD_SET(fds[i].fd, ex), count++;
    }
    return count;
}

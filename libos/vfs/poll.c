/*
 * Readiness over every kind of fd, written once. Each kind reports readiness through its poll op
 * and, asked to "arm", makes sure libos_vfs_wake() runs when readiness may change; the caller
 * then sleeps on one wait queue until a wake-up or its timeout, and looks again. poll() and
 * select() (libos::posix) are both this.
 * XXX: every wake-up wakes every poller, which is fine for a handful of threads; a server with
 * thousands of connections wants per-file wait queues (epoll), which sockets will bring.
 */
#include "vfs_impl.h"

#include <libos/sched.h>
#include <libos/time.h>

#include <poll.h>

/* The console's readiness comes with poll (console.c names it weakly). */
static short (*const console_poll)(struct libos_file *, short, int) __attribute__((used)) =
    libos_console_poll;

/* Fill revents for every entry; arm the fds that are not ready when arm is set. */
static int scan(struct pollfd *fds, unsigned long n, int arm)
{
    int count = 0;
    for (unsigned long i = 0; i < n; i++) {
        struct pollfd *p = &fds[i];
        struct libos_file *f;
        if (p->fd < 0)
            p->revents = 0;
        else if (!(f = libos_fd_file(p->fd)))
            p->revents = POLLNVAL;
        else if (f->ops->poll)
            p->revents = f->ops->poll(f, p->events, arm);
        else
            p->revents = p->events & (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
        count += p->revents != 0;
    }
    return count;
}

int libos_vfs_poll(struct pollfd *fds, unsigned long n, long long timeout_ns)
{
    uint64_t deadline = timeout_ns > 0 ? libos_time_monotonic_ns() + (uint64_t)timeout_ns : 0;
    for (;;) {
        int count = scan(fds, n, timeout_ns != 0);
        if (count || timeout_ns == 0)
            return count;
        if (libos_wait(&libos_vfs_pollers, deadline) < 0)
            return scan(fds, n, 0); /* timed out: one last look */
    }
}

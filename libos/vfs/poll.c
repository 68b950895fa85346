/*
 * poll() over every kind of fd, written once; select() (libos::posix) is this too. A first look
 * asks each fd's poll op (arming the ones that are not ready). When none is ready and the caller
 * will wait, the thread puts one watch on each fd's description (libos/vfs.h) and sleeps on a
 * wait queue of its own until one of those files is notified, or its timeout; then it takes the
 * watches off and looks again. A notify wakes only the pollers of that file: a thousand threads
 * in poll() on a thousand pipes cost a write one wake-up, not a thousand.
 */
#include "vfs_impl.h"

#include <libos/sched.h>
#include <libos/time.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>

/* The console's readiness comes with poll (console.c names it weakly). */
static short (*const console_poll)(struct libos_file *, short, int) __attribute__((used)) =
    libos_console_poll;

#define SMALL 8 /* watches on the stack; more come from the heap */

struct poller {
    struct libos_waitq woken;
};

struct poll_watch {
    struct libos_watch w;
    struct poller *poller;
};

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
            p->revents = f->ops->poll(f, p->events, arm) & (p->events | POLLHUP | POLLERR);
        else
            p->revents = p->events & (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
        count += p->revents != 0;
    }
    return count;
}

/* A watched file changed, or is going away: wake the poller, which looks again. */
static void watch_fired(struct libos_watch *w, unsigned events)
{
    struct poll_watch *pw = (struct poll_watch *)w;
    if (events & LIBOS_POLL_CLOSED)
        libos_file_unwatch(w);
    libos_wake_all(&pw->poller->woken);
}

int libos_vfs_poll(struct pollfd *fds, unsigned long n, long long timeout_ns)
{
    uint64_t deadline = timeout_ns > 0 ? libos_time_monotonic_ns() + (uint64_t)timeout_ns : 0;
    int count = scan(fds, n, timeout_ns != 0);
    if (count || timeout_ns == 0)
        return count;
    struct poll_watch small[SMALL], *watches = small;
    if (n > SMALL && !(watches = malloc(n * sizeof *watches)))
        return -ENOMEM;
    struct poller me = {LIBOS_WAITQ_INIT("poll or select", 1)};
    for (;;) {
        /* Nothing ready, and every fd armed by the scan: watch them all, then sleep. Nothing
         * runs between the scan and the sleep (one CPU, no preemption), so no notify is lost. */
        for (unsigned long i = 0; i < n; i++) {
            struct libos_file *f = fds[i].fd >= 0 ? libos_fd_file(fds[i].fd) : NULL;
            watches[i].w.pprev = NULL;
            if (!f)
                continue;
            watches[i].w.events = (unsigned short)fds[i].events | POLLHUP | POLLERR;
            watches[i].w.fn = watch_fired;
            watches[i].poller = &me;
            libos_file_watch(f, &watches[i].w);
        }
        int timed_out = libos_wait(&me.woken, deadline) < 0;
        for (unsigned long i = 0; i < n; i++)
            if (watches[i].w.pprev)
                libos_file_unwatch(&watches[i].w);
        count = scan(fds, n, !timed_out);
        if (count || timed_out)
            break;
    }
    if (watches != small)
        free(watches);
    return count;
}

/*
 * Readiness: each open file description keeps the list of watches on it (libos/vfs.h), and
 * libos_file_notify runs the ones whose interest meets the events. poll.c registers a watch per
 * fd while a thread sleeps in poll() or select(); epoll.c one per watched fd for as long as it is
 * watched. A file nobody watches pays one NULL pointer; notify costs O(its watchers).
 *
 * Apart from file.c, which every image has: only images that can wait for readiness (poll,
 * select, epoll) or that have pipes link it. file.c and console.c reach it through weak
 * references, taken only when a watch exists, which only this file can make.
 */
#include "vfs_impl.h"

void libos_file_notify(struct libos_file *f, unsigned events)
{
    for (struct libos_watch *w = f->watchers, *next; w; w = next) {
        next = w->next; /* fn may unwatch w itself */
        if (w->events & events)
            w->fn(w, events);
    }
}

void libos_file_watch(struct libos_file *f, struct libos_watch *w)
{
    w->next = f->watchers;
    w->pprev = &f->watchers;
    if (w->next)
        w->next->pprev = &w->next;
    f->watchers = w;
}

void libos_file_unwatch(struct libos_watch *w)
{
    *w->pprev = w->next;
    if (w->next)
        w->next->pprev = w->pprev;
    w->next = NULL;
    w->pprev = NULL;
}

/* The last reference to f is going: every watcher hears it and unwatches. */
void libos_vfs_unwatch_all(struct libos_file *f)
{
    while (f->watchers)
        f->watchers->fn(f->watchers, LIBOS_POLL_CLOSED);
}

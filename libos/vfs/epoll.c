/*
 * epoll, over the readiness seam (libos/vfs.h): an epoll instance is an open file description
 * whose items each hold one watch on a watched description. A notify on that description puts
 * the item on the instance's ready list (once: it is either on the list or not) and wakes one
 * thread in epoll_wait; epoll_wait takes items off the list, asks each one's poll op what holds
 * now, and reports those. So epoll_wait costs O(ready items), whatever the number watched.
 *
 * Level-triggered items that were reported go back to the end of the ready list: the next
 * epoll_wait asks again, and drops them once drained (their poll op, asked with arm, then makes
 * sure a notify comes). Edge-triggered ones wait for the next notify; one-shot ones are disabled
 * (no interest) until EPOLL_CTL_MOD. Invariant: an enabled item that is not on the ready list
 * was either armed by its last poll, or reported edge-triggered; either way its file's next
 * change notifies it.
 *
 * Items are keyed, as on Linux, by (description, fd): found through the description's watch
 * list (usually one entry). They live until EPOLL_CTL_DEL, the instance's last close, or the
 * watched description's last close (not the fd's: a dup keeps the item alive).
 */
#include "vfs_impl.h"

#include <libos/sched.h>
#include <libos/time.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/epoll.h>

_Static_assert(EPOLL_CLOEXEC == O_CLOEXEC, "epoll_create1 takes O_CLOEXEC");
_Static_assert(EPOLLIN == POLLIN && EPOLLOUT == POLLOUT && EPOLLHUP == POLLHUP &&
               EPOLLERR == POLLERR && EPOLLRDHUP == POLLRDHUP, "epoll's events are poll's");

/* The console's readiness comes with epoll (console.c names it weakly). */
static short (*const console_poll)(struct libos_file *, short, int) __attribute__((used)) =
    libos_console_poll;

#define MAX_DEPTH 5 /* epoll instances in a chain of nested ones, as Linux allows */
#define EVENT_BITS (EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLRDNORM | EPOLLRDBAND | \
                    EPOLLWRNORM | EPOLLWRBAND | EPOLLMSG | EPOLLRDHUP)
#define FLAG_BITS (EPOLLET | EPOLLONESHOT | EPOLLEXCLUSIVE | EPOLLWAKEUP)

struct link {
    struct link *next, *prev; /* circular, around the list's own link */
};

struct epoll {
    struct link items;          /* every item */
    struct link ready;          /* items that may be ready, oldest first */
    struct libos_waitq waiters; /* threads in epoll_wait */
    struct libos_file *file;    /* its own description: notified when an item becomes ready */
};

/* 96 bytes per watched fd. */
struct item {
    struct libos_watch w; /* on the watched file; w.events the interest, 0 while disabled */
    struct link in_ep, in_ready; /* in_ready.next is NULL off the ready list */
    struct epoll *ep;
    struct libos_file *file;
    int fd;
    unsigned flags; /* EPOLLET, EPOLLONESHOT, EPOLLEXCLUSIVE */
    epoll_data_t data;
};

#define ITEM_OF(l, member) ((struct item *)((char *)(l) - __builtin_offsetof(struct item, member)))

static void link_init(struct link *l) { l->next = l->prev = l; }

static void link_append(struct link *list, struct link *l)
{
    l->prev = list->prev;
    l->next = list;
    list->prev->next = l;
    list->prev = l;
}

static void link_remove(struct link *l)
{
    l->prev->next = l->next;
    l->next->prev = l->prev;
    l->next = l->prev = NULL;
}

static const struct libos_file_ops epoll_ops;

/* What of its interest holds now on the item's file; arms the file when nothing does. */
static unsigned ask(struct item *it)
{
    return (unsigned short)it->file->ops->poll(it->file, (short)it->w.events, 1) & it->w.events;
}

/* The item may be ready: queue it, wake one waiter, and tell whoever watches the instance. */
static void queue(struct item *it)
{
    struct epoll *ep = it->ep;
    if (it->in_ready.next)
        return;
    link_append(&ep->ready, &it->in_ready);
    libos_wake_one(&ep->waiters);
    if (ep->file->watchers)
        libos_file_notify(ep->file, POLLIN | POLLRDNORM);
}

static void item_free(struct item *it)
{
    libos_file_unwatch(&it->w);
    link_remove(&it->in_ep);
    if (it->in_ready.next)
        link_remove(&it->in_ready);
    free(it);
}

/* The notify path: no allocation, no poll op. */
static void item_fired(struct libos_watch *w, unsigned events)
{
    struct item *it = (struct item *)w;
    if (events & LIBOS_POLL_CLOSED)
        item_free(it); /* the watched description's last reference went */
    else
        queue(it);
}

/* The item of ep on (f, fd), or NULL. */
static struct item *find(struct epoll *ep, struct libos_file *f, int fd)
{
    for (struct libos_watch *w = f->watchers; w; w = w->next) {
        struct item *it = (struct item *)w;
        if (w->fn == item_fired && it->ep == ep && it->fd == fd)
            return it;
    }
    return NULL;
}

/* The longest chain of epoll instances from ep down through the ones it watches; -1 when
 * target is among them (adding ep to target would make a loop). */
static int depth_below(struct epoll *ep, struct epoll *target)
{
    if (ep == target)
        return -1;
    int deepest = 0;
    for (struct link *l = ep->items.next; l != &ep->items; l = l->next) {
        struct item *it = ITEM_OF(l, in_ep);
        if (it->file->ops != &epoll_ops)
            continue;
        int d = depth_below(it->file->priv, target);
        if (d < 0)
            return -1;
        if (d > deepest)
            deepest = d;
    }
    return deepest + 1;
}

/* The longest chain of epoll instances from ep up through the ones that watch it. */
static int depth_above(struct epoll *ep)
{
    int deepest = 0;
    for (struct libos_watch *w = ep->file->watchers; w; w = w->next) {
        if (w->fn != item_fired)
            continue;
        int d = depth_above(((struct item *)w)->ep);
        if (d > deepest)
            deepest = d;
    }
    return deepest + 1;
}

static void epoll_close(struct libos_file *f)
{
    struct epoll *ep = f->priv;
    while (ep->items.next != &ep->items)
        item_free(ITEM_OF(ep->items.next, in_ep));
    free(ep);
}

/* An epoll fd is readable when one of its items is ready. Items found not ready leave the list
 * (ask armed them). */
static short epoll_poll(struct libos_file *f, short events, int arm)
{
    struct epoll *ep = f->priv;
    (void)arm; /* queue() always notifies the instance's watchers */
    while (ep->ready.next != &ep->ready) {
        struct item *it = ITEM_OF(ep->ready.next, in_ready);
        if (it->w.events && ask(it))
            return events & (POLLIN | POLLRDNORM);
        link_remove(&it->in_ready);
    }
    return 0;
}

static const struct libos_file_ops epoll_ops = {.poll = epoll_poll, .close = epoll_close};

int libos_vfs_epoll_create(int flags)
{
    if (flags & ~O_CLOEXEC)
        return -EINVAL;
    struct epoll *ep = malloc(sizeof *ep);
    struct libos_file *f = ep ? libos_file_new(&epoll_ops, ep, O_RDWR) : NULL;
    if (!f) {
        free(ep);
        return -ENOMEM;
    }
    link_init(&ep->items);
    link_init(&ep->ready);
    ep->waiters = (struct libos_waitq)LIBOS_WAITQ_INIT("epoll_wait", 1);
    ep->file = f;
    return libos_fd_install(f, flags);
}

/* Set an item's interest and flags from ev, and queue it when something already holds. */
static void set_events(struct item *it, const struct epoll_event *ev)
{
    it->w.events = (ev->events & EVENT_BITS) | EPOLLERR | EPOLLHUP;
    it->flags = ev->events & FLAG_BITS;
    it->data = ev->data;
    if (ask(it))
        queue(it);
}

int libos_vfs_epoll_ctl(int epfd, int op, int fd, const struct epoll_event *ev)
{
    struct libos_file *ef = libos_fd_file(epfd), *f = libos_fd_file(fd);
    if (!ef || !f)
        return -EBADF;
    if (!f->ops->poll) /* regular files and directories are always ready: Linux refuses them */
        return -EPERM;
    if (ef->ops != &epoll_ops || f == ef || (op != EPOLL_CTL_DEL && !ev))
        return -EINVAL;
    struct epoll *ep = ef->priv;
    unsigned flags = op == EPOLL_CTL_DEL ? 0 : ev->events;
    if ((flags & EPOLLEXCLUSIVE) &&
        (op == EPOLL_CTL_MOD || (flags & EPOLLONESHOT) || f->ops == &epoll_ops))
        return -EINVAL;
    struct item *it = find(ep, f, fd);
    switch (op) {
    case EPOLL_CTL_ADD:
        if (it)
            return -EEXIST;
        if (f->ops == &epoll_ops) {
            int below = depth_below(f->priv, ep);
            if (below < 0 || below + depth_above(ep) > MAX_DEPTH)
                return -ELOOP;
        }
        if (!(it = calloc(1, sizeof *it)))
            return -ENOMEM;
        it->ep = ep;
        it->file = f;
        it->fd = fd;
        it->w.fn = item_fired;
        link_append(&ep->items, &it->in_ep);
        libos_file_watch(f, &it->w);
        set_events(it, ev);
        return 0;
    case EPOLL_CTL_MOD:
        if (!it)
            return -ENOENT;
        if (it->flags & EPOLLEXCLUSIVE)
            return -EINVAL;
        set_events(it, ev);
        return 0;
    case EPOLL_CTL_DEL:
        if (!it)
            return -ENOENT;
        item_free(it);
        return 0;
    default:
        return -EINVAL;
    }
}

/* Report up to max ready items into out. */
static int collect(struct epoll *ep, struct epoll_event *out, int max)
{
    struct link again; /* level-triggered items reported now: back on the list afterwards */
    link_init(&again);
    int n = 0;
    while (n < max && ep->ready.next != &ep->ready) {
        struct item *it = ITEM_OF(ep->ready.next, in_ready);
        link_remove(&it->in_ready);
        unsigned events = it->w.events ? ask(it) : 0;
        if (!events)
            continue; /* drained meanwhile, or disabled: ask armed it */
        out[n].events = events;
        out[n].data = it->data;
        n++;
        if (it->flags & EPOLLONESHOT)
            it->w.events = 0;
        else if (!(it->flags & EPOLLET))
            link_append(&again, &it->in_ready);
    }
    if (again.next != &again) { /* splice them behind what is still queued */
        again.next->prev = ep->ready.prev;
        ep->ready.prev->next = again.next;
        again.prev->next = &ep->ready;
        ep->ready.prev = again.prev;
    }
    if (ep->ready.next != &ep->ready) /* more than this caller took: another waiter may */
        libos_wake_one(&ep->waiters);
    return n;
}

int libos_vfs_epoll_wait(int epfd, struct epoll_event *out, int max, long long timeout_ns)
{
    struct libos_file *f = libos_fd_file(epfd);
    if (!f)
        return -EBADF;
    if (f->ops != &epoll_ops || max <= 0 || max > INT_MAX / (int)sizeof *out)
        return -EINVAL;
    uint64_t deadline = timeout_ns > 0 ? libos_time_monotonic_ns() + (uint64_t)timeout_ns : 0;
    struct epoll *ep = f->priv;
    f->refs++; /* a close of epfd meanwhile leaves the instance to us until we return */
    int n;
    while (!(n = collect(ep, out, max)) && timeout_ns != 0)
        if (libos_wait(&ep->waiters, deadline) < 0) {
            n = collect(ep, out, max); /* timed out: one last look */
            break;
        }
    libos_file_put(f);
    return n;
}

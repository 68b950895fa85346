/*
 * pthread mutexes: normal, recursive and errorcheck. Cooperative scheduling means only a thread
 * that blocks while holding a mutex can make another wait, so the fast paths are plain stores.
 * Unlocking hands the mutex straight to the first waiter, so waiters are served in order.
 */
#include "pthread_impl.h"

#include <libos/boot.h>

#include <errno.h>

int pthread_mutexattr_init(pthread_mutexattr_t *a)
{
    *a = (pthread_mutexattr_t){.is_initialized = 1, .type = PTHREAD_MUTEX_DEFAULT};
    return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *a)
{
    a->is_initialized = 0;
    return 0;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *a, int type)
{
    if (type < PTHREAD_MUTEX_NORMAL || type > PTHREAD_MUTEX_DEFAULT)
        return EINVAL;
    a->type = type;
    return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t *a, int *type)
{
    *type = a->type;
    return 0;
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
{
    *m = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
    if (a)
        m->__type = a->type;
    return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m) { return m->__owner ? EBUSY : 0; }

/* 0 when the caller now holds m, EBUSY when another thread does, or the type's error. */
static int try_take(pthread_mutex_t *m, struct pthread *self)
{
    if (!m->__owner) {
        m->__owner = self;
        m->__count = 1;
        return 0;
    }
    if (m->__owner != self)
        return EBUSY;
    if (m->__type == PTHREAD_MUTEX_RECURSIVE) {
        if (m->__count == ~0u)
            return EAGAIN;
        m->__count++;
        return 0;
    }
    if (m->__type == PTHREAD_MUTEX_ERRORCHECK)
        return EDEADLK;
    return EBUSY; /* normal and default: the caller deadlocks (see lock) */
}

static int lock(pthread_mutex_t *m, uint64_t deadline)
{
    struct pthread *self = libos_pthread_self();
    int r = try_take(m, self);
    if (r != EBUSY)
        return r;
    struct libos_waitq *q = libos_waitq_of(&m->__waiters, "a pthread mutex");
    if (m->__owner == self) {
        /* Relocking a normal mutex deadlocks (POSIX). Only the owner may unlock it, so the wait
         * could never end: say so now rather than hang. A timed lock waits out its timeout. */
        if (!deadline)
            libos_panic("DEADLOCK: thread relocks a mutex it holds (%p); a PTHREAD_MUTEX_NORMAL "
                        "or default mutex deadlocks, ERRORCHECK would return EDEADLK",
                        (void *)m);
        while (libos_wait(q, deadline) == 0)
            ;
        return ETIMEDOUT;
    }
    while (m->__owner != self) /* unlock hands it over to us */
        if (libos_wait(q, deadline) < 0 && m->__owner != self)
            return ETIMEDOUT;
    return 0;
}

int pthread_mutex_lock(pthread_mutex_t *m) { return lock(m, 0); }

int pthread_mutex_trylock(pthread_mutex_t *m)
{
    int r = try_take(m, libos_pthread_self());
    return r == EDEADLK ? EBUSY : r;
}

int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime)
{
    uint64_t deadline;
    int r = libos_deadline_from_timespec(abstime, CLOCK_REALTIME, &deadline);
    return r ? r : lock(m, deadline);
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
    struct pthread *self = libos_pthread_self();
    if (m->__owner != self)
        return EPERM;
    if (--m->__count > 0)
        return 0;
    struct libos_waitq *q = (struct libos_waitq *)&m->__waiters;
    struct libos_thread *next = libos_waitq_first(q);
    m->__owner = next ? next->user : NULL;
    if (next) {
        m->__count = 1;
        libos_wake_one(q);
    }
    return 0;
}

/*
 * Reader-writer locks. Like glibc's default, readers are let in whenever no writer holds the
 * lock, even with writers waiting: a thread may take a read lock it already holds without
 * deadlocking, at the price that a steady stream of readers can keep a writer waiting.
 */
#include "pthread_impl.h"

#include <errno.h>

int pthread_rwlockattr_init(pthread_rwlockattr_t *a)
{
    *a = (pthread_rwlockattr_t){1, PTHREAD_PROCESS_PRIVATE};
    return 0;
}

int pthread_rwlockattr_destroy(pthread_rwlockattr_t *a)
{
    a->is_initialized = 0;
    return 0;
}

int pthread_rwlockattr_getpshared(const pthread_rwlockattr_t *a, int *pshared)
{
    *pshared = a->process_shared;
    return 0;
}

int pthread_rwlockattr_setpshared(pthread_rwlockattr_t *a, int pshared)
{
    if (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED)
        return EINVAL;
    a->process_shared = pshared; /* one program: the same thing */
    return 0;
}

int pthread_rwlock_init(pthread_rwlock_t *l, const pthread_rwlockattr_t *a)
{
    (void)a;
    *l = (pthread_rwlock_t)PTHREAD_RWLOCK_INITIALIZER;
    return 0;
}

int pthread_rwlock_destroy(pthread_rwlock_t *l) { return l->__readers || l->__writer ? EBUSY : 0; }

static int read_lock(pthread_rwlock_t *l, uint64_t deadline, int try)
{
    struct libos_waitq *q = libos_waitq_of(&l->__readers_waiting, "a rwlock (to read)");
    while (l->__writer) {
        if (l->__writer == libos_pthread_self())
            return EDEADLK;
        if (try)
            return EBUSY;
        if (libos_wait(q, deadline) < 0 && l->__writer)
            return ETIMEDOUT;
    }
    l->__readers++;
    return 0;
}

static int write_lock(pthread_rwlock_t *l, uint64_t deadline, int try)
{
    struct pthread *self = libos_pthread_self();
    struct libos_waitq *q = libos_waitq_of(&l->__writers_waiting, "a rwlock (to write)");
    if (l->__writer == self)
        return EDEADLK;
    while (l->__writer || l->__readers) {
        if (try)
            return EBUSY;
        if (libos_wait(q, deadline) < 0 && (l->__writer || l->__readers))
            return ETIMEDOUT;
    }
    l->__writer = self;
    return 0;
}

int pthread_rwlock_rdlock(pthread_rwlock_t *l) { return read_lock(l, 0, 0); }
int pthread_rwlock_tryrdlock(pthread_rwlock_t *l) { return read_lock(l, 0, 1); }
int pthread_rwlock_wrlock(pthread_rwlock_t *l) { return write_lock(l, 0, 0); }
int pthread_rwlock_trywrlock(pthread_rwlock_t *l) { return write_lock(l, 0, 1); }

int pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const struct timespec *abstime)
{
    uint64_t deadline;
    int r = libos_deadline_from_timespec(abstime, CLOCK_REALTIME, &deadline);
    return r ? r : read_lock(l, deadline, 0);
}

int pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const struct timespec *abstime)
{
    uint64_t deadline;
    int r = libos_deadline_from_timespec(abstime, CLOCK_REALTIME, &deadline);
    return r ? r : write_lock(l, deadline, 0);
}

int pthread_rwlock_unlock(pthread_rwlock_t *l)
{
    if (l->__writer) {
        if (l->__writer != libos_pthread_self())
            return EPERM;
        l->__writer = NULL;
    } else if (l->__readers) {
        if (--l->__readers)
            return 0;
    } else {
        return EPERM;
    }
    /* Free now: every waiting reader may go; one writer gets to try (readers go first). */
    libos_wake_all((struct libos_waitq *)&l->__readers_waiting);
    libos_wake_one((struct libos_waitq *)&l->__writers_waiting);
    return 0;
}

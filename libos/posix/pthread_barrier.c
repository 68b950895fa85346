/*
 * Barriers and spinlocks. A barrier releases its waiters together when the count-th arrives;
 * that last one gets PTHREAD_BARRIER_SERIAL_THREAD. A spinlock on one cooperative CPU cannot
 * be released while we spin (the holder is not running), so waiting for one yields instead.
 */
#include "pthread_impl.h"

#include <errno.h>

int pthread_barrierattr_init(pthread_barrierattr_t *a)
{
    *a = (pthread_barrierattr_t){1, PTHREAD_PROCESS_PRIVATE};
    return 0;
}

int pthread_barrierattr_destroy(pthread_barrierattr_t *a)
{
    a->is_initialized = 0;
    return 0;
}

int pthread_barrierattr_getpshared(const pthread_barrierattr_t *a, int *pshared)
{
    *pshared = a->process_shared;
    return 0;
}

int pthread_barrierattr_setpshared(pthread_barrierattr_t *a, int pshared)
{
    if (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED)
        return EINVAL;
    a->process_shared = pshared;
    return 0;
}

int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *a, unsigned count)
{
    (void)a;
    if (count == 0)
        return EINVAL;
    *b = (pthread_barrier_t){{0, 0, "a barrier", 0}, count, 0, 0};
    return 0;
}

int pthread_barrier_destroy(pthread_barrier_t *b) { return b->__arrived ? EBUSY : 0; }

int pthread_barrier_wait(pthread_barrier_t *b)
{
    if (++b->__arrived == b->__count) {
        b->__arrived = 0;
        b->__round++;
        libos_wake_all((struct libos_waitq *)&b->__waiters);
        return PTHREAD_BARRIER_SERIAL_THREAD;
    }
    unsigned long round = b->__round;
    while (b->__round == round)
        libos_wait((struct libos_waitq *)&b->__waiters, 0);
    return 0;
}

int pthread_spin_init(pthread_spinlock_t *s, int pshared)
{
    (void)pshared;
    s->__locked = 0;
    return 0;
}

int pthread_spin_destroy(pthread_spinlock_t *s) { return s->__locked ? EBUSY : 0; }

int pthread_spin_lock(pthread_spinlock_t *s)
{
    while (s->__locked)
        libos_yield();
    s->__locked = 1;
    return 0;
}

int pthread_spin_trylock(pthread_spinlock_t *s)
{
    if (s->__locked)
        return EBUSY;
    s->__locked = 1;
    return 0;
}

int pthread_spin_unlock(pthread_spinlock_t *s)
{
    s->__locked = 0;
    return 0;
}

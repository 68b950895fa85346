/*
 * Condition variables, and the conversion of absolute timeouts to monotonic deadlines shared by
 * every timed wait (mutex, condition variable, semaphore).
 */
#include "pthread_impl.h"

#include <libos/time.h>

#include <errno.h>
#include <time.h>

int libos_deadline_from_timespec(const struct timespec *abstime, int clock, uint64_t *deadline)
{
    if (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000)
        return EINVAL;
    uint64_t when = (uint64_t)abstime->tv_sec * 1000000000u + (uint64_t)abstime->tv_nsec;
    if (abstime->tv_sec < 0)
        when = 0;
    if (clock == CLOCK_MONOTONIC) {
        *deadline = when ? when : 1;
        return 0;
    }
    uint64_t now_real = libos_time_realtime_ns();
    *deadline = when <= now_real ? 1 /* already past: time out at once */
                                 : libos_time_monotonic_ns() + (when - now_real);
    return 0;
}

int pthread_condattr_init(pthread_condattr_t *a)
{
    *a = (pthread_condattr_t){.is_initialized = 1, .clock = CLOCK_REALTIME};
    return 0;
}

int pthread_condattr_destroy(pthread_condattr_t *a)
{
    a->is_initialized = 0;
    return 0;
}

int pthread_condattr_setclock(pthread_condattr_t *a, clockid_t clock)
{
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
        return EINVAL;
    a->clock = clock;
    return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t *a, clockid_t *clock)
{
    *clock = a->clock;
    return 0;
}

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a)
{
    *c = (pthread_cond_t)PTHREAD_COND_INITIALIZER;
    if (a && a->clock == CLOCK_MONOTONIC)
        c->__clock = CLOCK_MONOTONIC;
    return 0;
}

int pthread_cond_destroy(pthread_cond_t *c) { return c->__waiters.__head ? EBUSY : 0; }

static int wait(pthread_cond_t *c, pthread_mutex_t *m, uint64_t deadline)
{
    int r = pthread_mutex_unlock(m);
    if (r)
        return r; /* not the owner: EPERM */
    int timed_out = libos_wait(libos_waitq_of(&c->__waiters, "a pthread condition variable"), deadline);
    pthread_mutex_lock(m);
    return timed_out < 0 ? ETIMEDOUT : 0;
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) { return wait(c, m, 0); }

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime)
{
    int clock = c->__clock == CLOCK_MONOTONIC ? CLOCK_MONOTONIC : CLOCK_REALTIME;
    uint64_t deadline;
    int r = libos_deadline_from_timespec(abstime, clock, &deadline);
    return r ? r : wait(c, m, deadline);
}

int pthread_cond_signal(pthread_cond_t *c)
{
    libos_wake_one((struct libos_waitq *)&c->__waiters);
    return 0;
}

int pthread_cond_broadcast(pthread_cond_t *c)
{
    libos_wake_all((struct libos_waitq *)&c->__waiters);
    return 0;
}

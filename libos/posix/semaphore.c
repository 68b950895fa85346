/* POSIX unnamed semaphores over a wait queue. sem_post hands the unit straight to a waiter. */
#include "pthread_impl.h"

#include <errno.h>
#include <semaphore.h>

static int fail(int err)
{
    errno = err;
    return -1;
}

int sem_init(sem_t *sem, int pshared, unsigned value)
{
    (void)pshared; /* one program: private and shared are the same thing */
    if (value > SEM_VALUE_MAX)
        return fail(EINVAL);
    *sem = (sem_t){value, {0, 0, "a semaphore", 0}};
    return 0;
}

int sem_destroy(sem_t *sem) { return sem->__waiters.__head ? fail(EBUSY) : 0; }

static int take(sem_t *sem, uint64_t deadline)
{
    if (sem->__value > 0) {
        sem->__value--;
        return 0;
    }
    /* sem_post gives the unit to the first waiter directly, so waking means we have it. */
    if (libos_wait(libos_waitq_of(&sem->__waiters, "a semaphore"), deadline) < 0)
        return fail(ETIMEDOUT);
    return 0;
}

int sem_wait(sem_t *sem) { return take(sem, 0); }

int sem_trywait(sem_t *sem)
{
    if (sem->__value == 0)
        return fail(EAGAIN);
    sem->__value--;
    return 0;
}

int sem_timedwait(sem_t *sem, const struct timespec *abstime)
{
    uint64_t deadline;
    int r = libos_deadline_from_timespec(abstime, CLOCK_REALTIME, &deadline);
    return r ? fail(r) : take(sem, deadline);
}

int sem_post(sem_t *sem)
{
    if (libos_wake_one((struct libos_waitq *)&sem->__waiters))
        return 0;
    if (sem->__value == SEM_VALUE_MAX)
        return fail(EOVERFLOW);
    sem->__value++;
    return 0;
}

int sem_getvalue(sem_t *sem, int *value)
{
    *value = (int)sem->__value;
    return 0;
}

sem_t *sem_open(const char *name, int oflag, ...)
{
    (void)name, (void)oflag;
    errno = ENOSYS;
    return SEM_FAILED;
}

int sem_close(sem_t *sem)
{
    (void)sem;
    return fail(EINVAL);
}

int sem_unlink(const char *name)
{
    (void)name;
    return fail(ENOENT);
}

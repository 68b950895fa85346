/*
 * POSIX unnamed semaphores (newlib has no <semaphore.h>). Named semaphores (sem_open) need a
 * shared name space between processes, which a single-program machine does not have: they fail
 * with ENOSYS.
 */
#ifndef _SEMAPHORE_H
#define _SEMAPHORE_H

#include <sys/_pthreadtypes.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    unsigned __value;
    struct __libos_waitq __waiters;
} sem_t;

#define SEM_FAILED ((sem_t *)0)
#define SEM_VALUE_MAX 0x7fffffff

int sem_init(sem_t *sem, int pshared, unsigned value);
int sem_destroy(sem_t *sem);
int sem_wait(sem_t *sem);
int sem_trywait(sem_t *sem);
int sem_timedwait(sem_t *sem, const struct timespec *abstime);
int sem_post(sem_t *sem);
int sem_getvalue(sem_t *sem, int *value);
sem_t *sem_open(const char *name, int oflag, ...);
int sem_close(sem_t *sem);
int sem_unlink(const char *name);

#ifdef __cplusplus
}
#endif

#endif

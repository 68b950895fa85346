/*
 * Private to libos::posix: the thread control block behind a pthread_t, and the glue between the
 * pthread types (<sys/_pthreadtypes.h>) and libos::core's wait queues.
 */
#ifndef LIBOS_POSIX_PTHREAD_IMPL_H
#define LIBOS_POSIX_PTHREAD_IMPL_H

#include <libos/sched.h>

#include <limits.h>
#include <pthread.h>
#include <stddef.h>

#ifndef PTHREAD_KEYS_MAX
#define PTHREAD_KEYS_MAX 128
#endif
#ifndef PTHREAD_DESTRUCTOR_ITERATIONS
#define PTHREAD_DESTRUCTOR_ITERATIONS 4
#endif

struct pthread {
    struct libos_thread *thread;
    void *(*fn)(void *);
    void *arg;
    void *retval;
    void **keys; /* PTHREAD_KEYS_MAX values, allocated at the first pthread_setspecific */
    int detached;
    int joining;
};

/* The calling thread's control block (the main thread's is made on first use). */
struct pthread *libos_pthread_new_self(void);
static inline struct pthread *libos_pthread_self(void)
{
    struct pthread *p = libos_thread_self()->user;
    return p ? p : libos_pthread_new_self();
}

/* The public types embed a wait queue of their own (struct __libos_waitq). */
_Static_assert(sizeof(struct __libos_waitq) == sizeof(struct libos_waitq) &&
                   offsetof(struct __libos_waitq, __what) == offsetof(struct libos_waitq, what) &&
                   offsetof(struct __libos_waitq, __device) == offsetof(struct libos_waitq, device),
               "struct __libos_waitq must match struct libos_waitq");

static inline struct libos_waitq *libos_waitq_of(struct __libos_waitq *q, const char *what)
{
    if (!q->__what) /* statically initialised: name it for deadlock reports */
        q->__what = what;
    return (struct libos_waitq *)q;
}

/*
 * The absolute time abstime on clock, as a monotonic deadline in ns for libos_wait (at least 1,
 * so it is never "none"). Returns 0, or EINVAL for a timespec whose tv_nsec is out of range.
 */
struct timespec;
int libos_deadline_from_timespec(const struct timespec *abstime, int clock, uint64_t *deadline);

#endif

/*
 * The rest of the pthread calls newlib's <pthread.h> declares: stack, guard and scheduling
 * attributes, cancellation, cleanup handlers, process-shared attributes, fork handlers and CPU-time
 * clocks. One CPU and one scheduler (first come, first served among ready threads).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#define PAGE 4096

/* XXX: a thread runs on a stack libos allocates, of the size asked for; a stack address given here
 * is kept and reported, not used. */
int pthread_attr_setstack(pthread_attr_t *a, void *addr, size_t size)
{
    int r = pthread_attr_setstacksize(a, size);
    if (r == 0)
        a->stackaddr = addr;
    return r;
}
int pthread_attr_getstack(const pthread_attr_t *__restrict a, void **__restrict addr, size_t *__restrict size)
{
    *addr = a->stackaddr;
    *size = a->stacksize;
    return 0;
}
int pthread_attr_setstackaddr(pthread_attr_t *a, void *addr)
{
    a->stackaddr = addr;
    return 0;
}
int pthread_attr_getstackaddr(const pthread_attr_t *a, void **addr)
{
    *addr = a->stackaddr;
    return 0;
}
/* Every thread stack has one guard page below it, whatever is asked. */
int pthread_attr_setguardsize(pthread_attr_t *a, size_t size)
{
    (void)a;
    return size > SIZE_MAX / 2 ? EINVAL : 0;
}
int pthread_attr_getguardsize(const pthread_attr_t *__restrict a, size_t *__restrict size)
{
    (void)a;
    *size = PAGE;
    return 0;
}
int pthread_attr_setschedparam(pthread_attr_t *a, const struct sched_param *p)
{
    a->schedparam = *p;
    return 0;
}
int pthread_attr_getschedparam(const pthread_attr_t *a, struct sched_param *p)
{
    *p = a->schedparam;
    return 0;
}

/* Cancellation is not supported: the state and type are kept, a cancel request fails ENOSYS, and
 * no point is ever a cancellation point. */
static int cancel_state = PTHREAD_CANCEL_ENABLE, cancel_type = PTHREAD_CANCEL_DEFERRED;
int pthread_cancel(pthread_t t)
{
    (void)t;
    return ENOSYS;
}
int pthread_setcancelstate(int state, int *old)
{
    if (state != PTHREAD_CANCEL_ENABLE && state != PTHREAD_CANCEL_DISABLE)
        return EINVAL;
    if (old)
        *old = cancel_state;
    cancel_state = state;
    return 0;
}
int pthread_setcanceltype(int type, int *old)
{
    if (type != PTHREAD_CANCEL_DEFERRED && type != PTHREAD_CANCEL_ASYNCHRONOUS)
        return EINVAL;
    if (old)
        *old = cancel_type;
    cancel_type = type;
    return 0;
}
void pthread_testcancel(void) {}

/* Cleanup handlers (pthread_cleanup_push/pop are macros over these): run by pop(1). XXX: not run
 * by pthread_exit. */
void _pthread_cleanup_push(struct _pthread_cleanup_context *c, void (*fn)(void *), void *arg)
{
    c->_routine = fn;
    c->_arg = arg;
}
void _pthread_cleanup_pop(struct _pthread_cleanup_context *c, int execute)
{
    if (execute)
        c->_routine(c->_arg);
}
void _pthread_cleanup_push_defer(struct _pthread_cleanup_context *c, void (*fn)(void *), void *arg)
{
    _pthread_cleanup_push(c, fn, arg);
}
void _pthread_cleanup_pop_restore(struct _pthread_cleanup_context *c, int execute)
{
    _pthread_cleanup_pop(c, execute);
}

/* One address space: process-shared objects work as private ones. */
int pthread_mutexattr_setpshared(pthread_mutexattr_t *a, int shared)
{
    if (shared != PTHREAD_PROCESS_PRIVATE && shared != PTHREAD_PROCESS_SHARED)
        return EINVAL;
    a->process_shared = shared;
    return 0;
}
int pthread_mutexattr_getpshared(const pthread_mutexattr_t *a, int *shared)
{
    *shared = a->process_shared;
    return 0;
}
int pthread_condattr_setpshared(pthread_condattr_t *a, int shared)
{
    if (shared != PTHREAD_PROCESS_PRIVATE && shared != PTHREAD_PROCESS_SHARED)
        return EINVAL;
    a->process_shared = shared;
    return 0;
}
int pthread_condattr_getpshared(const pthread_condattr_t *a, int *shared)
{
    *shared = a->process_shared;
    return 0;
}

/* No fork: the handlers would never run. */
int pthread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
    (void)prepare, (void)parent, (void)child;
    return 0;
}

static int concurrency;
int pthread_getconcurrency(void) { return concurrency; }
int pthread_setconcurrency(int level)
{
    if (level < 0)
        return EINVAL;
    concurrency = level;
    return 0;
}

/* No per-thread CPU time is kept. */
int pthread_getcpuclockid(pthread_t t, clockid_t *clock)
{
    (void)t, (void)clock;
    return ENOENT;
}

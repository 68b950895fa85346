/*
 * POSIX threads over libos::core's cooperative threads: create, join, detach, exit, self,
 * attributes (stack size, detach state), once, and thread-specific keys with destructors.
 * A pthread_t is the address of the thread's control block (struct pthread), which the core
 * thread points back to through its user field.
 */
#include "pthread_impl.h"

#include <libos/boot.h>
#include <libos/mm.h>
#include <libos/sched.h>
#include <libos/vfs.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static struct pthread main_pthread;
static void (*key_destructors[PTHREAD_KEYS_MAX])(void *);
static unsigned char key_used[PTHREAD_KEYS_MAX];
static struct libos_waitq once_waiters = LIBOS_WAITQ_INIT("pthread_once", 0);

/* The main thread (the only one on the boot stack), or one made with libos_thread_create
 * directly, gets its control block the first time it asks for it. */
struct pthread *libos_pthread_new_self(void)
{
    struct libos_thread *t = libos_thread_self();
    struct pthread *p = libos_thread_is_main(t) ? &main_pthread : calloc(1, sizeof *p);
    if (!p)
        libos_panic("out of memory for a thread control block");
    p->thread = t;
    t->user = p;
    return p;
}

/* A second thread makes newlib's locks matter: this reference links newlib_locks.c in (the
 * linker resolves it when it loads this file, before it drops the unused pointer). */
extern const char libos_newlib_locks;
static const char *const need_newlib_locks __attribute__((used)) = &libos_newlib_locks;
/* ... and a thread reading the console must block, not spin, so that the others run. */
static const char *const need_console_blocking __attribute__((used)) = &libos_console_blocking;

pthread_t pthread_self(void) { return (pthread_t)libos_pthread_self(); }

int pthread_equal(pthread_t a, pthread_t b) { return a == b; }

int pthread_attr_init(pthread_attr_t *a)
{
    *a = (pthread_attr_t){.is_initialized = 1, .stacksize = libos_stack_thread_default(),
                          .detachstate = PTHREAD_CREATE_JOINABLE,
                          .inheritsched = PTHREAD_INHERIT_SCHED};
    return 0;
}

int pthread_attr_destroy(pthread_attr_t *a)
{
    a->is_initialized = 0;
    return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *a, size_t size)
{
    /* Too small, or too large to round up to whole pages plus a guard page. A size that merely
     * exceeds free memory is accepted, and pthread_create fails with EAGAIN. */
    if (size < PTHREAD_STACK_MIN || size > SIZE_MAX / 2)
        return EINVAL;
    a->stacksize = size;
    return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *a, size_t *size)
{
    *size = a->stacksize;
    return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *a, int state)
{
    if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED)
        return EINVAL;
    a->detachstate = state;
    return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *a, int *state)
{
    *state = a->detachstate;
    return 0;
}

static void run_key_destructors(struct pthread *p)
{
    /* A destructor may set values again: repeat, as POSIX allows, a bounded number of times. */
    for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS && p->keys; round++) {
        int any = 0;
        for (unsigned k = 0; k < PTHREAD_KEYS_MAX; k++) {
            void *v = p->keys[k];
            if (v && key_used[k] && key_destructors[k]) {
                p->keys[k] = NULL;
                key_destructors[k](v);
                any = 1;
            }
        }
        if (!any)
            break;
    }
    free(p->keys);
    p->keys = NULL;
}

_Noreturn void pthread_exit(void *value)
{
    struct pthread *p = libos_pthread_self();
    p->retval = value;
    run_key_destructors(p);
    if (p->detached && p != &main_pthread)
        free(p); /* nobody will join it; the core frees the thread itself */
    libos_thread_exit();
}

static void start(void *arg)
{
    struct pthread *p = arg;
    pthread_exit(p->fn(p->arg));
}

int pthread_create(pthread_t *out, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
    pthread_attr_t defaults;
    if (!attr) {
        pthread_attr_init(&defaults);
        attr = &defaults;
    }
    struct pthread *p = calloc(1, sizeof *p);
    if (!p)
        return EAGAIN;
    p->fn = fn;
    p->arg = arg;
    p->detached = attr->detachstate == PTHREAD_CREATE_DETACHED;
    p->thread = libos_thread_create(start, p, attr->stacksize, NULL);
    if (!p->thread) {
        free(p);
        return EAGAIN;
    }
    p->thread->user = p;
    if (p->detached)
        libos_thread_detach(p->thread);
    *out = (pthread_t)p;
    return 0;
}

int pthread_join(pthread_t th, void **value)
{
    struct pthread *p = (struct pthread *)th;
    if (p == libos_pthread_self())
        return EDEADLK;
    if (p->detached || p->joining)
        return EINVAL;
    p->joining = 1;
    libos_thread_join(p->thread);
    if (value)
        *value = p->retval;
    free(p);
    return 0;
}

int pthread_detach(pthread_t th)
{
    struct pthread *p = (struct pthread *)th;
    if (p->detached)
        return EINVAL;
    p->detached = 1;
    int exited = libos_thread_has_exited(p->thread);
    libos_thread_detach(p->thread);
    if (exited)
        free(p);
    return 0;
}

int pthread_setname_np(pthread_t th, const char *name)
{
    return -libos_thread_set_name(((struct pthread *)th)->thread, name);
}

int pthread_getname_np(pthread_t th, char *buf, size_t len)
{
    const char *name = libos_thread_get_name(((struct pthread *)th)->thread);
    if (strlen(name) >= len)
        return ERANGE;
    strcpy(buf, name);
    return 0;
}

int sched_yield(void)
{
    libos_yield();
    return 0;
}

void pthread_yield(void) { libos_yield(); }

int pthread_once(pthread_once_t *once, void (*fn)(void))
{
    while (once->init_executed == 1) /* another thread is running fn and blocked inside it */
        libos_wait(&once_waiters, 0);
    if (once->init_executed == 0) {
        once->init_executed = 1;
        fn();
        once->init_executed = 2;
        libos_wake_all(&once_waiters);
    }
    return 0;
}

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
    for (unsigned k = 0; k < PTHREAD_KEYS_MAX; k++) {
        if (!key_used[k]) {
            key_used[k] = 1;
            key_destructors[k] = destructor;
            *key = k;
            return 0;
        }
    }
    return EAGAIN;
}

int pthread_key_delete(pthread_key_t key)
{
    if (key >= PTHREAD_KEYS_MAX || !key_used[key])
        return EINVAL;
    key_used[key] = 0;
    key_destructors[key] = NULL;
    /* Values other threads still hold for it are forgotten, as POSIX says; clear ours. */
    for (struct pthread *p = libos_pthread_self(); p->keys; p = NULL)
        p->keys[key] = NULL;
    return 0;
}

void *pthread_getspecific(pthread_key_t key)
{
    struct pthread *p = libos_pthread_self();
    return key < PTHREAD_KEYS_MAX && p->keys ? p->keys[key] : NULL;
}

int pthread_setspecific(pthread_key_t key, const void *value)
{
    if (key >= PTHREAD_KEYS_MAX || !key_used[key])
        return EINVAL;
    struct pthread *p = libos_pthread_self();
    if (!p->keys && !(p->keys = calloc(PTHREAD_KEYS_MAX, sizeof *p->keys)))
        return ENOMEM;
    p->keys[key] = (void *)value;
    return 0;
}

/*
 * newlib's locks (it is built with --enable-newlib-retargetable-locking): malloc, stdio streams,
 * atexit, the environment. They are recursive or plain mutexes over libos::core's wait queues.
 *
 * Only an image with threads can contend, so only such an image links this file: pthread.c refers
 * to libos_newlib_locks, and these definitions replace the weak no-op ones in process.c, which
 * every image has. With threads, contention is still rare: a thread must block (on I/O) while
 * holding a stdio lock for another to wait.
 *
 * newlib wants all ten functions and all nine lock objects from one place; otherwise it pulls its
 * own no-op versions in and the link fails.
 */
#include <libos/boot.h>
#include <libos/sched.h>

#include <stdlib.h>
#include <sys/lock.h>

#pragma weak libos_thread_current
#pragma weak libos_wait
#pragma weak libos_wake_one

struct __lock {
    struct libos_thread *owner;
    unsigned count;
    struct libos_waitq waiters;
};

const char libos_newlib_locks; /* what pthread.c refers to, to bring this file in */

struct __lock __lock___sinit_recursive_mutex, __lock___sfp_recursive_mutex,
    __lock___atexit_recursive_mutex, __lock___at_quick_exit_mutex, __lock___malloc_recursive_mutex,
    __lock___env_recursive_mutex, __lock___tz_mutex, __lock___dd_hash_mutex,
    __lock___arc4random_mutex;

static struct libos_thread *me(void)
{
    static char only_thread; /* stands for the one thread when there is no scheduler */
    return &libos_thread_current ? libos_thread_current : (struct libos_thread *)&only_thread;
}

static void acquire(struct __lock *l, int recursive)
{
    if (!l) /* its allocation failed: newlib goes on without the lock, and so do we */
        return;
    struct libos_thread *self = me();
    if (l->owner == self && recursive) {
        l->count++;
        return;
    }
    while (l->owner) {
        if (!libos_wait)
            libos_panic("a C library lock is held twice by the only thread");
        l->waiters.what = "a C library lock (malloc, stdio, ...)";
        libos_wait(&l->waiters, 0);
    }
    l->owner = self;
    l->count = 1;
}

static int try_acquire(struct __lock *l, int recursive)
{
    if (l && l->owner && !(recursive && l->owner == me()))
        return 1; /* busy */
    acquire(l, recursive);
    return 0;
}

static void release(struct __lock *l)
{
    if (!l || --l->count > 0)
        return;
    l->owner = NULL;
    if (!libos_waitq_empty(&l->waiters))
        libos_wake_one(&l->waiters);
}

void __retarget_lock_init(_LOCK_T *l) { *l = calloc(1, sizeof **l); }
void __retarget_lock_init_recursive(_LOCK_T *l) { *l = calloc(1, sizeof **l); }
void __retarget_lock_close(_LOCK_T l) { free(l); }
void __retarget_lock_close_recursive(_LOCK_T l) { free(l); }
void __retarget_lock_acquire(_LOCK_T l) { acquire(l, 0); }
void __retarget_lock_acquire_recursive(_LOCK_T l) { acquire(l, 1); }
int __retarget_lock_try_acquire(_LOCK_T l) { return try_acquire(l, 0); }
int __retarget_lock_try_acquire_recursive(_LOCK_T l) { return try_acquire(l, 1); }
void __retarget_lock_release(_LOCK_T l) { release(l); }
void __retarget_lock_release_recursive(_LOCK_T l) { release(l); }

/*
 * libos's pthread types. newlib's version of this header describes RTEMS-style integer handles;
 * libos's threads are structures (see libos/posix/pthread*.c), so this replaces it whole. The
 * names and constants are the ones newlib's <pthread.h> expects.
 *
 * struct __libos_waitq must have the layout of struct libos_waitq (libos/sched.h): the pthread
 * code checks that at compile time.
 */
#ifndef _SYS__PTHREADTYPES_H_
#define _SYS__PTHREADTYPES_H_

#include <sys/sched.h>
#include <sys/_types.h>

struct __libos_waitq {
    void *__head, *__tail;
    const char *__what;
    int __device;
};

typedef unsigned long pthread_t; /* the address of the thread's control block */

#define PTHREAD_SCOPE_PROCESS 0
#define PTHREAD_SCOPE_SYSTEM 1
#define PTHREAD_INHERIT_SCHED 1
#define PTHREAD_EXPLICIT_SCHED 2
#define PTHREAD_CREATE_DETACHED 0
#define PTHREAD_CREATE_JOINABLE 1

typedef struct {
    int is_initialized;
    void *stackaddr;
    __SIZE_TYPE__ stacksize;
    int contentionscope;
    int inheritsched;
    int schedpolicy;
    struct sched_param schedparam;
    int detachstate;
} pthread_attr_t;

#define PTHREAD_STACK_MIN 16384

#define PTHREAD_PROCESS_PRIVATE 0
#define PTHREAD_PROCESS_SHARED 1

#define PTHREAD_MUTEX_NORMAL 0
#define PTHREAD_MUTEX_RECURSIVE 1
#define PTHREAD_MUTEX_ERRORCHECK 2
#define PTHREAD_MUTEX_DEFAULT 3

typedef struct {
    void *__owner; /* the owning thread's control block, NULL when free */
    unsigned __count;
    int __type;
    struct __libos_waitq __waiters;
} pthread_mutex_t;

typedef struct {
    int is_initialized;
    int process_shared;
    int type;
    int recursive;
} pthread_mutexattr_t;

#define _PTHREAD_MUTEX_INITIALIZER {0, 0, PTHREAD_MUTEX_DEFAULT, {0, 0, 0, 0}}
#define PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP {0, 0, PTHREAD_MUTEX_RECURSIVE, {0, 0, 0, 0}}
#define PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP {0, 0, PTHREAD_MUTEX_ERRORCHECK, {0, 0, 0, 0}}

typedef struct {
    struct __libos_waitq __waiters;
    __clockid_t __clock; /* 0 stands for CLOCK_REALTIME, so that the initializer is all zeroes */
} pthread_cond_t;

#define _PTHREAD_COND_INITIALIZER {{0, 0, 0, 0}, 0}

typedef struct {
    int is_initialized;
    __clockid_t clock;
    int process_shared;
} pthread_condattr_t;

typedef unsigned pthread_key_t;

typedef struct {
    int is_initialized;
    int init_executed; /* 0 not run, 1 running, 2 done */
} pthread_once_t;

#define _PTHREAD_ONCE_INIT {1, 0}

typedef struct {
    struct __libos_waitq __readers_waiting, __writers_waiting;
    unsigned __readers;  /* read locks held */
    void *__writer;      /* the control block of the thread holding the write lock */
} pthread_rwlock_t;

#define _PTHREAD_RWLOCK_INITIALIZER {{0, 0, 0, 0}, {0, 0, 0, 0}, 0, 0}

typedef struct {
    int is_initialized;
    int process_shared;
} pthread_rwlockattr_t;

typedef struct {
    struct __libos_waitq __waiters;
    unsigned __count, __arrived;
    unsigned long __round;
} pthread_barrier_t;

typedef struct {
    int is_initialized;
    int process_shared;
} pthread_barrierattr_t;

typedef struct {
    volatile int __locked;
} pthread_spinlock_t;

#endif

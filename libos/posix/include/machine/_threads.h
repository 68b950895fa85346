/*
 * libos's <machine/_threads.h>, the types newlib's <threads.h> expects from the target: C11's
 * threads are pthreads (libos/posix/c11threads.c).
 */
#ifndef LIBOS_MACHINE_THREADS_H
#define LIBOS_MACHINE_THREADS_H

#include <sys/_pthreadtypes.h>

typedef pthread_cond_t cnd_t;
typedef pthread_mutex_t mtx_t;
typedef pthread_t thrd_t;
typedef pthread_key_t tss_t;
typedef pthread_once_t once_flag;

#define ONCE_FLAG_INIT _PTHREAD_ONCE_INIT
#define TSS_DTOR_ITERATIONS 4 /* PTHREAD_DESTRUCTOR_ITERATIONS */

#endif

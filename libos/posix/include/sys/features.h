/*
 * libos's POSIX feature set, layered over newlib's <sys/features.h>. newlib announces optional
 * POSIX features only for RTEMS and Cygwin; these are the ones libos implements.
 */
#ifndef LIBOS_SYS_FEATURES_H
#define LIBOS_SYS_FEATURES_H

#include_next <sys/features.h>

/* select()'s fd sets hold every fd libos can open (newlib's <sys/select.h> would say 64). */
#ifndef FD_SETSIZE
#define FD_SETSIZE 4096 /* LIBOS_FD_MAX in <libos/config.h> */
#endif

#ifndef _POSIX_TIMERS
#define _POSIX_TIMERS 200809L
#endif
#ifndef _POSIX_MONOTONIC_CLOCK
#define _POSIX_MONOTONIC_CLOCK 200809L
#endif
#ifndef _POSIX_THREADS
#define _POSIX_THREADS 200809L
#endif
#ifndef _POSIX_TIMEOUTS
#define _POSIX_TIMEOUTS 200809L
#endif
#ifndef _POSIX_SEMAPHORES
#define _POSIX_SEMAPHORES 200809L
#endif
#ifndef _POSIX_READER_WRITER_LOCKS
#define _POSIX_READER_WRITER_LOCKS 200809L
#endif
#ifndef _POSIX_BARRIERS
#define _POSIX_BARRIERS 200809L
#endif
#ifndef _POSIX_SPIN_LOCKS
#define _POSIX_SPIN_LOCKS 200809L
#endif
#ifndef _UNIX98_THREAD_MUTEX_ATTRIBUTES
#define _UNIX98_THREAD_MUTEX_ATTRIBUTES 1
#endif

#endif

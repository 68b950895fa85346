/*
 * libos's POSIX feature set, layered over newlib's <sys/features.h>. newlib announces optional
 * POSIX features only for RTEMS and Cygwin; these are the ones libos implements.
 */
#ifndef LIBOS_SYS_FEATURES_H
#define LIBOS_SYS_FEATURES_H

#include_next <sys/features.h>

#ifndef _POSIX_TIMERS
#define _POSIX_TIMERS 200809L
#endif
#ifndef _POSIX_MONOTONIC_CLOCK
#define _POSIX_MONOTONIC_CLOCK 200809L
#endif

#endif

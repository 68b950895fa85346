/*
 * <sys/resource.h> for libos. It replaces newlib's rather than extending it: newlib's struct
 * rusage has only the two POSIX members, and programs written for Linux read ru_maxrss and
 * friends, which cannot be added to a struct from outside. Resource limits are newlib-less too.
 * What the limits are is in docs/posix.md; the constants have Linux's values.
 */
#ifndef _SYS_RESOURCE_H_
#define _SYS_RESOURCE_H_

#include <sys/cdefs.h>
#include <sys/time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN -1

struct rusage {
    struct timeval ru_utime; /* user time used: all time since boot */
    struct timeval ru_stime; /* system time used: 0 */
    long ru_maxrss;          /* KiB of heap in use (everything is resident) */
    long ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap; /* always 0 */
    long ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};

int getrusage(int, struct rusage *);

typedef unsigned long rlim_t;

#define RLIM_INFINITY ((rlim_t)-1)
#define RLIM_SAVED_MAX RLIM_INFINITY
#define RLIM_SAVED_CUR RLIM_INFINITY

#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_NLIMITS 10
#define RLIM_NLIMITS RLIMIT_NLIMITS

struct rlimit {
    rlim_t rlim_cur; /* the soft limit */
    rlim_t rlim_max; /* the hard limit */
};

int getrlimit(int, struct rlimit *);
int setrlimit(int, const struct rlimit *);

#ifdef __cplusplus
}
#endif

#endif

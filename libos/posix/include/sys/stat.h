/* libos's <sys/stat.h>, layered over newlib's, which declares lstat and UTIME_NOW only for other
 * targets. */
#ifndef LIBOS_SYS_STAT_H
#define LIBOS_SYS_STAT_H

#include_next <sys/stat.h>

#ifdef __cplusplus
extern "C" {
#endif

#if __BSD_VISIBLE || __POSIX_VISIBLE >= 200112
int lstat(const char *__restrict, struct stat *__restrict);
#endif

/* Special tv_nsec values for utimensat and futimens (newlib defines them for Cygwin only). */
#ifndef UTIME_NOW
#define UTIME_NOW -2L
#define UTIME_OMIT -1L
#endif

#ifdef __cplusplus
}
#endif

#endif

/* libos's <utime.h>, layered over newlib's, which has struct utimbuf but does not declare utime. */
#ifndef LIBOS_UTIME_H
#define LIBOS_UTIME_H

#include_next <utime.h>

#ifdef __cplusplus
extern "C" {
#endif

int utime(const char *, const struct utimbuf *);

#ifdef __cplusplus
}
#endif

#endif

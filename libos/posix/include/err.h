/* libos's <err.h> (BSD's, as in glibc): "program: message: strerror(errno)" on stderr. */
#ifndef LIBOS_ERR_H
#define LIBOS_ERR_H

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

void warn(const char *, ...) __attribute__((__format__(__printf__, 1, 2)));
void vwarn(const char *, va_list) __attribute__((__format__(__printf__, 1, 0)));
void warnx(const char *, ...) __attribute__((__format__(__printf__, 1, 2)));
void vwarnx(const char *, va_list) __attribute__((__format__(__printf__, 1, 0)));
_Noreturn void err(int, const char *, ...) __attribute__((__format__(__printf__, 2, 3)));
_Noreturn void verr(int, const char *, va_list) __attribute__((__format__(__printf__, 2, 0)));
_Noreturn void errx(int, const char *, ...) __attribute__((__format__(__printf__, 2, 3)));
_Noreturn void verrx(int, const char *, va_list) __attribute__((__format__(__printf__, 2, 0)));

#ifdef __cplusplus
}
#endif

#endif

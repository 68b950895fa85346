/* Private to libos::posix: what its files share. */
#ifndef LIBOS_POSIX_IMPL_H
#define LIBOS_POSIX_IMPL_H

#include <errno.h>

/* A libos::vfs result (a count, or a negative errno) as POSIX returns it: errno set, and -1. */
static inline long libos_posix_ret(long r)
{
    if (r < 0) {
        errno = (int)-r;
        return -1;
    }
    return r;
}

/* Raise SIGPIPE for a write that found no reader (pipe.c; weak: linked with pipes). */
void libos_posix_sigpipe(void) __attribute__((weak));

#endif

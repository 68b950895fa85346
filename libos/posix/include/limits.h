/* libos's <limits.h>, layered over newlib's: adds the limits newlib leaves out for this target. */
#ifndef LIBOS_LIMITS_H
#define LIBOS_LIMITS_H

#include_next <limits.h>

#ifndef HOST_NAME_MAX
#define HOST_NAME_MAX 64 /* longest host name, without its NUL (sethostname, gethostname) */
#endif

#endif

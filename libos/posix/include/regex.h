/* libos's <regex.h>: newlib's uses sys/types.h's types without including it (on Linux the header
 * stands alone). */
#ifndef LIBOS_REGEX_H
#define LIBOS_REGEX_H

#include <sys/types.h>
#include_next <regex.h>

#endif

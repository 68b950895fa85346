/* libos's <ndbm.h>: newlib's uses sys/types.h's types without including it (on Linux the header
 * stands alone). */
#ifndef LIBOS_NDBM_H
#define LIBOS_NDBM_H

#include <sys/types.h>
#include_next <ndbm.h>

#endif

/* newlib's <reent.h>, which libos/sched.h names, as far as host builds of libos code need it:
 * the host's C library is glibc, which has none. */
#ifndef LIBOS_TEST_HOST_REENT_H
#define LIBOS_TEST_HOST_REENT_H
struct _reent;
#endif

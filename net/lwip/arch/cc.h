/*
 * arch/cc.h: what lwIP needs to know about the compiler and C library (newlib) on libos.
 * FACTS.md records why each line is here.
 */
#ifndef LIBOS_LWIP_ARCH_CC_H
#define LIBOS_LWIP_ARCH_CC_H

#include <errno.h>
#include <fcntl.h> /* lwIP's own O_NONBLOCK (1) differs from newlib's (0x4000): use the real one */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/time.h> /* struct timeval: LWIP_TIMEVAL_PRIVATE is 0 */
#include <sys/types.h>

#ifndef SSIZE_MAX
#define SSIZE_MAX LONG_MAX /* else lwIP typedefs ssize_t itself, clashing with newlib's */
#endif
#define LWIP_ERRNO_STDINCLUDE 1
#define LWIP_NO_UNISTD_H 0

/* BYTE_ORDER comes from newlib (<machine/endian.h>). */
#define LWIP_CHKSUM_ALGORITHM 3

void libos_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void libos_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define LWIP_PLATFORM_DIAG(x) do { libos_printk x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) libos_panic("lwIP assertion \"%s\" failed at %s:%d", x, __FILE__, __LINE__)

/* Random numbers for ports, ISNs, DHCP transaction ids (sys_arch.c). */
uint32_t libos_net_rand(void);
#define LWIP_RAND() libos_net_rand()

#endif

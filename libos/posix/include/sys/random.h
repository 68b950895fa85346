/* libos's <sys/random.h> (Linux's): getrandom, from the same source as getentropy and
 * /dev/urandom (libos/posix/random.c). */
#ifndef LIBOS_SYS_RANDOM_H
#define LIBOS_SYS_RANDOM_H

#include <sys/types.h>

#define GRND_NONBLOCK 0x01
#define GRND_RANDOM 0x02
#define GRND_INSECURE 0x04

#ifdef __cplusplus
extern "C" {
#endif

ssize_t getrandom(void *, size_t, unsigned int);
int getentropy(void *, size_t);

#ifdef __cplusplus
}
#endif

#endif

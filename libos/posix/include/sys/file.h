/* libos's <sys/file.h>: newlib's (the fcntl.h flags) with flock and its LOCK_* operations, which
 * newlib shows only under __BSD_VISIBLE; Linux programs expect them here. */
#ifndef LIBOS_SYS_FILE_H
#define LIBOS_SYS_FILE_H

#include_next <sys/file.h>

#ifndef LOCK_SH
#define LOCK_SH 0x01
#define LOCK_EX 0x02
#define LOCK_NB 0x04
#define LOCK_UN 0x08
#endif

#ifdef __cplusplus
extern "C" {
#endif

int flock(int, int);

#ifdef __cplusplus
}
#endif

#endif

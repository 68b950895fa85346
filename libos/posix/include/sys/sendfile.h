/* libos's <sys/sendfile.h> (Linux's): sendfile copies between any two fds (read, then write). */
#ifndef LIBOS_SYS_SENDFILE_H
#define LIBOS_SYS_SENDFILE_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

ssize_t sendfile(int, int, off_t *, size_t);

#ifdef __cplusplus
}
#endif

#endif

/*
 * pipe() and pipe2(): libos::vfs's pipes between threads. Apart from fd.c, since a pipe brings the
 * scheduler in (readers and writers wait).
 */
#include "posix_impl.h"

#include <libos/vfs.h>

#include <signal.h>
#include <unistd.h>

void libos_posix_sigpipe(void) { raise(SIGPIPE); }

int pipe2(int fds[2], int flags) { return (int)libos_posix_ret(libos_vfs_pipe(fds, flags)); }
int pipe(int fds[2]) { return pipe2(fds, 0); }

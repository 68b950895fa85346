/*
 * libos/fd.h: the file descriptor table. Every kind of fd (console, file, socket) is a struct
 * libos_file_ops and a private pointer; read, write, close, lseek and fstat dispatch through it.
 *
 * Contract: thread context. Operations return a count or 0 on success, or -errno on failure
 * (the POSIX layer turns that into errno and -1). An operation left NULL fails with the POSIX
 * error for "not supported by this kind of file" (EBADF for read/write, ESPIPE for lseek).
 */
#ifndef LIBOS_FD_H
#define LIBOS_FD_H

#include <sys/stat.h>
#include <sys/types.h>

struct libos_file_ops {
    ssize_t (*read)(void *priv, void *buf, size_t n);
    ssize_t (*write)(void *priv, const void *buf, size_t n);
    off_t (*lseek)(void *priv, off_t offset, int whence);
    int (*fstat)(void *priv, struct stat *st);
    int (*close)(void *priv); /* called when the last fd referring to it is closed */
    /*
     * Which of events (POLLIN, POLLOUT, ...) hold now. When none does and arm is set, make sure
     * libos_poll_wake() is called when one may have changed (typically from the device's
     * interrupt). NULL: always ready to read and write (like a regular file).
     */
    short (*poll)(void *priv, short events, int arm);
};

/*
 * Wake every thread in poll() or select() to look again. Called by fd kinds when readiness may
 * have changed; cheap when nobody polls. Interrupt handlers may call it.
 */
void libos_poll_wake(void);

/* Install ops/priv at the lowest free fd; returns the fd, or -EMFILE. */
int libos_fd_install(const struct libos_file_ops *ops, void *priv);

/* The ops and private pointer behind fd, or NULL (and *priv untouched) when fd is not open. */
const struct libos_file_ops *libos_fd_get(int fd, void **priv);

#endif

/*
 * Open file descriptions and the fd table. An fd is a slot holding a description pointer, with
 * the fd's own close-on-exec flag in the pointer's low bit (descriptions are 8-byte aligned).
 * The table starts as the three console fds and grows on the heap as fds are opened, up to
 * LIBOS_FD_MAX.
 *
 * Every call takes a reference on the description for its duration, so a thread blocked in an
 * op (a read of an empty pipe) keeps its file alive while another thread closes the fd.
 */
#define _GNU_SOURCE /* O_DIRECT, also from glibc when tests/unit builds this file */
#include "vfs_impl.h"

#include <libos/config.h>
#include <libos/sched.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FD_FIRST 64
#define CLOEXEC_BIT 1ul

/* stdin, stdout and stderr are the console from the start: stdin one description, stdout and
 * stderr another (the host's stdin may be a pipe while its stdout is a terminal: console.c), each
 * with a reference of its own, so that neither is ever freed. */
static uintptr_t fd_static[3] = {(uintptr_t)&libos_console_file, (uintptr_t)&libos_console_out,
                                 (uintptr_t)&libos_console_out};
static uintptr_t *fdt = fd_static;
static int fd_cap = 3; /* the first fd opened grows the table to FD_FIRST on the heap */

/* ready.c, linked with poll, select, epoll and pipes: only it makes watches, so a file with
 * watchers implies it is there. */
#pragma weak libos_vfs_unwatch_all

struct libos_file *libos_file_new(const struct libos_file_ops *ops, void *priv, int flags)
{
    struct libos_file *f = calloc(1, sizeof *f);
    if (f)
        *f = (struct libos_file){.ops = ops, .priv = priv,
                                 .flags = flags & (O_ACCMODE | O_NONBLOCK | O_APPEND | O_DIRECT), .refs = 1};
    return f;
}

void libos_file_put(struct libos_file *f)
{
    if (--f->refs > 0)
        return;
    if (f->watchers) /* epoll forgets a file whose last reference goes, as Linux's does */
        libos_vfs_unwatch_all(f);
    if (f->ops->close)
        f->ops->close(f);
    free(f->path);
    free(f);
}

struct libos_file *libos_fd_file(int fd)
{
    return fd >= 0 && fd < fd_cap ? (struct libos_file *)(fdt[fd] & ~CLOEXEC_BIT) : NULL;
}

/* The lowest free fd >= min, growing the table when it is full; -EMFILE at LIBOS_FD_MAX. */
static int free_fd(int min)
{
    for (int fd = min; fd < fd_cap; fd++)
        if (!fdt[fd])
            return fd;
    int cap = fd_cap < FD_FIRST ? FD_FIRST : fd_cap;
    while (cap <= min && cap < LIBOS_FD_MAX)
        cap *= 2;
    if (cap == fd_cap)
        cap *= 2;
    if (cap > LIBOS_FD_MAX)
        cap = LIBOS_FD_MAX;
    if (min >= cap || cap == fd_cap) /* the table is as large as it may be, and full */
        return -EMFILE;
    uintptr_t *t = calloc((size_t)cap, sizeof *t);
    if (!t)
        return -ENFILE;
    memcpy(t, fdt, (size_t)fd_cap * sizeof *t);
    if (fdt != fd_static)
        free(fdt);
    int fd = fd_cap > min ? fd_cap : min;
    fdt = t;
    fd_cap = cap;
    return fd;
}

static int place(struct libos_file *f, int fd, int cloexec)
{
    fdt[fd] = (uintptr_t)f | (cloexec ? CLOEXEC_BIT : 0);
    return fd;
}

int libos_fd_install(struct libos_file *f, int flags)
{
    int fd = free_fd(0);
    if (fd < 0) {
        libos_file_put(f);
        return fd;
    }
    return place(f, fd, flags & O_CLOEXEC);
}

/* The description behind fd with a reference for the caller, or NULL. */
static struct libos_file *get(int fd)
{
    struct libos_file *f = libos_fd_file(fd);
    if (f)
        f->refs++;
    return f;
}

#define WITH_FILE(fd, f, expr)                                                                     \
    ({                                                                                             \
        struct libos_file *f = get(fd);                                                            \
        __typeof__(expr) r_ = -EBADF;                                                              \
        if (f) {                                                                                   \
            r_ = (expr);                                                                           \
            libos_file_put(f);                                                                     \
        }                                                                                          \
        r_;                                                                                        \
    })

static int can_read(const struct libos_file *f) { return (f->flags & O_ACCMODE) != O_WRONLY; }
static int can_write(const struct libos_file *f) { return (f->flags & O_ACCMODE) != O_RDONLY; }

static ssize_t file_read(struct libos_file *f, void *buf, size_t n)
{
    if (!can_read(f))
        return -EBADF;
    if (!f->ops->read)
        return f->ops->readdir ? -EISDIR : -EINVAL; /* a directory is read with readdir */
    return f->ops->read(f, buf, n);
}

static ssize_t file_write(struct libos_file *f, const void *buf, size_t n)
{
    if (!can_write(f))
        return -EBADF;
    return f->ops->write ? f->ops->write(f, buf, n) : -EINVAL;
}

ssize_t libos_vfs_read(int fd, void *buf, size_t n) { return WITH_FILE(fd, f, file_read(f, buf, n)); }

ssize_t libos_vfs_write(int fd, const void *buf, size_t n)
{
    return WITH_FILE(fd, f, file_write(f, buf, n));
}

static ssize_t file_pread(struct libos_file *f, void *buf, size_t n, off_t off)
{
    if (!can_read(f))
        return -EBADF;
    if (!f->ops->pread)
        return -ESPIPE;
    return off < 0 ? -EINVAL : f->ops->pread(f, buf, n, off);
}

static ssize_t file_pwrite(struct libos_file *f, const void *buf, size_t n, off_t off)
{
    if (!can_write(f))
        return -EBADF;
    if (!f->ops->pwrite)
        return -ESPIPE;
    return off < 0 ? -EINVAL : f->ops->pwrite(f, buf, n, off);
}

ssize_t libos_vfs_pread(int fd, void *buf, size_t n, off_t off)
{
    return WITH_FILE(fd, f, file_pread(f, buf, n, off));
}

ssize_t libos_vfs_pwrite(int fd, const void *buf, size_t n, off_t off)
{
    return WITH_FILE(fd, f, file_pwrite(f, buf, n, off));
}

/* lseek, fstat and the calls below never block: no reference is taken for them. */
off_t libos_vfs_lseek(int fd, off_t off, int whence)
{
    struct libos_file *f = libos_fd_file(fd);
    if (!f)
        return -EBADF;
    return f->ops->lseek ? f->ops->lseek(f, off, whence) : -ESPIPE;
}

int libos_vfs_fstat(int fd, struct stat *st)
{
    struct libos_file *f = libos_fd_file(fd);
    if (!f)
        return -EBADF;
    *st = (struct stat){0};
    return f->ops->fstat ? f->ops->fstat(f, st) : 0;
}

int libos_vfs_fsync(int fd) { return WITH_FILE(fd, f, f->ops->fsync ? f->ops->fsync(f) : -EINVAL); }

static int file_ftruncate(struct libos_file *f, off_t length)
{
    if (!can_write(f) || !f->ops->ftruncate)
        return -EINVAL;
    return length < 0 ? -EINVAL : f->ops->ftruncate(f, length);
}

int libos_vfs_ftruncate(int fd, off_t length) { return WITH_FILE(fd, f, file_ftruncate(f, length)); }

int libos_vfs_fchmod(int fd, mode_t mode)
{
    return WITH_FILE(fd, f, f->ops->fchmod ? f->ops->fchmod(f, mode) : -EINVAL);
}

int libos_vfs_fchown(int fd, uid_t uid, gid_t gid)
{
    return WITH_FILE(fd, f, f->ops->fchown ? f->ops->fchown(f, uid, gid) : -EINVAL);
}


int libos_vfs_close(int fd)
{
    struct libos_file *f = libos_fd_file(fd);
    if (!f)
        return -EBADF;
    fdt[fd] = 0;
    libos_file_put(f);
    return 0;
}

int libos_vfs_dup(int fd, int min)
{
    struct libos_file *f = libos_fd_file(fd);
    if (!f)
        return -EBADF;
    if (min < 0 || min >= LIBOS_FD_MAX)
        return -EINVAL;
    int nfd = free_fd(min);
    if (nfd < 0)
        return nfd;
    f->refs++;
    return place(f, nfd, 0);
}

int libos_vfs_dup2(int fd, int fd2)
{
    struct libos_file *f = libos_fd_file(fd);
    if (!f || fd2 < 0 || fd2 >= LIBOS_FD_MAX)
        return -EBADF;
    if (fd == fd2)
        return fd2;
    if (fd2 >= fd_cap) {
        int r = free_fd(fd2);
        if (r < 0)
            return r;
    }
    struct libos_file *old = libos_fd_file(fd2);
    f->refs++;
    place(f, fd2, 0);
    if (old)
        libos_file_put(old);
    return fd2;
}

int libos_vfs_fcntl(int fd, int cmd, int arg)
{
    struct libos_file *f = libos_fd_file(fd);
    if (!f)
        return -EBADF;
    switch (cmd) {
    case F_DUPFD:
        return libos_vfs_dup(fd, arg);
    case F_DUPFD_CLOEXEC: {
        int nfd = libos_vfs_dup(fd, arg);
        if (nfd >= 0)
            fdt[nfd] |= CLOEXEC_BIT;
        return nfd;
    }
    case F_GETFD:
        return fdt[fd] & CLOEXEC_BIT ? FD_CLOEXEC : 0;
    case F_SETFD:
        fdt[fd] = (fdt[fd] & ~CLOEXEC_BIT) | ((arg & FD_CLOEXEC) ? CLOEXEC_BIT : 0);
        return 0;
    case F_GETFL:
        return f->flags;
    case F_SETFL: /* the access mode stays; O_NONBLOCK, O_APPEND and O_DIRECT may change */
        f->flags = (f->flags & O_ACCMODE) | (arg & (O_NONBLOCK | O_APPEND | O_DIRECT));
        return 0;
    default:
        return -EINVAL;
    }
}

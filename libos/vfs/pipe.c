/*
 * Pipes: a ring buffer with a reading fd and a writing fd, for threads to talk through. A read
 * waits for data and returns what there is; it returns 0 (end of file) once every write end is
 * closed. A write waits for room; one of at most PIPE_BUF bytes goes in whole, never interleaved
 * with another writer's. Writing with no read end open fails -EPIPE (and write() raises SIGPIPE).
 * poll/select see both ends. With O_NONBLOCK (fcntl or pipe2), a read of an empty pipe fails
 * -EAGAIN, and a write puts in what fits: all of a write of up to PIPE_BUF bytes or -EAGAIN, a
 * longer one as much as there is room for (-EAGAIN when none).
 */
#include "vfs_impl.h"

#include <libos/sched.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define PIPE_SIZE 16384

struct pipe {
    size_t head, len; /* data is buf[head .. head + len), wrapping around */
    int readers, writers;
    struct libos_file *ends[2]; /* the read and the write end's descriptions, NULL once closed */
    struct libos_waitq can_read, can_write;
    char buf[PIPE_SIZE];
};

/* Wake the threads blocked in the pipe's read and write, and tell the end's watchers (poll,
 * select, epoll) what may hold now. */
static void wake_everyone(struct pipe *p, int end, unsigned events)
{
    libos_wake_all(&p->can_read);
    libos_wake_all(&p->can_write);
    if (p->ends[end])
        libos_file_notify(p->ends[end], events);
}

static ssize_t pipe_read(struct libos_file *f, void *buf, size_t n)
{
    struct pipe *p = f->priv;
    if (n && p->len == 0 && p->writers > 0 && (f->flags & O_NONBLOCK))
        return -EAGAIN;
    while (p->len == 0 && p->writers > 0)
        libos_wait(&p->can_read, 0);
    size_t got = 0;
    while (got < n && p->len > 0) {
        size_t chunk = PIPE_SIZE - p->head < p->len ? PIPE_SIZE - p->head : p->len;
        if (chunk > n - got)
            chunk = n - got;
        for (size_t i = 0; i < chunk; i++)
            ((char *)buf)[got + i] = p->buf[p->head + i];
        p->head = (p->head + chunk) % PIPE_SIZE;
        p->len -= chunk;
        got += chunk;
    }
    if (got)
        wake_everyone(p, 1, POLLOUT | POLLWRNORM);
    return (ssize_t)got;
}

static ssize_t pipe_write(struct libos_file *f, const void *buf, size_t n)
{
    struct pipe *p = f->priv;
    size_t done = 0;
    while (done < n) {
        /* Up to PIPE_BUF bytes go in at once or not at all; longer writes as room appears. */
        size_t want = n - done <= PIPE_BUF ? n - done : 1;
        if (p->readers > 0 && PIPE_SIZE - p->len < want && (f->flags & O_NONBLOCK))
            return done ? (ssize_t)done : -EAGAIN;
        while (p->readers > 0 && PIPE_SIZE - p->len < want)
            libos_wait(&p->can_write, 0);
        if (p->readers == 0) /* the POSIX layer raises SIGPIPE for -EPIPE */
            return done ? (ssize_t)done : -EPIPE;
        while (done < n && p->len < PIPE_SIZE) {
            p->buf[(p->head + p->len) % PIPE_SIZE] = ((const char *)buf)[done++];
            p->len++;
        }
        wake_everyone(p, 0, POLLIN | POLLRDNORM);
    }
    return (ssize_t)done;
}

static int pipe_fstat(struct libos_file *f, struct stat *st)
{
    st->st_mode = S_IFIFO | 0600;
    st->st_size = (off_t)((struct pipe *)f->priv)->len;
    st->st_blksize = PIPE_BUF;
    return 0;
}

static int pipe_ioctl(struct libos_file *f, unsigned long request, void *arg)
{
    if (request != FIONREAD)
        return -ENOTTY;
    *(int *)arg = (int)((struct pipe *)f->priv)->len;
    return 0;
}

/* One end's description is gone: the other end hears POLLERR (no reader) or POLLHUP (no writer). */
static void release(struct pipe *p, int end)
{
    p->ends[end] = NULL;
    wake_everyone(p, !end, end ? POLLHUP | POLLIN | POLLRDNORM : POLLERR | POLLOUT | POLLWRNORM);
    if (p->readers == 0 && p->writers == 0)
        free(p);
}

static void close_read_end(struct libos_file *f)
{
    ((struct pipe *)f->priv)->readers--;
    release(f->priv, 0);
}

static void close_write_end(struct libos_file *f)
{
    ((struct pipe *)f->priv)->writers--;
    release(f->priv, 1);
}

/* Readable with data; POLLHUP once no writer is left (with POLLIN only while data remains, as
 * on Linux: a read returns 0 then); writable with room for PIPE_BUF bytes, or when no reader is
 * left (the write fails at once: POLLERR). Each end is notified by the other end's activity,
 * always, so arming needs nothing more. */
static short poll_read_end(struct libos_file *f, short events, int arm)
{
    struct pipe *p = f->priv;
    (void)arm;
    short r = p->writers == 0 ? POLLHUP : 0;
    if (p->len > 0)
        r |= events & (POLLIN | POLLRDNORM);
    return r;
}

static short poll_write_end(struct libos_file *f, short events, int arm)
{
    struct pipe *p = f->priv;
    (void)arm;
    if (p->readers == 0)
        return POLLERR;
    return PIPE_SIZE - p->len >= PIPE_BUF ? events & (POLLOUT | POLLWRNORM) : 0;
}

static const struct libos_file_ops read_end = {.read = pipe_read, .fstat = pipe_fstat,
    .ioctl = pipe_ioctl, .close = close_read_end, .poll = poll_read_end};
static const struct libos_file_ops write_end = {.write = pipe_write, .fstat = pipe_fstat,
    .ioctl = pipe_ioctl, .close = close_write_end, .poll = poll_write_end};

int libos_vfs_pipe(int fds[2], int flags)
{
    if (flags & ~(O_NONBLOCK | O_CLOEXEC))
        return -EINVAL;
    struct pipe *p = calloc(1, sizeof *p);
    if (!p)
        return -ENFILE;
    p->can_read = (struct libos_waitq)LIBOS_WAITQ_INIT("a pipe's read end", 0);
    p->can_write = (struct libos_waitq)LIBOS_WAITQ_INIT("a pipe's write end", 0);
    int nb = flags & O_NONBLOCK;
    struct libos_file *rf = libos_file_new(&read_end, p, O_RDONLY | nb);
    struct libos_file *wf = libos_file_new(&write_end, p, O_WRONLY | nb);
    if (!rf || !wf) {
        free(rf);
        free(wf);
        free(p);
        return -ENFILE;
    }
    p->readers = p->writers = 1;
    p->ends[0] = rf;
    p->ends[1] = wf;
    int r = libos_fd_install(rf, flags); /* on failure it released rf */
    if (r < 0) {
        libos_file_put(wf);
        return r;
    }
    int w = libos_fd_install(wf, flags);
    if (w < 0) {
        libos_vfs_close(r);
        return w;
    }
    fds[0] = r;
    fds[1] = w;
    return 0;
}

/*
 * Pipes: a ring buffer with a reading fd and a writing fd, for threads to talk through. A read
 * waits for data and returns what there is; it returns 0 (end of file) once every write end is
 * closed. A write waits for room; one of at most PIPE_BUF bytes goes in whole, never interleaved
 * with another writer's. Writing with no read end open raises SIGPIPE and fails EPIPE.
 * poll/select see both ends; O_NONBLOCK (fcntl or pipe2) is handled by the fd layer.
 */
#include <libos/fd.h>
#include <libos/sched.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#define PIPE_SIZE 16384

struct pipe {
    size_t head, len; /* data is buf[head .. head + len), wrapping around */
    int readers, writers;
    struct libos_waitq can_read, can_write;
    char buf[PIPE_SIZE];
};

static void wake_everyone(struct pipe *p)
{
    libos_wake_all(&p->can_read);
    libos_wake_all(&p->can_write);
    libos_poll_wake();
}

static ssize_t pipe_read(void *priv, void *buf, size_t n)
{
    struct pipe *p = priv;
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
        wake_everyone(p);
    return (ssize_t)got;
}

static ssize_t pipe_write(void *priv, const void *buf, size_t n)
{
    struct pipe *p = priv;
    size_t done = 0;
    while (done < n) {
        /* Up to PIPE_BUF bytes go in at once or not at all; longer writes as room appears. */
        size_t want = n - done <= PIPE_BUF ? n - done : 1;
        while (p->readers > 0 && PIPE_SIZE - p->len < want)
            libos_wait(&p->can_write, 0);
        if (p->readers == 0) {
            raise(SIGPIPE);
            return done ? (ssize_t)done : -EPIPE;
        }
        while (done < n && p->len < PIPE_SIZE) {
            p->buf[(p->head + p->len) % PIPE_SIZE] = ((const char *)buf)[done++];
            p->len++;
        }
        wake_everyone(p);
    }
    return (ssize_t)done;
}

static int pipe_fstat(void *priv, struct stat *st)
{
    st->st_mode = S_IFIFO | 0600;
    st->st_size = (off_t)((struct pipe *)priv)->len;
    st->st_blksize = PIPE_BUF;
    return 0;
}

static void release(struct pipe *p)
{
    wake_everyone(p);
    if (p->readers == 0 && p->writers == 0)
        free(p);
}

static int close_read_end(void *priv)
{
    ((struct pipe *)priv)->readers--;
    release(priv);
    return 0;
}

static int close_write_end(void *priv)
{
    ((struct pipe *)priv)->writers--;
    release(priv);
    return 0;
}

/* Readable with data or when no writer is left (end of file: POLLHUP); writable with room for
 * PIPE_BUF bytes, or when no reader is left (the write fails at once: POLLERR). Both ends are
 * woken by the other end's activity, so arming needs nothing more. */
static short poll_read_end(void *priv, short events, int arm)
{
    struct pipe *p = priv;
    (void)arm;
    short r = p->writers == 0 ? POLLHUP : 0;
    if (p->len > 0 || p->writers == 0)
        r |= events & (POLLIN | POLLRDNORM);
    return r;
}

static short poll_write_end(void *priv, short events, int arm)
{
    struct pipe *p = priv;
    (void)arm;
    if (p->readers == 0)
        return POLLERR;
    return PIPE_SIZE - p->len >= PIPE_BUF ? events & (POLLOUT | POLLWRNORM) : 0;
}

static const struct libos_file_ops read_end = {
    .read = pipe_read, .fstat = pipe_fstat, .close = close_read_end, .poll = poll_read_end};
static const struct libos_file_ops write_end = {
    .write = pipe_write, .fstat = pipe_fstat, .close = close_write_end, .poll = poll_write_end};

int pipe2(int fds[2], int flags)
{
    if (flags & ~(O_NONBLOCK | O_CLOEXEC)) {
        errno = EINVAL;
        return -1;
    }
    struct pipe *p = calloc(1, sizeof *p);
    if (!p) {
        errno = ENFILE;
        return -1;
    }
    p->can_read = (struct libos_waitq)LIBOS_WAITQ_INIT("a pipe's read end", 0);
    p->can_write = (struct libos_waitq)LIBOS_WAITQ_INIT("a pipe's write end", 0);
    int r = libos_fd_install(&read_end, p);
    if (r < 0) {
        free(p);
        errno = -r;
        return -1;
    }
    p->readers = 1;
    int w = libos_fd_install(&write_end, p);
    if (w < 0) {
        close(r);
        errno = -w;
        return -1;
    }
    p->writers = 1;
    for (int i = 0; i < 2; i++) {
        int fd = i ? w : r;
        if (flags & O_NONBLOCK)
            fcntl(fd, F_SETFL, O_NONBLOCK);
        if (flags & O_CLOEXEC)
            fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    fds[0] = r;
    fds[1] = w;
    return 0;
}

int pipe(int fds[2]) { return pipe2(fds, 0); }

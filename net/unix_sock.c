/*
 * socketpair(AF_UNIX, SOCK_STREAM): two connected stream sockets for threads of one program, a
 * ring buffer each way (pipe.c's shape, both directions). No lwIP: an image with only these
 * carries no network stack. A read waits for data and returns what there is, 0 once the peer
 * shut its writing side or closed; a write waits for room and returns when all is in (short
 * with O_NONBLOCK or MSG_DONTWAIT); writing to a closed or shut peer fails -EPIPE.
 * XXX: no named AF_UNIX sockets (bind/connect on paths), no SOCK_DGRAM pairs, no SCM_RIGHTS.
 */
#include "sock_impl.h"

#include <libos/sched.h>

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/un.h>

#define RING 32768

struct ring {
    size_t head, len;
    char buf[RING];
};

struct pair;

struct end {
    struct sock_head head;
    struct pair *pair;
    int side;
};

struct pair {
    struct end ends[2];
    struct libos_file *files[2];  /* NULL once that end is closed */
    int shut_wr[2];               /* side i will write no more (SHUT_WR or closed) */
    int shut_rd[2];
    struct libos_waitq wait[2];   /* threads blocked on side i */
    unsigned long long timeo[2][2]; /* [side][0: receive, 1: send], ns */
    struct ring ring[2];          /* ring[i]: what side i reads */
};

static const struct sock_ops unix_sops;
static const struct libos_file_ops unix_fops;

static void wake(struct pair *p, int side, unsigned events)
{
    libos_wake_all(&p->wait[side]);
    if (p->files[side])
        libos_file_notify(p->files[side], events);
}

static ssize_t unix_recvmsg(struct libos_file *f, struct msghdr *m, int flags)
{
    struct end *e = f->priv;
    struct pair *p = e->pair;
    int me = e->side;
    struct ring *r = &p->ring[me];
    ssize_t want = libos_sock_iov_total(m);
    if (want < 0)
        return want;
    m->msg_flags = 0;
    m->msg_controllen = 0;
    if (m->msg_name)
        m->msg_namelen = 0;
    unsigned long long deadline = libos_sock_deadline(p->timeo[me][0]);
    size_t got = 0;
    for (;;) {
        if (r->len || !want || p->shut_wr[!me] || p->shut_rd[me])
            break;
        if ((f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT) || got)
            return got ? (ssize_t)got : -EAGAIN;
        if (libos_wait(&p->wait[me], deadline) != 0 && !r->len)
            return -EAGAIN;
    }
    size_t pos = r->head, left = r->len;
    for (size_t i = 0; i < m->msg_iovlen && left; i++) {
        size_t n = m->msg_iov[i].iov_len < left ? m->msg_iov[i].iov_len : left;
        for (size_t k = 0; k < n;) {
            size_t chunk = RING - pos < n - k ? RING - pos : n - k;
            memcpy((char *)m->msg_iov[i].iov_base + k, r->buf + pos, chunk);
            k += chunk;
            pos = (pos + chunk) % RING;
        }
        got += n;
        left -= n;
    }
    if (!(flags & MSG_PEEK) && got) {
        r->head = pos;
        r->len -= got;
        wake(p, !me, POLLOUT | POLLWRNORM);
    }
    return (ssize_t)got;
}

static ssize_t unix_sendmsg(struct libos_file *f, const struct msghdr *m, int flags)
{
    struct end *e = f->priv;
    struct pair *p = e->pair;
    int me = e->side;
    struct ring *r = &p->ring[!me];
    ssize_t total = libos_sock_iov_total(m);
    if (total < 0)
        return total;
    unsigned long long deadline = libos_sock_deadline(p->timeo[me][1]);
    size_t done = 0, vi = 0, voff = 0;
    while (done < (size_t)total) {
        if (p->shut_wr[me] || !p->files[!me] || p->shut_rd[!me])
            return done ? (ssize_t)done : -EPIPE;
        if (r->len == RING) {
            if ((f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT))
                return done ? (ssize_t)done : -EAGAIN;
            if (libos_wait(&p->wait[me], deadline) != 0 && r->len == RING)
                return done ? (ssize_t)done : -EAGAIN;
            continue;
        }
        while (voff == m->msg_iov[vi].iov_len)
            vi++, voff = 0;
        size_t tail = (r->head + r->len) % RING;
        size_t n = m->msg_iov[vi].iov_len - voff;
        size_t room = RING - r->len;
        if (n > room)
            n = room;
        if (n > RING - tail)
            n = RING - tail;
        memcpy(r->buf + tail, (const char *)m->msg_iov[vi].iov_base + voff, n);
        r->len += n;
        voff += n;
        done += n;
        wake(p, !me, POLLIN | POLLRDNORM);
    }
    return (ssize_t)done;
}

static int unix_shutdown(struct libos_file *f, int how)
{
    struct end *e = f->priv;
    struct pair *p = e->pair;
    if (how != SHUT_WR)
        p->shut_rd[e->side] = 1;
    if (how != SHUT_RD)
        p->shut_wr[e->side] = 1;
    wake(p, e->side, POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
    wake(p, !e->side, POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
    return 0;
}

static int unix_setsockopt(struct libos_file *f, int level, int name, const void *v, socklen_t len)
{
    struct end *e = f->priv;
    if (level != SOL_SOCKET)
        return -ENOPROTOOPT;
    if (name == SO_RCVTIMEO || name == SO_SNDTIMEO)
        return libos_sock_opt_timeout(v, len, &e->pair->timeo[e->side][name == SO_SNDTIMEO]);
    int val;
    if (name == SO_RCVBUF || name == SO_SNDBUF || name == SO_PASSCRED)
        return libos_sock_opt_int(v, len, &val); /* accepted, not changed */
    return -ENOPROTOOPT;
}

static int unix_getsockopt(struct libos_file *f, int level, int name, void *v, socklen_t *len)
{
    struct end *e = f->priv;
    int val;
    if (level != SOL_SOCKET)
        return -ENOPROTOOPT;
    switch (name) {
    case SO_RCVTIMEO:
    case SO_SNDTIMEO:
        return libos_sock_opt_timeout_out(v, len, e->pair->timeo[e->side][name == SO_SNDTIMEO]);
    case SO_TYPE: val = SOCK_STREAM; break;
    case SO_DOMAIN: val = AF_UNIX; break;
    case SO_PROTOCOL: case SO_ERROR: case SO_ACCEPTCONN: val = 0; break;
    case SO_RCVBUF: case SO_SNDBUF: val = RING; break;
    case SO_PEERCRED: {
        struct ucred c = {1, 0, 0};
        return libos_sock_opt_out(v, len, &c, sizeof c);
    }
    default: return -ENOPROTOOPT;
    }
    return libos_sock_opt_out(v, len, &val, sizeof val);
}

static int unix_name(struct libos_file *f, struct sockaddr *a, socklen_t *len, int peer)
{
    struct end *e = f->priv;
    if (!a || !len)
        return -EFAULT;
    if (peer && !e->pair->files[!e->side])
        return -ENOTCONN;
    struct sockaddr_un u = {.sun_family = AF_UNIX};
    socklen_t size = sizeof(sa_family_t); /* unnamed */
    memcpy(a, &u, *len < size ? *len : size);
    *len = size;
    return 0;
}

static int unix_ioctl(struct libos_file *f, unsigned long request, void *arg)
{
    struct end *e = f->priv;
    if (request != FIONREAD)
        return -ENOTTY;
    *(int *)arg = (int)e->pair->ring[e->side].len;
    return 0;
}

static short unix_poll(struct libos_file *f, short events, int arm)
{
    struct end *e = f->priv;
    struct pair *p = e->pair;
    int me = e->side;
    short r = 0;
    (void)arm;
    int rd_closed = p->shut_wr[!me] || p->shut_rd[me] || !p->files[!me];
    if (p->ring[me].len || rd_closed)
        r |= POLLIN | POLLRDNORM;
    if (rd_closed)
        r |= POLLRDHUP;
    if (p->ring[!me].len < RING || p->shut_wr[me])
        r |= POLLOUT | POLLWRNORM;
    if (rd_closed && (p->shut_wr[me] || !p->files[!me]))
        r |= POLLHUP;
    return r & (events | POLLHUP | POLLERR);
}

static void unix_close(struct libos_file *f)
{
    struct end *e = f->priv;
    struct pair *p = e->pair;
    int me = e->side;
    p->files[me] = NULL;
    p->shut_wr[me] = p->shut_rd[me] = 1;
    wake(p, !me, POLLIN | POLLOUT | POLLRDHUP | POLLHUP | POLLRDNORM);
    if (!p->files[!me])
        free(p);
}

int socketpair(int domain, int type, int protocol, int fds[2])
{
    int flags = type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
    type &= ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (domain != AF_UNIX)
        return errno = domain == AF_INET || domain == AF_INET6 ? EOPNOTSUPP : EAFNOSUPPORT, -1;
    if (type != SOCK_STREAM)
        return errno = type == SOCK_DGRAM || type == SOCK_SEQPACKET ? EOPNOTSUPP : EPROTONOSUPPORT, -1;
    if (protocol != 0)
        return errno = EPROTONOSUPPORT, -1;
    struct pair *p = calloc(1, sizeof *p);
    if (!p)
        return errno = ENOMEM, -1;
    for (int i = 0; i < 2; i++) {
        p->ends[i] = (struct end){{&unix_sops}, p, i};
        p->wait[i] = (struct libos_waitq)LIBOS_WAITQ_INIT("an AF_UNIX socket", 0);
        p->files[i] = libos_file_new(&unix_fops, &p->ends[i], O_RDWR | (flags & SOCK_NONBLOCK ? O_NONBLOCK : 0));
    }
    if (!p->files[0] || !p->files[1]) {
        free(p->files[0]);
        free(p->files[1]);
        free(p);
        return errno = ENOMEM, -1;
    }
    struct libos_file *second = p->files[1];
    int a = libos_fd_install(p->files[0], flags & SOCK_CLOEXEC ? O_CLOEXEC : 0);
    if (a < 0) { /* the first end is closed: the second one frees the pair */
        libos_file_put(second);
        return errno = -a, -1;
    }
    int b = libos_fd_install(second, flags & SOCK_CLOEXEC ? O_CLOEXEC : 0);
    if (b < 0) {
        libos_vfs_close(a);
        return errno = -b, -1;
    }
    fds[0] = a;
    fds[1] = b;
    return 0;
}

static const struct sock_ops unix_sops = {
    .sendmsg = unix_sendmsg, .recvmsg = unix_recvmsg, .shutdown = unix_shutdown,
    .setsockopt = unix_setsockopt, .getsockopt = unix_getsockopt, .name = unix_name,
};

static const struct libos_file_ops unix_fops = {
    .read = libos_sock_read, .write = libos_sock_write, .fstat = libos_sock_fstat, .ioctl = unix_ioctl,
    .poll = unix_poll, .close = unix_close,
};

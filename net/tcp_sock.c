/*
 * TCP sockets over lwIP's raw API (inet_impl.h has the model).
 *
 * Callbacks (core lock held, any thread): recv queues the pbuf on the socket's chain (a FIN sets
 * F_FIN), sent says there is room, connected ends a connect, err says lwIP freed the pcb (after
 * a RST, a timeout, or for memory): the socket keeps its error for the next call or SO_ERROR and
 * never touches the pcb again. A listener's accept callback queues the new connection's isock
 * (its description is made by accept()); tcp_backlog_delayed/accepted make lwIP's backlog count
 * the connections not yet accepted, so listen()'s backlog is honoured.
 *
 * recv copies out of the queued pbufs (the one copy), frees what it consumed and gives the window
 * back with tcp_recved. send is tcp_write (TCP_WRITE_FLAG_COPY) as room allows and one tcp_output
 * per call (none with MSG_MORE); it waits for the sent callback when the send buffer is full.
 * Nagle is on, as on Linux (TCP_NODELAY turns it off). close is tcp_close (graceful; lwIP sends
 * a RST itself when unread data remains, as Linux does) or tcp_abort with SO_LINGER 0.
 * SO_LINGER with a timeout makes close wait (at most that long) until the peer has acknowledged
 * everything sent; the FIN then goes out in the background, as it always does.
 */
#include "inet_impl.h"

#include <libos/time.h>

#include <lwip/priv/tcp_priv.h>
#include <lwip/tcp.h>

#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

static const struct sock_ops tcp_sops;
static const struct libos_file_ops tcp_fops;

static void set_callbacks(struct isock *s, struct tcp_pcb *pcb);

/* --- callbacks: core lock held, must not block ----------------------------------------------- */

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct isock *s = arg;
    (void)err;
    if (!p) {
        s->flags |= F_FIN;
        libos_isock_wake(s, POLLIN | POLLRDNORM | POLLRDHUP);
        return ERR_OK;
    }
    if (s->flags & F_SHUT_RD) { /* read side shut: accept and drop, as Linux does */
        tcp_recved(pcb, p->tot_len);
        pbuf_free(p);
        return ERR_OK;
    }
    s->rx_len += p->tot_len;
    if (s->q.rx.tail)
        s->q.rx.tail->next = p;
    else
        s->q.rx.head = p;
    while (p->next)
        p = p->next;
    s->q.rx.tail = p;
    libos_isock_wake(s, POLLIN | POLLRDNORM);
    return ERR_OK;
}

/* Room for a write, as poll reports it: at least TCP_SNDLOWAT bytes and queue entries. */
static int writable(struct tcp_pcb *pcb)
{
    return tcp_sndbuf(pcb) >= TCP_SNDLOWAT && tcp_sndqueuelen(pcb) < TCP_SNDQUEUELOWAT;
}

/* An acknowledgement freed room. Blocked senders look again; watchers hear POLLOUT only when
 * someone found the socket without room since the last time (as Linux's SOCK_NOSPACE): a
 * writable socket acknowledged segment by segment does not wake epoll for every ACK. */
static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    struct isock *s = arg;
    (void)len;
    libos_wake_all(&s->wait);
    if ((s->flags & F_WANT_OUT) && writable(pcb)) {
        s->flags &= (uint8_t)~F_WANT_OUT;
        if (s->file)
            libos_file_notify(s->file, POLLOUT | POLLWRNORM);
    }
    return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
    struct isock *s = arg;
    s->pcb.tcp = NULL; /* lwIP has freed it */
    if (s->state == S_CONNECTING)
        s->error = err == ERR_RST ? ECONNREFUSED : err == ERR_ABRT ? ETIMEDOUT : libos_isock_errno(err);
    else
        s->error = err == ERR_ABRT ? ETIMEDOUT : libos_isock_errno(err);
    s->state = S_CLOSED;
    libos_isock_wake(s, POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDHUP | POLLRDNORM | POLLWRNORM);
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct isock *s = arg;
    (void)pcb, (void)err;
    s->state = S_CONNECTED;
    libos_isock_wake(s, POLLOUT | POLLWRNORM);
    return ERR_OK;
}

/* A new connection on a listener: its isock waits in the listener's queue for accept(). */
static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct isock *l = arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    struct isock *s = libos_isock_new(&tcp_sops, l->family, SOCK_STREAM);
    if (!s)
        return ERR_MEM; /* lwIP aborts the connection */
    s->pcb.tcp = pcb;
    s->state = S_CONNECTED;
    s->flags = (uint8_t)(l->flags & (F_V6ONLY | F_LINGER | F_NODELAY)) | F_BOUND;
    s->linger = l->linger;
    s->keep_idle = l->keep_idle, s->keep_intvl = l->keep_intvl, s->keep_cnt = l->keep_cnt;
    if (l->keep_idle)
        pcb->keep_idle = (u32_t)l->keep_idle * 1000;
    if (l->keep_intvl)
        pcb->keep_intvl = (u32_t)l->keep_intvl * 1000;
    if (l->keep_cnt)
        pcb->keep_cnt = l->keep_cnt;
    s->rcvtimeo = l->rcvtimeo;
    s->sndtimeo = l->sndtimeo;
    if (l->flags & F_NODELAY)
        tcp_nagle_disable(pcb);
    set_callbacks(s, pcb);
    tcp_backlog_delayed(pcb);
    if (l->q.aq.tail)
        l->q.aq.tail->next = s;
    else
        l->q.aq.head = s;
    l->q.aq.tail = s;
    libos_isock_wake(l, POLLIN | POLLRDNORM);
    return ERR_OK;
}

static void set_callbacks(struct isock *s, struct tcp_pcb *pcb)
{
    tcp_arg(pcb, s);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_err);
}

/* Detach the pcb from s: lwIP will not call us about it again. */
static struct tcp_pcb *detach(struct isock *s)
{
    struct tcp_pcb *pcb = s->pcb.tcp;
    s->pcb.tcp = NULL;
    if (pcb && pcb->state != LISTEN) {
        tcp_arg(pcb, NULL);
        tcp_recv(pcb, NULL);
        tcp_sent(pcb, NULL);
        tcp_err(pcb, NULL);
    } else if (pcb) {
        tcp_arg(pcb, NULL);
        tcp_accept(pcb, NULL);
    }
    return pcb;
}

/* Let go of s's connection: gracefully, or with a RST (abort). Core lock held. */
static void release(struct isock *s, int abort)
{
    struct tcp_pcb *pcb = detach(s);
    if (pcb && (abort || tcp_close(pcb) != ERR_OK))
        tcp_abort(pcb);
    if (s->q.rx.head && s->state != S_LISTEN)
        pbuf_free(s->q.rx.head);
    s->q.rx.head = s->q.rx.tail = NULL;
}

/* --- socket ops ------------------------------------------------------------------------------ */

int libos_tcp_socket(int family, int flags, struct libos_file **out)
{
    struct isock *s = libos_isock_new(&tcp_sops, family, SOCK_STREAM);
    if (!s)
        return -ENOMEM;
    libos_net_lock();
    s->pcb.tcp = tcp_new_ip_type(family == AF_INET ? IPADDR_TYPE_V4 : IPADDR_TYPE_ANY);
    if (s->pcb.tcp)
        set_callbacks(s, s->pcb.tcp);
    libos_net_unlock();
    if (!s->pcb.tcp) {
        free(s);
        return -ENOBUFS;
    }
    struct libos_file *f = libos_file_new(&tcp_fops, s, O_RDWR | flags);
    if (!f) {
        libos_net_lock();
        release(s, 1);
        libos_net_unlock();
        free(s);
        return -ENOMEM;
    }
    s->file = f;
    *out = f;
    return 0;
}

static int tcp_bind_(struct libos_file *f, const struct sockaddr *a, socklen_t len)
{
    struct isock *s = f->priv;
    ip_addr_t ip;
    uint16_t port;
    int r = libos_isock_addr_in(s, a, len, &ip, &port);
    if (r < 0)
        return r;
    libos_net_lock();
    if (!s->pcb.tcp || s->state != S_NEW || (s->flags & F_BOUND))
        r = -EINVAL;
    else if ((r = -libos_isock_errno(tcp_bind(s->pcb.tcp, &ip, port))) == 0)
        s->flags |= F_BOUND;
    libos_net_unlock();
    return r == -ENETUNREACH ? -EADDRNOTAVAIL : r;
}

static int tcp_listen_(struct libos_file *f, int backlog)
{
    struct isock *s = f->priv;
    int r = 0;
    libos_net_lock();
    if (s->state == S_LISTEN) {
        tcp_backlog_set(s->pcb.tcp, (u8_t)(backlog < 1 ? 1 : backlog > 255 ? 255 : backlog));
    } else if (!s->pcb.tcp || s->state != S_NEW) {
        r = -EINVAL;
    } else {
        if (!(s->flags & F_BOUND)) { /* an ephemeral port, as Linux gives */
            ip_addr_t any = s->family == AF_INET ? *IP4_ADDR_ANY : (s->flags & F_V6ONLY) ? *IP6_ADDR_ANY : *IP_ANY_TYPE;
            r = -libos_isock_errno(tcp_bind(s->pcb.tcp, &any, 0));
        }
        err_t e = ERR_OK;
        struct tcp_pcb *l = r ? NULL
                              : tcp_listen_with_backlog_and_err(s->pcb.tcp, (u8_t)(backlog < 1 ? 1 : backlog > 255 ? 255 : backlog), &e);
        if (l) {
            /* the connection's pcb is freed and l replaces it */
            s->pcb.tcp = l;
            s->state = S_LISTEN;
            s->flags |= F_BOUND;
            tcp_arg(l, s);
            tcp_accept(l, on_accept);
        } else if (!r) {
            r = e == ERR_USE ? -EADDRINUSE : -ENOBUFS;
        }
    }
    libos_net_unlock();
    return r;
}

static int tcp_accept_(struct libos_file *f, struct libos_file **out, struct sockaddr *a, socklen_t *len, int flags)
{
    struct isock *l = f->priv;
    int r = 0;
    libos_net_lock();
    unsigned long long deadline = libos_sock_deadline(l->rcvtimeo);
    for (;;) {
        if (l->state != S_LISTEN) {
            r = -EINVAL;
            break;
        }
        if (l->q.aq.head)
            break;
        if (f->flags & O_NONBLOCK) {
            r = -EAGAIN;
            break;
        }
        if (libos_isock_wait(l, deadline) != 0 && !l->q.aq.head) {
            r = -EAGAIN;
            break;
        }
    }
    struct isock *s = NULL;
    if (r == 0) {
        struct libos_file *nf = libos_file_new(&tcp_fops, l->q.aq.head, O_RDWR | flags);
        if (!nf) {
            r = -ENOMEM;
        } else {
            s = l->q.aq.head;
            l->q.aq.head = s->next;
            if (!l->q.aq.head)
                l->q.aq.tail = NULL;
            s->next = NULL;
            s->file = nf;
            *out = nf;
            if (s->pcb.tcp) {
                tcp_backlog_accepted(s->pcb.tcp);
                libos_isock_addr_out(s, &s->pcb.tcp->remote_ip, s->pcb.tcp->remote_port, a, len);
            } else if (a && len) {
                /* reset before accept(): the address is gone with the pcb, as Linux may say */
                libos_isock_addr_out(s, IP_ANY_TYPE, 0, a, len);
            }
        }
    }
    libos_net_unlock();
    return r;
}

static int tcp_connect_(struct libos_file *f, const struct sockaddr *a, socklen_t len)
{
    struct isock *s = f->priv;
    ip_addr_t ip;
    uint16_t port;
    int r = libos_isock_addr_in(s, a, len, &ip, &port);
    if (r < 0)
        return r;
    if (IP_IS_ANY_TYPE_VAL(ip)) /* connect to "::": the local host, as Linux does */
        ip_addr_set_loopback(1, &ip);
    libos_net_lock();
    if (s->state == S_CONNECTED) {
        r = s->async ? 0 : -EISCONN; /* the first connect after a non-blocking one gives its result */
        s->async = 0;
        libos_net_unlock();
        return r;
    } else if (s->state == S_LISTEN) {
        r = -EINVAL;
    } else if (s->state == S_CLOSED) {
        r = s->error ? -s->error : -EINVAL;
        s->error = 0;
        s->async = 0;
    } else if (s->state == S_CONNECTING && (f->flags & O_NONBLOCK)) {
        r = -EALREADY;
    } else if (s->state == S_NEW) {
        if (IP_IS_V4_VAL(ip) && s->family == AF_INET6 && !(s->flags & F_BOUND)) {
            IP_SET_TYPE_VAL(s->pcb.tcp->local_ip, IPADDR_TYPE_V4);
        }
        r = -libos_isock_errno(tcp_connect(s->pcb.tcp, &ip, port, on_connected));
        if (r == 0) {
            s->state = S_CONNECTING;
            s->flags |= F_BOUND;
            if (f->flags & O_NONBLOCK) {
                r = -EINPROGRESS;
                s->async = 1;
            }
        }
    }
    if (r == 0) {
        unsigned long long deadline = libos_sock_deadline(s->sndtimeo);
        while (s->state == S_CONNECTING)
            if (libos_isock_wait(s, deadline) != 0 && s->state == S_CONNECTING) {
                r = -EINPROGRESS;
                break;
            }
        if (s->state == S_CLOSED) {
            r = s->error ? -s->error : -ECONNREFUSED;
            s->error = 0;
        }
        s->async = 0;
    }
    libos_net_unlock();
    return r;
}

/* Where a receive has got to in the caller's iovecs. */
struct cursor {
    size_t vi, voff;
};

/* Copy up to n bytes of the queued data into the iovecs at c; consume them unless peek (a peek
 * starts at the first unread byte and leaves everything queued). Returns the bytes copied. */
static size_t copy_out(struct isock *s, const struct msghdr *m, struct cursor *c, size_t n, int peek)
{
    size_t done = 0;
    struct pbuf *p = s->q.rx.head;
    uint32_t off = s->rx_off;
    while (done < n && p) {
        while (c->vi < m->msg_iovlen && c->voff == m->msg_iov[c->vi].iov_len)
            c->vi++, c->voff = 0;
        if (c->vi == m->msg_iovlen)
            break;
        size_t chunk = p->len - off;
        if (chunk > m->msg_iov[c->vi].iov_len - c->voff)
            chunk = m->msg_iov[c->vi].iov_len - c->voff;
        if (chunk > n - done)
            chunk = n - done;
        memcpy((char *)m->msg_iov[c->vi].iov_base + c->voff, (char *)p->payload + off, chunk);
        done += chunk, c->voff += chunk, off += (uint32_t)chunk;
        if (off == p->len) {
            struct pbuf *next = p->next;
            if (!peek) {
                p->next = NULL;
                pbuf_free(p); /* each pbuf of the queue holds one reference to the next */
                s->q.rx.head = next;
                if (!next)
                    s->q.rx.tail = NULL;
            }
            p = next;
            off = 0;
        }
    }
    if (!peek) {
        s->rx_off = off;
        s->rx_len -= (uint32_t)done;
    }
    return done;
}

static void give_window(struct isock *s, size_t n)
{
    while (n && s->pcb.tcp) {
        u16_t k = n > 0xffff ? 0xffff : (u16_t)n;
        tcp_recved(s->pcb.tcp, k);
        n -= k;
    }
}

static ssize_t tcp_recvmsg_(struct libos_file *f, struct msghdr *m, int flags)
{
    struct isock *s = f->priv;
    ssize_t want = libos_sock_iov_total(m);
    if (want < 0)
        return want;
    if (flags & MSG_OOB)
        return -EINVAL;
    m->msg_flags = 0;
    m->msg_controllen = 0;
    ssize_t r = 0;
    size_t got = 0;
    struct cursor c = {0, 0};
    int peek = flags & MSG_PEEK;
    libos_net_lock();
    unsigned long long deadline = libos_sock_deadline(s->rcvtimeo);
    int nonblock = (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
    for (;;) {
        if (s->rx_len && got < (size_t)want) {
            size_t n = copy_out(s, m, &c, (size_t)want - got, peek);
            got += n;
            if (!peek)
                give_window(s, n);
            if (peek || got == (size_t)want || !(flags & MSG_WAITALL))
                break;
        }
        if (want == 0 || s->flags & (F_FIN | F_SHUT_RD))
            break; /* end of file */
        if (s->error) {
            if (!got) {
                r = -s->error;
                s->error = 0;
            }
            break;
        }
        if (s->state == S_CLOSED)
            break;
        if (s->state != S_CONNECTED) {
            r = -ENOTCONN;
            break;
        }
        if (nonblock) {
            r = -EAGAIN;
            break;
        }
        if (libos_isock_wait(s, deadline) != 0 && !s->rx_len && !(s->flags & F_FIN) && !s->error) {
            r = -EAGAIN;
            break;
        }
    }
    libos_net_unlock();
    if (got)
        r = (ssize_t)got;
    if (r >= 0 && m->msg_name)
        m->msg_namelen = 0; /* a stream gives no address */
    return r;
}

/* Whether a write of any size can go in now. */
static int has_room(struct tcp_pcb *pcb)
{
    return tcp_sndbuf(pcb) > 0 && tcp_sndqueuelen(pcb) < TCP_SND_QUEUELEN;
}

static ssize_t tcp_sendmsg_(struct libos_file *f, const struct msghdr *m, int flags)
{
    struct isock *s = f->priv;
    ssize_t total = libos_sock_iov_total(m);
    if (total < 0)
        return total;
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    size_t done = 0;
    ssize_t r = 0;
    libos_net_lock();
    unsigned long long deadline = libos_sock_deadline(s->sndtimeo);
    int nonblock = (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
    size_t vi = 0, voff = 0;
    while (done < (size_t)total || total == 0) {
        if (s->error) {
            r = -s->error;
            s->error = 0;
            break;
        }
        if (s->flags & F_SHUT_WR || s->state == S_CLOSED) {
            r = -EPIPE;
            break;
        }
        if (s->state != S_CONNECTED) {
            r = -ENOTCONN;
            break;
        }
        if (total == 0)
            break;
        struct tcp_pcb *pcb = s->pcb.tcp;
        if (!has_room(pcb)) {
            s->flags |= F_WANT_OUT;
            tcp_output(pcb);
            if (nonblock) {
                r = -EAGAIN;
                break;
            }
            /* Nothing in flight and no room: lwIP is short of memory; look again soon. */
            unsigned long long d = tcp_sndqueuelen(pcb) == 0 ? libos_sock_deadline(10000000ull) : deadline;
            if (d && deadline && d > deadline)
                d = deadline;
            if (libos_isock_wait(s, d) != 0 && d == deadline && deadline) {
                r = -EAGAIN;
                break;
            }
            continue;
        }
        while (voff == m->msg_iov[vi].iov_len)
            vi++, voff = 0;
        size_t n = m->msg_iov[vi].iov_len - voff;
        if (n > tcp_sndbuf(pcb))
            n = tcp_sndbuf(pcb);
        if (n > 0xffff)
            n = 0xffff;
        int more = done + n < (size_t)total || (flags & MSG_MORE);
        err_t e = tcp_write(pcb, (char *)m->msg_iov[vi].iov_base + voff, (u16_t)n,
                            TCP_WRITE_FLAG_COPY | (more ? TCP_WRITE_FLAG_MORE : 0));
        if (e == ERR_MEM) {
            s->flags |= F_WANT_OUT;
            if (!nonblock && tcp_sndqueuelen(pcb) == 0) {
                libos_isock_wait(s, libos_sock_deadline(10000000ull));
                continue;
            }
            tcp_output(pcb);
            if (nonblock) {
                r = -EAGAIN;
                break;
            }
            if (libos_isock_wait(s, deadline) != 0 && deadline) {
                r = -EAGAIN;
                break;
            }
            continue;
        }
        if (e != ERR_OK) {
            r = -libos_isock_errno(e);
            break;
        }
        done += n, voff += n;
    }
    if (s->pcb.tcp && done && !(flags & MSG_MORE))
        tcp_output(s->pcb.tcp);
    if (s->pcb.tcp && s->state == S_CONNECTED && !writable(s->pcb.tcp))
        s->flags |= F_WANT_OUT; /* a poller may look next: the ACKs that make room notify */
    libos_net_unlock();
    return done ? (ssize_t)done : r;
}

static int tcp_shutdown_(struct libos_file *f, int how)
{
    struct isock *s = f->priv;
    int r = 0;
    libos_net_lock();
    if (s->state == S_LISTEN && how != SHUT_WR) {
        /* a listener shut for reading accepts nothing more: Linux wakes its accept() */
        s->flags |= F_SHUT_RD;
        libos_isock_wake(s, POLLIN | POLLHUP);
    } else if (s->state != S_CONNECTED && s->state != S_CLOSED) {
        r = -ENOTCONN;
    } else {
        if (how != SHUT_WR && !(s->flags & F_SHUT_RD)) {
            s->flags |= F_SHUT_RD;
            size_t n = s->rx_len;
            if (s->q.rx.head)
                pbuf_free(s->q.rx.head);
            s->q.rx.head = s->q.rx.tail = NULL;
            s->rx_len = s->rx_off = 0;
            give_window(s, n);
        }
        if (how != SHUT_RD && !(s->flags & F_SHUT_WR)) {
            s->flags |= F_SHUT_WR;
            if (s->pcb.tcp) {
                err_t e = tcp_shutdown(s->pcb.tcp, 0, 1);
                if (e != ERR_OK)
                    r = -libos_isock_errno(e);
            }
        }
        libos_isock_wake(s, POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
    }
    libos_net_unlock();
    return r;
}

static int tcp_setsockopt_(struct libos_file *f, int level, int name, const void *v, socklen_t len)
{
    struct isock *s = f->priv;
    int r, val;
    libos_net_lock();
    if (level == IPPROTO_TCP) {
        r = libos_sock_opt_int(v, len, &val);
        struct tcp_pcb *pcb = s->pcb.tcp;
        if (r == 0 && pcb) {
            switch (name) {
            case TCP_NODELAY: /* a listener's pcb has no flags: its connections take it on accept */
                s->flags = (uint8_t)(val ? s->flags | F_NODELAY : s->flags & ~F_NODELAY);
                if (s->state != S_LISTEN) {
                    if (val)
                        tcp_nagle_disable(pcb);
                    else
                        tcp_nagle_enable(pcb);
                }
                break;
            case TCP_KEEPIDLE: /* kept in s too: a listener's pcb has no keepalive fields */
            case TCP_KEEPINTVL:
                if (val < 1 || val > 32767) {
                    r = -EINVAL;
                } else if (name == TCP_KEEPIDLE) {
                    s->keep_idle = (uint16_t)val;
                    if (s->state != S_LISTEN)
                        pcb->keep_idle = (u32_t)val * 1000;
                } else {
                    s->keep_intvl = (uint16_t)val;
                    if (s->state != S_LISTEN)
                        pcb->keep_intvl = (u32_t)val * 1000;
                }
                break;
            case TCP_KEEPCNT:
                if (val < 1 || val > 127) {
                    r = -EINVAL;
                } else {
                    s->keep_cnt = (uint8_t)val;
                    if (s->state != S_LISTEN)
                        pcb->keep_cnt = (u32_t)val;
                }
                break;
            case TCP_CORK: case TCP_QUICKACK: case TCP_DEFER_ACCEPT: case TCP_MAXSEG:
            case TCP_USER_TIMEOUT: case TCP_LINGER2: case TCP_SYNCNT: case TCP_WINDOW_CLAMP:
            case TCP_FASTOPEN:
                break; /* accepted, no effect */
            default:
                r = -ENOPROTOOPT;
            }
        }
    } else {
        r = libos_isock_setopt(s, s->pcb.tcp, level, name, v, len);
    }
    libos_net_unlock();
    return r;
}

static int tcp_getsockopt_(struct libos_file *f, int level, int name, void *v, socklen_t *len)
{
    struct isock *s = f->priv;
    int r, val = 0;
    libos_net_lock();
    struct tcp_pcb *pcb = s->pcb.tcp;
    if (level == IPPROTO_TCP) {
        r = 0;
        int live = pcb && s->state != S_LISTEN;
        switch (name) {
        case TCP_NODELAY: val = !!(s->flags & F_NODELAY); break;
        case TCP_KEEPIDLE:
            val = live ? (int)(pcb->keep_idle / 1000) : s->keep_idle ? s->keep_idle : (int)(TCP_KEEPIDLE_DEFAULT / 1000);
            break;
        case TCP_KEEPINTVL:
            val = live ? (int)(pcb->keep_intvl / 1000) : s->keep_intvl ? s->keep_intvl : (int)(TCP_KEEPINTVL_DEFAULT / 1000);
            break;
        case TCP_KEEPCNT: val = live ? (int)pcb->keep_cnt : s->keep_cnt ? s->keep_cnt : (int)TCP_KEEPCNT_DEFAULT; break;
        case TCP_MAXSEG: val = live ? tcp_mss(pcb) : TCP_MSS; break;
        case TCP_CORK: case TCP_QUICKACK: case TCP_DEFER_ACCEPT: val = 0; break;
        default: r = -ENOPROTOOPT;
        }
        if (r == 0)
            r = libos_sock_opt_out(v, len, &val, sizeof val);
    } else {
        r = libos_isock_getopt(s, pcb, level, name, v, len);
    }
    libos_net_unlock();
    return r;
}

static int tcp_name_(struct libos_file *f, struct sockaddr *a, socklen_t *len, int peer)
{
    struct isock *s = f->priv;
    int r = 0;
    if (!a || !len)
        return -EFAULT;
    libos_net_lock();
    struct tcp_pcb *pcb = s->pcb.tcp;
    if (peer) {
        if (s->state != S_CONNECTED || !pcb)
            r = -ENOTCONN;
        else
            libos_isock_addr_out(s, &pcb->remote_ip, pcb->remote_port, a, len);
    } else if (pcb) {
        libos_isock_addr_out(s, &pcb->local_ip, pcb->local_port, a, len);
    } else {
        libos_isock_addr_out(s, IP_ANY_TYPE, 0, a, len);
    }
    libos_net_unlock();
    return r;
}

/* --- file ops -------------------------------------------------------------------------------- */

static int tcp_ioctl(struct libos_file *f, unsigned long request, void *arg)
{
    struct isock *s = f->priv;
    if (request != FIONREAD)
        return -ENOTTY;
    *(int *)arg = s->state == S_LISTEN ? 0 : (int)s->rx_len;
    return 0;
}

/* Readiness from the socket's state (no lock: nothing changes under a running thread). Every
 * change notifies (the callbacks); room to write notifies once someone found none (F_WANT_OUT,
 * set here for a caller asking POLLOUT of a full socket, whether it arms or not: harmless). */
static short tcp_poll_(struct libos_file *f, short events, int arm)
{
    struct isock *s = f->priv;
    short r = 0;
    (void)arm;
    switch (s->state) {
    case S_LISTEN:
        if (s->q.aq.head || (s->flags & F_SHUT_RD))
            r |= POLLIN | POLLRDNORM;
        break;
    case S_NEW:
        r = POLLOUT | POLLWRNORM | POLLHUP; /* as Linux says of a socket never connected */
        break;
    case S_CONNECTING:
        break;
    case S_CONNECTED:
        if (s->rx_len || (s->flags & (F_FIN | F_SHUT_RD)))
            r |= POLLIN | POLLRDNORM;
        if (s->flags & (F_FIN | F_SHUT_RD))
            r |= POLLRDHUP;
        if ((s->flags & (F_FIN | F_SHUT_RD)) && (s->flags & F_SHUT_WR))
            r |= POLLHUP;
        if (s->flags & F_SHUT_WR)
            r |= POLLOUT | POLLWRNORM; /* a write fails at once (EPIPE) */
        else if (s->pcb.tcp && writable(s->pcb.tcp))
            r |= POLLOUT | POLLWRNORM;
        else if (events & (POLLOUT | POLLWRNORM))
            s->flags |= F_WANT_OUT; /* the next ACK that makes room notifies */
        break;
    case S_CLOSED:
        r = POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLHUP | POLLRDHUP;
        break;
    }
    if (s->error)
        r |= POLLERR;
    return r & (events | POLLHUP | POLLERR);
}

static void tcp_close_(struct libos_file *f)
{
    struct isock *s = f->priv;
    libos_net_lock();
    if ((s->flags & F_LINGER) && s->linger && s->state == S_CONNECTED && s->pcb.tcp) {
        /* SO_LINGER: wait (at most its seconds) until what was sent has been acknowledged */
        unsigned long long deadline = libos_sock_deadline(s->linger * 1000000000ull);
        tcp_output(s->pcb.tcp);
        while (s->pcb.tcp && (s->pcb.tcp->unsent || s->pcb.tcp->unacked))
            if (libos_isock_wait(s, deadline) != 0)
                break;
    }
    if (s->state == S_LISTEN) {
        while (s->q.aq.head) { /* connections never accepted: reset them */
            struct isock *c = s->q.aq.head;
            s->q.aq.head = c->next;
            release(c, 1);
            free(c);
        }
        s->q.aq.tail = NULL;
    }
    release(s, (s->flags & F_LINGER) && s->linger == 0);
    s->file = NULL;
    libos_wake_all(&s->wait);
    libos_net_unlock();
    free(s);
}

static const struct sock_ops tcp_sops = {
    .bind = tcp_bind_, .listen = tcp_listen_, .accept = tcp_accept_, .connect = tcp_connect_,
    .sendmsg = tcp_sendmsg_, .recvmsg = tcp_recvmsg_, .shutdown = tcp_shutdown_,
    .setsockopt = tcp_setsockopt_, .getsockopt = tcp_getsockopt_, .name = tcp_name_,
};

static const struct libos_file_ops tcp_fops = {
    .read = libos_sock_read, .write = libos_sock_write, .fstat = libos_sock_fstat, .ioctl = tcp_ioctl,
    .poll = tcp_poll_, .close = tcp_close_,
};

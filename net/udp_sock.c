/*
 * UDP sockets over lwIP's raw API (inet_impl.h has the model). The receive callback queues each
 * datagram (its pbuf and sender) on the socket, up to SO_RCVBUF bytes (then drops, as UDP may);
 * recvmsg copies one out (MSG_TRUNC when it did not fit) and frees it. sendmsg copies the iovecs
 * into one pbuf and calls udp_sendto: a datagram never waits for room.
 */
#include "inet_impl.h"

#include <lwip/udp.h>

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#define UDP_RCVBUF_DEFAULT (256 * 1024)
#define UDP_MAX_PAYLOAD (0xffff - 8 - 40) /* what an IPv6 datagram can carry without jumbograms */

static const struct sock_ops udp_sops;
static const struct libos_file_ops udp_fops;

/* Core lock held (a NIC's thread, or lwIP's): queue the datagram. */
static void on_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
    struct isock *s = arg;
    struct dgram *d;
    (void)pcb;
    if ((s->flags & F_SHUT_RD) || s->rx_len + p->tot_len > s->rcvbuf || !(d = malloc(sizeof *d))) {
        pbuf_free(p);
        return;
    }
    d->next = NULL;
    d->p = p;
    ip_addr_copy(d->from, *addr);
    d->port = port;
    if (s->q.dq.tail)
        s->q.dq.tail->next = d;
    else
        s->q.dq.head = d;
    s->q.dq.tail = d;
    s->rx_len += p->tot_len;
    libos_isock_wake(s, POLLIN | POLLRDNORM);
}

int libos_udp_socket(int family, int flags, struct libos_file **out)
{
    struct isock *s = libos_isock_new(&udp_sops, family, SOCK_DGRAM);
    if (!s)
        return -ENOMEM;
    s->rcvbuf = UDP_RCVBUF_DEFAULT;
    struct libos_file *f = libos_file_new(&udp_fops, s, O_RDWR | flags);
    if (!f) {
        free(s);
        return -ENOMEM;
    }
    libos_net_lock();
    s->pcb.udp = udp_new_ip_type(family == AF_INET ? IPADDR_TYPE_V4 : IPADDR_TYPE_ANY);
    if (s->pcb.udp)
        udp_recv(s->pcb.udp, on_recv, s);
    libos_net_unlock();
    if (!s->pcb.udp) {
        free(f);
        free(s);
        return -ENOBUFS;
    }
    s->file = f;
    *out = f;
    return 0;
}

static int udp_bind_(struct libos_file *f, const struct sockaddr *a, socklen_t len)
{
    struct isock *s = f->priv;
    ip_addr_t ip;
    uint16_t port;
    int r = libos_isock_addr_in(s, a, len, &ip, &port);
    if (r < 0)
        return r;
    libos_net_lock();
    if (s->flags & F_BOUND)
        r = -EINVAL;
    else if ((r = -libos_isock_errno(udp_bind(s->pcb.udp, &ip, port))) == 0)
        s->flags |= F_BOUND;
    libos_net_unlock();
    return r;
}

static int udp_connect_(struct libos_file *f, const struct sockaddr *a, socklen_t len)
{
    struct isock *s = f->priv;
    ip_addr_t ip;
    uint16_t port;
    int r = 0;
    if (a && len >= sizeof(sa_family_t) && a->sa_family == AF_UNSPEC) {
        libos_net_lock();
        udp_disconnect(s->pcb.udp);
        s->state = S_NEW;
        libos_net_unlock();
        return 0;
    }
    if ((r = libos_isock_addr_in(s, a, len, &ip, &port)) < 0)
        return r;
    if (IP_IS_ANY_TYPE_VAL(ip))
        ip_addr_set_loopback(1, &ip);
    libos_net_lock();
    r = -libos_isock_errno(udp_connect(s->pcb.udp, &ip, port));
    if (r == 0) {
        s->state = S_CONNECTED;
        s->flags |= F_BOUND;
    }
    libos_net_unlock();
    return r;
}

static ssize_t udp_sendmsg_(struct libos_file *f, const struct msghdr *m, int flags)
{
    struct isock *s = f->priv;
    ssize_t total = libos_sock_iov_total(m);
    ip_addr_t ip;
    uint16_t port = 0;
    (void)flags;
    if (total < 0)
        return total;
    if (total > UDP_MAX_PAYLOAD)
        return -EMSGSIZE;
    if (m->msg_name) {
        int r = libos_isock_addr_in(s, m->msg_name, m->msg_namelen, &ip, &port);
        if (r < 0)
            return r;
        if (IP_IS_ANY_TYPE_VAL(ip))
            ip_addr_set_loopback(1, &ip);
    } else if (s->state != S_CONNECTED) {
        return -EDESTADDRREQ;
    }
    if (s->flags & F_SHUT_WR)
        return -EPIPE;
    libos_net_lock();
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)total, PBUF_RAM);
    ssize_t r = total;
    if (!p) {
        r = -ENOBUFS;
    } else {
        size_t off = 0;
        for (size_t i = 0; i < m->msg_iovlen; i++) {
            memcpy((char *)p->payload + off, m->msg_iov[i].iov_base, m->msg_iov[i].iov_len);
            off += m->msg_iov[i].iov_len;
        }
        err_t e = m->msg_name ? udp_sendto(s->pcb.udp, p, &ip, port) : udp_send(s->pcb.udp, p);
        pbuf_free(p);
        if (e != ERR_OK)
            r = e == ERR_VAL && s->family == AF_INET6 && (s->flags & F_V6ONLY) ? -ENETUNREACH : -libos_isock_errno(e);
        else
            s->flags |= F_BOUND;
    }
    libos_net_unlock();
    return r;
}

static ssize_t udp_recvmsg_(struct libos_file *f, struct msghdr *m, int flags)
{
    struct isock *s = f->priv;
    ssize_t want = libos_sock_iov_total(m);
    if (want < 0)
        return want;
    ssize_t r = 0;
    m->msg_flags = 0;
    m->msg_controllen = 0;
    libos_net_lock();
    unsigned long long deadline = libos_sock_deadline(s->rcvtimeo);
    int nonblock = (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
    while (!s->q.dq.head) {
        if (s->flags & F_SHUT_RD) {
            r = 0;
            goto out;
        }
        if (s->error) {
            r = -s->error;
            s->error = 0;
            goto out;
        }
        if (nonblock || (libos_isock_wait(s, deadline) != 0 && !s->q.dq.head)) {
            r = -EAGAIN;
            goto out;
        }
    }
    struct dgram *d = s->q.dq.head;
    size_t off = 0;
    for (size_t i = 0; i < m->msg_iovlen && off < d->p->tot_len; i++)
        off += pbuf_copy_partial(d->p, m->msg_iov[i].iov_base, (u16_t)(m->msg_iov[i].iov_len > 0xffff ? 0xffff : m->msg_iov[i].iov_len), (u16_t)off);
    r = (ssize_t)off;
    if (off < d->p->tot_len) {
        m->msg_flags |= MSG_TRUNC;
        if (flags & MSG_TRUNC)
            r = d->p->tot_len;
    }
    if (m->msg_name)
        libos_isock_addr_out(s, &d->from, d->port, m->msg_name, &m->msg_namelen);
    if (!(flags & MSG_PEEK)) {
        s->q.dq.head = d->next;
        if (!d->next)
            s->q.dq.tail = NULL;
        s->rx_len -= d->p->tot_len;
        pbuf_free(d->p);
        free(d);
    }
out:
    libos_net_unlock();
    return r;
}

static int udp_shutdown_(struct libos_file *f, int how)
{
    struct isock *s = f->priv;
    if (s->state != S_CONNECTED)
        return -ENOTCONN;
    s->flags |= how == SHUT_RD ? F_SHUT_RD : how == SHUT_WR ? F_SHUT_WR : F_SHUT_RD | F_SHUT_WR;
    libos_isock_wake(s, POLLIN | POLLOUT);
    return 0;
}

static int udp_setsockopt_(struct libos_file *f, int level, int name, const void *v, socklen_t len)
{
    struct isock *s = f->priv;
    libos_net_lock();
    int r = libos_isock_setopt(s, s->pcb.udp, level, name, v, len);
    libos_net_unlock();
    return r;
}

static int udp_getsockopt_(struct libos_file *f, int level, int name, void *v, socklen_t *len)
{
    struct isock *s = f->priv;
    libos_net_lock();
    int r = libos_isock_getopt(s, s->pcb.udp, level, name, v, len);
    libos_net_unlock();
    return r;
}

static int udp_name_(struct libos_file *f, struct sockaddr *a, socklen_t *len, int peer)
{
    struct isock *s = f->priv;
    if (!a || !len)
        return -EFAULT;
    struct udp_pcb *pcb = s->pcb.udp;
    if (peer) {
        if (s->state != S_CONNECTED)
            return -ENOTCONN;
        libos_isock_addr_out(s, &pcb->remote_ip, pcb->remote_port, a, len);
    } else {
        libos_isock_addr_out(s, &pcb->local_ip, pcb->local_port, a, len);
    }
    return 0;
}

static int udp_ioctl(struct libos_file *f, unsigned long request, void *arg)
{
    struct isock *s = f->priv;
    if (request != FIONREAD)
        return -ENOTTY;
    *(int *)arg = s->q.dq.head ? s->q.dq.head->p->tot_len : 0; /* the next datagram, as Linux */
    return 0;
}

static short udp_poll_(struct libos_file *f, short events, int arm)
{
    struct isock *s = f->priv;
    (void)arm;
    short r = s->flags & F_SHUT_WR ? 0 : POLLOUT | POLLWRNORM;
    if (s->q.dq.head || (s->flags & F_SHUT_RD))
        r |= POLLIN | POLLRDNORM;
    if (s->error)
        r |= POLLERR;
    return r & (events | POLLHUP | POLLERR);
}

static void udp_close_(struct libos_file *f)
{
    struct isock *s = f->priv;
    libos_net_lock();
    udp_recv(s->pcb.udp, NULL, NULL);
    udp_remove(s->pcb.udp);
    while (s->q.dq.head) {
        struct dgram *d = s->q.dq.head;
        s->q.dq.head = d->next;
        pbuf_free(d->p);
        free(d);
    }
    libos_net_unlock();
    free(s);
}

static const struct sock_ops udp_sops = {
    .bind = udp_bind_, .connect = udp_connect_, .sendmsg = udp_sendmsg_, .recvmsg = udp_recvmsg_,
    .shutdown = udp_shutdown_, .setsockopt = udp_setsockopt_, .getsockopt = udp_getsockopt_,
    .name = udp_name_,
};

static const struct libos_file_ops udp_fops = {
    .read = libos_sock_read, .write = libos_sock_write, .fstat = libos_sock_fstat, .ioctl = udp_ioctl,
    .poll = udp_poll_, .close = udp_close_,
};

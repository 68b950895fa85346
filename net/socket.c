/*
 * socket() and what TCP and UDP sockets share (inet_impl.h): their state, waiting and waking,
 * addresses between sockaddrs and lwIP's ip_addr_t, lwIP's errors as errnos, and the options
 * common to both.
 */
#include "inet_impl.h"

#include <lwip/ip.h>
#include <lwip/tcp.h>

#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

/* Sockets need the network started: naming it here makes the start sequence's weak call real. */
static void (*const net_init)(void) __attribute__((used)) = libos_net_init;

int socket(int domain, int type, int protocol)
{
    int flags = type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
    type &= ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (domain != AF_INET && domain != AF_INET6)
        return errno = EAFNOSUPPORT, -1;
    struct libos_file *f;
    int r;
    if (type == SOCK_STREAM && (protocol == 0 || protocol == IPPROTO_TCP))
        r = libos_tcp_socket(domain, flags & SOCK_NONBLOCK ? O_NONBLOCK : 0, &f);
    else if (type == SOCK_DGRAM && (protocol == 0 || protocol == IPPROTO_UDP))
        r = libos_udp_socket(domain, flags & SOCK_NONBLOCK ? O_NONBLOCK : 0, &f);
    else if (type == SOCK_STREAM || type == SOCK_DGRAM)
        r = -EPROTONOSUPPORT;
    else
        r = -EPROTONOSUPPORT; /* SOCK_RAW, SOCK_SEQPACKET, ...: not here */
    if (r < 0)
        return (int)sock_ret(r);
    return (int)sock_ret(libos_fd_install(f, flags & SOCK_CLOEXEC ? O_CLOEXEC : 0));
}

struct isock *libos_isock_new(const struct sock_ops *sops, int family, int type)
{
    struct isock *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->head.sops = sops;
    s->wait = (struct libos_waitq)LIBOS_WAITQ_INIT(type == SOCK_STREAM ? "a TCP socket" : "a UDP socket", 0);
    s->family = (uint8_t)family;
    s->type = (uint8_t)type;
    return s;
}

int libos_isock_wait(struct isock *s, unsigned long long deadline)
{
    libos_net_unlock();
    int r = libos_wait(&s->wait, deadline);
    libos_net_lock();
    return r;
}

void libos_isock_wake(struct isock *s, unsigned events)
{
    libos_wake_all(&s->wait);
    if (s->file)
        libos_file_notify(s->file, events);
}

int libos_isock_errno(int err)
{
    switch (err) {
    case ERR_OK: return 0;
    case ERR_MEM: case ERR_BUF: return ENOBUFS;
    case ERR_TIMEOUT: return ETIMEDOUT;
    case ERR_RTE: return ENETUNREACH;
    case ERR_INPROGRESS: return EINPROGRESS;
    case ERR_VAL: case ERR_ARG: return EINVAL;
    case ERR_WOULDBLOCK: return EWOULDBLOCK;
    case ERR_USE: return EADDRINUSE;
    case ERR_ALREADY: return EALREADY;
    case ERR_ISCONN: return EISCONN;
    case ERR_CONN: return ENOTCONN;
    case ERR_IF: return ENETDOWN;
    case ERR_ABRT: return ECONNABORTED;
    case ERR_RST: return ECONNRESET;
    case ERR_CLSD: return ENOTCONN;
    default: return EIO;
    }
}

int libos_isock_addr_in(const struct isock *s, const struct sockaddr *a, socklen_t len, ip_addr_t *ip,
                        uint16_t *port)
{
    if (!a)
        return -EFAULT;
    if (s->family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)a;
        if (len < sizeof *in)
            return -EINVAL;
        if (in->sin_family != AF_INET)
            return -EAFNOSUPPORT;
        ip_addr_set_ip4_u32_val(*ip, in->sin_addr.s_addr);
        *port = ntohs(in->sin_port);
        return 0;
    }
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)a;
    if (len < sizeof *in6)
        return -EINVAL;
    if (in6->sin6_family != AF_INET6)
        return -EAFNOSUPPORT;
    *port = ntohs(in6->sin6_port);
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
        if (s->flags & F_V6ONLY)
            return -ENETUNREACH;
        ip_addr_set_ip4_u32_val(*ip, in6->sin6_addr.s6_addr32[3]);
        return 0;
    }
    if (IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr) && !(s->flags & F_V6ONLY)) {
        *ip = *IP_ANY_TYPE; /* both families */
        return 0;
    }
    IP_SET_TYPE_VAL(*ip, IPADDR_TYPE_V6);
    memcpy(ip_2_ip6(ip)->addr, in6->sin6_addr.s6_addr, 16);
    ip6_addr_clear_zone(ip_2_ip6(ip));
    if (in6->sin6_scope_id && ip6_addr_has_scope(ip_2_ip6(ip), IP6_UNKNOWN))
        ip6_addr_set_zone(ip_2_ip6(ip), (u8_t)in6->sin6_scope_id);
    return 0;
}

void libos_isock_addr_out(const struct isock *s, const ip_addr_t *ip, uint16_t port, struct sockaddr *a,
                          socklen_t *len)
{
    struct sockaddr_storage ss;
    socklen_t size;
    memset(&ss, 0, sizeof ss);
    if (s->family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)&ss;
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        in->sin_addr.s_addr = IP_IS_V4(ip) ? ip4_addr_get_u32(ip_2_ip4(ip)) : 0;
        size = sizeof *in;
    } else {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        if (IP_IS_V4(ip) && !IP_IS_ANY_TYPE_VAL(*ip)) {
            in6->sin6_addr.s6_addr32[2] = htonl(0xffff);
            in6->sin6_addr.s6_addr32[3] = ip4_addr_get_u32(ip_2_ip4(ip));
            if (in6->sin6_addr.s6_addr32[3] == 0) /* an IPv4 any: "::" */
                in6->sin6_addr.s6_addr32[2] = 0;
        } else if (IP_IS_V6(ip)) {
            memcpy(in6->sin6_addr.s6_addr, ip_2_ip6(ip)->addr, 16);
            if (ip6_addr_has_zone(ip_2_ip6(ip)))
                in6->sin6_scope_id = ip6_addr_zone(ip_2_ip6(ip));
        }
        size = sizeof *in6;
    }
    if (a && len) {
        memcpy(a, &ss, *len < size ? *len : size);
        *len = size;
    }
}

int libos_isock_setopt(struct isock *s, void *pcb, int level, int name, const void *v, socklen_t len)
{
    struct ip_pcb *ip = pcb;
    int val = 0;
    if (level == SOL_SOCKET) {
        switch (name) {
        case SO_RCVTIMEO:
            return libos_sock_opt_timeout(v, len, &s->rcvtimeo);
        case SO_SNDTIMEO:
            return libos_sock_opt_timeout(v, len, &s->sndtimeo);
        case SO_LINGER: {
            struct linger l;
            if (!v)
                return -EFAULT;
            if (len < sizeof l)
                return -EINVAL;
            memcpy(&l, v, sizeof l);
            s->flags = (uint8_t)(l.l_onoff ? s->flags | F_LINGER : s->flags & ~F_LINGER);
            s->linger = (uint16_t)(l.l_linger < 0 ? 0 : l.l_linger > 65535 ? 65535 : l.l_linger);
            return 0;
        }
        }
    }
    int r = libos_sock_opt_int(v, len, &val);
    if (r < 0)
        return r;
    if (level == SOL_SOCKET) {
        switch (name) {
        case SO_REUSEADDR:
        case SO_REUSEPORT: /* accepted; lwIP binds a port once either way */
        case SO_KEEPALIVE:
        case SO_BROADCAST: {
            u8_t opt = name == SO_KEEPALIVE ? SOF_KEEPALIVE : name == SO_BROADCAST ? SOF_BROADCAST : SOF_REUSEADDR;
            if (ip) {
                if (val)
                    ip_set_option(ip, opt);
                else if (name != SO_REUSEPORT)
                    ip_reset_option(ip, opt);
            }
            return 0;
        }
        case SO_RCVBUF:
        case SO_SNDBUF:
        case SO_RCVBUFFORCE:
        case SO_SNDBUFFORCE:
            if (s->type == SOCK_DGRAM && (name == SO_RCVBUF || name == SO_RCVBUFFORCE))
                s->rcvbuf = val < 2048 ? 2048 : (uint32_t)val;
            return 0; /* TCP's windows are lwIP's (TCP_WND, TCP_SND_BUF): accepted, not changed */
        case SO_DEBUG: case SO_DONTROUTE: case SO_OOBINLINE: case SO_PRIORITY: case SO_RCVLOWAT:
        case SO_SNDLOWAT: case SO_TIMESTAMP: case SO_NO_CHECK:
            return 0; /* accepted, no effect */
        }
        return -ENOPROTOOPT;
    }
    if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY) {
        if (s->family != AF_INET6)
            return -ENOPROTOOPT;
        if (s->flags & F_BOUND || s->state != S_NEW)
            return -EINVAL;
        s->flags = (uint8_t)(val ? s->flags | F_V6ONLY : s->flags & ~F_V6ONLY);
        if (ip) {
            u8_t t = val ? IPADDR_TYPE_V6 : IPADDR_TYPE_ANY;
            IP_SET_TYPE_VAL(ip->local_ip, t);
            IP_SET_TYPE_VAL(ip->remote_ip, t);
        }
        return 0;
    }
    if (level == IPPROTO_IP && (name == IP_TOS || name == IP_TTL)) {
        if (ip && val >= 0 && val <= 255) {
            if (name == IP_TOS)
                ip->tos = (u8_t)val;
            else
                ip->ttl = (u8_t)(val ? val : 255);
        }
        return 0;
    }
    if (level == IPPROTO_IPV6 && (name == IPV6_UNICAST_HOPS || name == IPV6_MULTICAST_HOPS ||
                                  name == IPV6_MULTICAST_LOOP))
        return 0;
    return -ENOPROTOOPT;
}

int libos_isock_getopt(struct isock *s, void *pcb, int level, int name, void *v, socklen_t *len)
{
    struct ip_pcb *ip = pcb;
    int val;
    if (level == SOL_SOCKET) {
        switch (name) {
        case SO_RCVTIMEO:
            return libos_sock_opt_timeout_out(v, len, s->rcvtimeo);
        case SO_SNDTIMEO:
            return libos_sock_opt_timeout_out(v, len, s->sndtimeo);
        case SO_LINGER: {
            struct linger l = {!!(s->flags & F_LINGER), s->linger};
            return libos_sock_opt_out(v, len, &l, sizeof l);
        }
        case SO_TYPE: val = s->type; break;
        case SO_DOMAIN: val = s->family; break;
        case SO_PROTOCOL: val = s->type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP; break;
        case SO_ACCEPTCONN: val = s->state == S_LISTEN; break;
        case SO_ERROR:
            val = s->error;
            s->error = 0;
            break;
        case SO_REUSEADDR: val = ip && ip_get_option(ip, SOF_REUSEADDR); break;
        case SO_REUSEPORT: val = 0; break;
        case SO_KEEPALIVE: val = ip && ip_get_option(ip, SOF_KEEPALIVE); break;
        case SO_BROADCAST: val = ip && ip_get_option(ip, SOF_BROADCAST); break;
        case SO_RCVBUF: val = s->type == SOCK_STREAM ? TCP_WND : (int)s->rcvbuf; break;
        case SO_SNDBUF: val = s->type == SOCK_STREAM ? TCP_SND_BUF : 65535; break;
        case SO_RCVLOWAT: case SO_SNDLOWAT: val = 1; break;
        default: return -ENOPROTOOPT;
        }
        return libos_sock_opt_out(v, len, &val, sizeof val);
    }
    if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY && s->family == AF_INET6)
        val = !!(s->flags & F_V6ONLY);
    else if (level == IPPROTO_IP && name == IP_TOS)
        val = ip ? ip->tos : 0;
    else if (level == IPPROTO_IP && name == IP_TTL)
        val = ip ? ip->ttl : 255;
    else
        return -ENOPROTOOPT;
    return libos_sock_opt_out(v, len, &val, sizeof val);
}

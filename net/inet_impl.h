/*
 * inet_impl.h: TCP and UDP sockets over lwIP's raw API (tcp_sock.c, udp_sock.c, socket.c).
 *
 * The model (docs/networking.md, "Sockets"): lwIP's callbacks run under the core lock in the
 * thread that delivered the frame (a NIC's thread, lwIP's timer thread, or an app thread whose
 * own call made lwIP act); they queue what arrived on the socket (a pbuf chain, no mailbox),
 * update its state, wake its waiters and call libos_file_notify. An app call takes the core lock,
 * makes the raw call or copies out of the queued pbufs, and blocks on the socket's wait queue
 * with the lock released (sock_wait). Unlocking reaches no scheduling point (it kicks the NICs
 * and marks a waiter runnable), so no wake-up falls between the check and the wait. poll ops read
 * the state without the lock: threads are cooperative, nothing changes under them.
 *
 * Memory: one struct isock per socket (< 256 bytes, malloc'd) plus lwIP's pcb from its pool.
 */
#ifndef LIBOS_NET_INET_IMPL_H
#define LIBOS_NET_INET_IMPL_H

#include "sock_impl.h"

#include <libos/net.h>
#include <libos/sched.h>

#include <lwip/ip_addr.h>
#include <lwip/pbuf.h>

#include <netinet/in.h>
#include <stdint.h>

enum { S_NEW, S_LISTEN, S_CONNECTING, S_CONNECTED, S_CLOSED };

#define F_FIN 0x01     /* the peer sent FIN */
#define F_SHUT_RD 0x02
#define F_SHUT_WR 0x04
#define F_V6ONLY 0x08
#define F_LINGER 0x10  /* SO_LINGER on: linger seconds in linger */
#define F_BOUND 0x20
#define F_NODELAY 0x40 /* TCP_NODELAY (kept here too: a listener passes it on) */
#define F_WANT_OUT 0x80 /* TCP: someone found no room (a poll op, a send): notify POLLOUT when
                         * there is room again */

/* A datagram waiting to be read (UDP): where it came from and its pbuf. */
struct dgram {
    struct dgram *next;
    struct pbuf *p;
    ip_addr_t from;
    uint16_t port;
};

struct isock {
    struct sock_head head;
    struct libos_file *file; /* NULL while a connection waits in its listener's queue */
    union {
        struct tcp_pcb *tcp;
        struct udp_pcb *udp;
    } pcb;                   /* NULL once lwIP freed it (error) or we let it go */
    struct libos_waitq wait; /* threads blocked in a call on it */
    union {
        struct { struct pbuf *head, *tail; } rx;     /* TCP: received bytes, in order */
        struct { struct dgram *head, *tail; } dq;    /* UDP: datagrams */
        struct { struct isock *head, *tail; } aq;    /* listener: connections to accept */
    } q;
    struct isock *next;      /* in a listener's queue */
    unsigned long long rcvtimeo, sndtimeo; /* ns, 0: none */
    uint32_t rx_off;         /* bytes of q.rx.head already read */
    uint32_t rx_len;         /* bytes (TCP) or datagram bytes (UDP) queued */
    uint32_t rcvbuf;         /* UDP: most bytes queued */
    int error;               /* pending (SO_ERROR), positive errno */
    uint16_t linger;
    uint16_t keep_idle, keep_intvl; /* TCP: seconds set with setsockopt (0: lwIP's default), */
    uint8_t keep_cnt;               /* kept for a listener's connections (its pcb has none) */
    uint8_t family, type, state, flags;
    uint8_t async;           /* TCP: a non-blocking connect's result not yet given by connect() */
};

_Static_assert(sizeof(struct isock) <= 256, "a socket stays small");

/* Allocate a TCP or UDP socket's state and description (flags: O_NONBLOCK). */
int libos_tcp_socket(int family, int flags, struct libos_file **out);
int libos_udp_socket(int family, int flags, struct libos_file **out);

/* A new isock for family and type (no pcb yet), its description (when file is set). NULL when
 * memory is short. */
struct isock *libos_isock_new(const struct sock_ops *sops, int family, int type);

/* Block on s's wait queue with the core lock released, until woken or deadline (0: none).
 * 0 when woken, -1 at the deadline. The lock is held again on return. */
int libos_isock_wait(struct isock *s, unsigned long long deadline);

/* Wake the waiters and tell the watchers (poll, select, epoll) what may hold now. */
void libos_isock_wake(struct isock *s, unsigned events);

/* Addresses: a sockaddr of the socket's family into lwIP's form (v4-mapped IPv6 addresses of a
 * dual-stack socket become IPv4; "::" of one becomes IP_ANY_TYPE), and back. */
int libos_isock_addr_in(const struct isock *s, const struct sockaddr *a, socklen_t len, ip_addr_t *ip,
                        uint16_t *port);
void libos_isock_addr_out(const struct isock *s, const ip_addr_t *ip, uint16_t port, struct sockaddr *a,
                          socklen_t *len);

/* An lwIP error as an errno (positive). */
int libos_isock_errno(int err);

/* The socket-level and IP-level options both kinds share: SO_TYPE, SO_ERROR, SO_RCVTIMEO,
 * SO_SNDTIMEO, SO_REUSEADDR, ... 1 when the option is not one of them. */
int libos_isock_setopt(struct isock *s, void *pcb, int level, int name, const void *v, socklen_t len);
int libos_isock_getopt(struct isock *s, void *pcb, int level, int name, void *v, socklen_t *len);

#endif

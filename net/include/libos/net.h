/*
 * libos/net.h: the network interfaces (libos::net): virtio-net NICs as lwIP netifs, configured
 * from the kernel command line or by DHCP at boot.
 *
 * An image gets the network with `libos_add_executable(app main.c DEVICES net)`, or by calling
 * anything here. The start sequence then calls libos_net_init, which starts lwIP, brings up every
 * virtio-net device as eth0, eth1, ... (discovery order), configures each (net.ethN= words, DHCP
 * for a NIC without one; docs/networking.md) and waits at most net.dhcp_wait seconds (default
 * LIBOS_NET_DHCP_WAIT_MS) for leases, printing one line per NIC.
 *
 * Programs use POSIX sockets (<sys/socket.h>, ...: fds, libos::net's socket files over lwIP's
 * raw API; docs/networking.md). lwIP's raw API is there too (its headers, <lwip/...>, are on the
 * include path): <lwip/udp.h>, <lwip/tcp.h>, ... only between libos_net_lock and libos_net_unlock;
 * callbacks run in the thread that delivered the frame (a NIC's thread or lwIP's timer thread)
 * with the lock held, and must not block. A raw call without the lock panics. lwIP's netconn
 * and socket layers are not compiled.
 *
 * Contract: thread context only; errors are negative errno values; nothing here panics on
 * network input. The calls that wait say so.
 */
#ifndef LIBOS_NET_H
#define LIBOS_NET_H

#include <stdint.h>

struct netif;

/* Called by the start sequence when the image has the network. */
void libos_net_init(void);

/* How many NICs are up (or configured off), and the lwIP netif of ethN (NULL when none). */
unsigned libos_net_count(void);
struct netif *libos_net_netif(unsigned n);

/* lwIP's core lock, around raw-API calls. Unlocking also notifies the NICs of the frames queued
 * meanwhile (one notification per burst). Not recursive. May block while another thread holds
 * it across a wait. */
void libos_net_lock(void);
void libos_net_unlock(void);

/* Wait until ethN has an IPv4 address, or until the monotonic clock reaches deadline_ns (0:
 * forever). 0, -ENODEV (no ethN), -ETIMEDOUT. */
int libos_net_wait_ipv4(unsigned n, uint64_t deadline_ns);

#endif

/*
 * net_impl.h: what libos::net's files share. A NIC is an lwIP netif with a driver behind it;
 * drivers queue frames while the core lock is held and send them when it is released
 * (libos_net_flush, called by UNLOCK_TCPIP_CORE).
 */
#ifndef LIBOS_NET_IMPL_H
#define LIBOS_NET_IMPL_H

#include <libos/net.h>

#include <lwip/netif.h>

#include <stdint.h>

#include "config.h"

/* The virtio-net driver: add every virtio-net device as a netif (numbered from *count on, at
 * most NET_NIC_MAX in all); call with the core lock held. */
void libos_net_virtio_probe(struct netif **nics, unsigned *count);

/* The connections the pools are sized for: given (net.max_conns=, 0 if none), else the app's
 * MAX_CONNECTIONS, else LIBOS_NET_MAX_CONNECTIONS. */
unsigned libos_net_max_conns(unsigned given);

/* Size lwIP's pools and its PCB lookup for n connections (pools.c); core lock held, at start. */
void libos_net_pools_init(unsigned n);

/* The counters of a NIC the virtio-net driver made. */
void libos_net_virtio_counters(struct netif *n, struct libos_net_counters *out);

/* Send what the drivers queued (one notification per device). */
void libos_net_flush(void);

#endif

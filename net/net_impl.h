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

/* Send what the drivers queued (one notification per device). */
void libos_net_flush(void);

#endif

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

#define NET_NIC_MAX 8

/* One interface as the configuration sees it (config.c, pure logic). Addresses are in network
 * byte order, as lwIP's ip4_addr_t holds them. */
struct net_if_config {
    int given;          /* a net.ethN= word named this interface */
    int off;            /* net.ethN=off: leave it down */
    int dhcp;           /* net.ethN=dhcp, or nothing given */
    uint32_t addr, mask, gw;
    uint32_t dns[2];
    unsigned ndns;
};

struct net_config {
    struct net_if_config nic[NET_NIC_MAX];
    char hostname[64];
    uint32_t dhcp_wait_ms;
};

/* Parse one kernel parameter word without its "net." prefix ("eth0=10.0.2.15/24,gw=..."). 0, or
 * -1 with *why set to a reason. */
int libos_net_config_word(struct net_config *c, const char *word, const char **why);

/* The virtio-net driver: add every virtio-net device as a netif (numbered from *count on, at
 * most NET_NIC_MAX in all); call with the core lock held. */
void libos_net_virtio_probe(struct netif **nics, unsigned *count);

/* Send what the drivers queued (one notification per device). */
void libos_net_flush(void);

#endif

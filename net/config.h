/*
 * config.h: the network's kernel parameters as config.c parses them (private to libos::net; pure
 * logic without lwIP, so tests/unit builds config.c for the host).
 */
#ifndef LIBOS_NET_CONFIG_H
#define LIBOS_NET_CONFIG_H

#include <stdint.h>

#define NET_NIC_MAX 8

/* Largest net.max_conns= (and MAX_CONNECTIONS of libos_add_executable): the pools it sizes
 * (pools.c) stay below 64 MiB. */
#define NET_MAX_CONNS_LIMIT 65535

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
    unsigned max_conns; /* net.max_conns=N, 0 when not given */
};

/* Parse one kernel parameter word without its "net." prefix ("eth0=10.0.2.15/24,gw=..."). 0, or
 * -1 with *why set to a reason. */
int libos_net_config_word(struct net_config *c, const char *word, const char **why);

#endif

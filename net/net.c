/*
 * The network's start-up (libos_net_init, called by the start sequence) and the small API of
 * libos/net.h: lwIP with its timer thread, the NICs the drivers find, their configuration from
 * the net.* kernel parameters (config.c) or DHCP, and the bounded wait for leases at boot.
 */
#include "net_impl.h"

#include <libos/boot.h>
#include <libos/sched.h>
#include <libos/time.h>

#include <lwip/dhcp.h>
#include <lwip/dns.h>
#include <lwip/ip_addr.h>
#include <lwip/netif.h>
#include <lwip/tcpip.h>

#include <errno.h>
#include <string.h>

static struct netif *nic[NET_NIC_MAX];
static unsigned nic_count;
static struct net_config config;
/* Woken whenever an interface's addresses change (lwIP's status callback). */
static struct libos_waitq address_changed = LIBOS_WAITQ_INIT("a network address", 0);

unsigned libos_net_count(void) { return nic_count; }

struct netif *libos_net_netif(unsigned n) { return n < nic_count ? nic[n] : NULL; }

int libos_net_counters(unsigned n, struct libos_net_counters *out)
{
    struct netif *nif = libos_net_netif(n);
    if (!nif)
        return -ENODEV;
    libos_net_virtio_counters(nif, out);
    return 0;
}

void libos_net_lock(void) { LOCK_TCPIP_CORE(); }

void libos_net_unlock(void) { UNLOCK_TCPIP_CORE(); }

static int has_ipv4(struct netif *n) { return !ip4_addr_isany_val(*netif_ip4_addr(n)); }

int libos_net_wait_ipv4(unsigned i, uint64_t deadline)
{
    struct netif *n = libos_net_netif(i);
    if (!n)
        return -ENODEV;
    while (!has_ipv4(n))
        if (libos_wait(&address_changed, deadline) != 0 && !has_ipv4(n))
            return -ETIMEDOUT;
    return 0;
}

static void status_changed(struct netif *n)
{
    (void)n;
    libos_wake_all(&address_changed);
}

static _Noreturn void config_failed(const char *word, const char *why)
{
    libos_printk("libos: boot failed: net: '%s': %s\n", word, why);
    libos_exit(LIBOS_EXIT_PANIC);
}

/* net.* words: every one is checked by read_config at the network's start. */
LIBOS_PARAM_CLAIM(net_claim, "net.", libos_param_any);

static void read_config(void)
{
    const char *w, *why;
    config.dhcp_wait_ms = LIBOS_NET_DHCP_WAIT_MS;
    for (unsigned i = 0; (w = libos_boot_param_word("net.", i)); i++)
        if (libos_net_config_word(&config, w + 4, &why) != 0)
            config_failed(w, why);
    for (unsigned i = 0; i < NET_NIC_MAX; i++)
        if (!config.nic[i].given)
            config.nic[i].dhcp = 1;
}

/* One line for an interface with its IPv4 address: static, or a lease ms after the image started. */
static void print_ipv4(struct netif *n, unsigned i, int dhcp, unsigned ms)
{
    char a[16], m[16], g[16];
    ip4addr_ntoa_r(netif_ip4_addr(n), a, sizeof a);
    ip4addr_ntoa_r(netif_ip4_netmask(n), m, sizeof m);
    ip4addr_ntoa_r(netif_ip4_gw(n), g, sizeof g);
    if (dhcp)
        libos_printk("net: eth%u: %s netmask %s gateway %s (DHCP lease, %u ms after boot)\n", i, a, m, g, ms);
    else
        libos_printk("net: eth%u: %s netmask %s gateway %s (static)\n", i, a, m, g);
}

/* Bring interface i up as configured. Core lock held. */
static void configure(unsigned i)
{
    struct netif *n = nic[i];
    const struct net_if_config *c = &config.nic[i];
    if (c->off)
        return;
    netif_set_status_callback(n, status_changed);
    if (config.hostname[0])
        netif_set_hostname(n, config.hostname);
    if (!c->dhcp) {
        ip4_addr_t a, m, g;
        ip4_addr_set_u32(&a, c->addr);
        ip4_addr_set_u32(&m, c->mask);
        ip4_addr_set_u32(&g, c->gw);
        netif_set_addr(n, &a, &m, &g);
        for (unsigned k = 0; k < c->ndns; k++) {
            ip_addr_t d;
            ip_addr_set_ip4_u32_val(d, c->dns[k]);
            dns_setserver((u8_t)k, &d);
        }
    }
    netif_set_up(n);
    netif_create_ip6_linklocal_address(n, 1);
    netif_set_ip6_autoconfig_enabled(n, 1);
    if (!netif_default)
        netif_set_default(n);
    if (c->dhcp && dhcp_start(n) != ERR_OK)
        libos_printk("net: eth%u: cannot start DHCP (out of memory)\n", i);
}

void libos_net_init(void)
{
    read_config();
    tcpip_init(NULL, NULL);
    LOCK_TCPIP_CORE();
    libos_net_pools_init(libos_net_max_conns(config.max_conns));
    libos_net_virtio_probe(nic, &nic_count);
    for (unsigned i = 0; i < nic_count; i++)
        configure(i);
    UNLOCK_TCPIP_CORE();

    uint64_t start = libos_time_monotonic_ns(), deadline = start + config.dhcp_wait_ms * 1000000ull;
    for (unsigned i = 0; i < nic_count; i++) {
        const struct net_if_config *c = &config.nic[i];
        if (c->off) {
            libos_printk("net: eth%u: off\n", i);
        } else if (!c->dhcp) {
            print_ipv4(nic[i], i, 0, 0);
        } else if (config.dhcp_wait_ms == 0) {
            libos_printk("net: eth%u: DHCP started; not waiting for a lease (net.dhcp_wait=0)\n", i);
        } else if (libos_net_wait_ipv4(i, deadline) == 0) {
            print_ipv4(nic[i], i, 1, (unsigned)(libos_time_monotonic_ns() / 1000000));
        } else {
            libos_printk("net: eth%u: no DHCP lease after %u s: no IPv4 address yet (DHCP keeps trying)\n",
                         i, (unsigned)(config.dhcp_wait_ms / 1000));
        }
    }
}

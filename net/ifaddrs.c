/*
 * Interfaces by name and index (<net/if.h>) and their addresses (<ifaddrs.h>), from lwIP's
 * netifs: "lo" (lwIP's loopback, index 1, as on Linux) and the NICs as eth0, eth1, ... (their
 * lwIP index, netif->num + 1, which is also the zone of their IPv6 link-local addresses and so a
 * sin6_scope_id). getifaddrs lists an AF_INET entry per interface with an IPv4 address and an
 * AF_INET6 entry per valid IPv6 address (no AF_PACKET entries).
 */
#include <libos/net.h>

#include <lwip/netif.h>

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* n's name as Linux would call it. */
static void if_name(struct netif *n, char name[IF_NAMESIZE])
{
    for (unsigned i = 0; i < libos_net_count(); i++)
        if (libos_net_netif(i) == n) {
            snprintf(name, IF_NAMESIZE, "eth%u", i);
            return;
        }
    if (n->name[0] == 'l' && n->name[1] == 'o')
        snprintf(name, IF_NAMESIZE, "lo");
    else
        snprintf(name, IF_NAMESIZE, "%c%c%u", n->name[0], n->name[1], n->num);
}

unsigned int if_nametoindex(const char *name)
{
    char buf[IF_NAMESIZE];
    unsigned idx = 0;
    struct netif *n;
    libos_net_lock();
    NETIF_FOREACH(n) {
        if_name(n, buf);
        if (!strcmp(buf, name)) {
            idx = netif_get_index(n);
            break;
        }
    }
    libos_net_unlock();
    return idx;
}

char *if_indextoname(unsigned int index, char *name)
{
    char *r = NULL;
    libos_net_lock();
    struct netif *n = index && index <= 255 ? netif_get_by_index((u8_t)index) : NULL;
    if (n) {
        if_name(n, name);
        r = name;
    }
    libos_net_unlock();
    if (!r)
        errno = ENXIO;
    return r;
}

struct if_nameindex *if_nameindex(void)
{
    struct netif *n;
    unsigned count = 0, i = 0;
    libos_net_lock();
    NETIF_FOREACH(n) count++;
    struct if_nameindex *list = calloc(count + 1, sizeof *list + IF_NAMESIZE);
    if (list) {
        char *names = (char *)(list + count + 1);
        NETIF_FOREACH(n) {
            list[i].if_index = netif_get_index(n);
            list[i].if_name = names + i * IF_NAMESIZE;
            if_name(n, list[i].if_name);
            i++;
        }
    }
    libos_net_unlock();
    if (!list)
        errno = ENOBUFS;
    return list;
}

void if_freenameindex(struct if_nameindex *list) { free(list); }

/* One entry: the structure, its name, and room for three addresses, in one allocation. */
struct entry {
    struct ifaddrs ifa;
    char name[IF_NAMESIZE];
    struct sockaddr_in6 addr, mask, brd;
};

static struct entry *entry(struct netif *n, unsigned flags)
{
    struct entry *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    if_name(n, e->name);
    e->ifa.ifa_name = e->name;
    e->ifa.ifa_flags = flags;
    e->ifa.ifa_addr = (struct sockaddr *)&e->addr;
    e->ifa.ifa_netmask = (struct sockaddr *)&e->mask;
    return e;
}

static void set4(struct sockaddr_in6 *s, uint32_t addr)
{
    struct sockaddr_in *in = (struct sockaddr_in *)s;
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = addr;
}

int getifaddrs(struct ifaddrs **list)
{
    struct ifaddrs *head = NULL, **tail = &head;
    struct netif *n;
    int failed = 0;
    libos_net_lock();
    NETIF_FOREACH(n) {
        unsigned flags = (netif_is_up(n) ? IFF_UP : 0) | (netif_is_link_up(n) ? IFF_RUNNING : 0) |
                         (n->flags & NETIF_FLAG_BROADCAST ? IFF_BROADCAST : 0) |
                         (n->flags & (NETIF_FLAG_IGMP | NETIF_FLAG_MLD6) ? IFF_MULTICAST : 0) |
                         (n->name[0] == 'l' && n->name[1] == 'o' ? IFF_LOOPBACK : 0);
        if (!ip4_addr_isany_val(*netif_ip4_addr(n))) {
            struct entry *e = entry(n, flags);
            if (!e) {
                failed = 1;
                break;
            }
            uint32_t a = ip4_addr_get_u32(netif_ip4_addr(n)), m = ip4_addr_get_u32(netif_ip4_netmask(n));
            set4(&e->addr, a);
            set4(&e->mask, m);
            if (flags & IFF_BROADCAST) {
                set4(&e->brd, a | ~m);
                e->ifa.ifa_broadaddr = (struct sockaddr *)&e->brd;
            }
            *tail = &e->ifa;
            tail = &e->ifa.ifa_next;
        }
        for (int k = 0; k < LWIP_IPV6_NUM_ADDRESSES; k++) {
            if (!ip6_addr_isvalid(netif_ip6_addr_state(n, k)))
                continue;
            struct entry *e = entry(n, flags);
            if (!e) {
                failed = 1;
                break;
            }
            const ip6_addr_t *a = netif_ip6_addr(n, k);
            e->addr.sin6_family = e->mask.sin6_family = AF_INET6;
            memcpy(&e->addr.sin6_addr, a->addr, 16);
            if (ip6_addr_islinklocal(a))
                e->addr.sin6_scope_id = netif_get_index(n);
            memset(e->mask.sin6_addr.s6_addr, 0xff, 8); /* /64: SLAAC and link-local prefixes */
            if (n->name[0] == 'l' && n->name[1] == 'o')
                memset(e->mask.sin6_addr.s6_addr, 0xff, 16);
            *tail = &e->ifa;
            tail = &e->ifa.ifa_next;
        }
        if (failed)
            break;
    }
    libos_net_unlock();
    if (failed) {
        freeifaddrs(head);
        errno = ENOMEM;
        return -1;
    }
    *list = head;
    return 0;
}

void freeifaddrs(struct ifaddrs *list)
{
    while (list) {
        struct ifaddrs *next = list->ifa_next;
        free(list); /* the entry starts with it */
        list = next;
    }
}

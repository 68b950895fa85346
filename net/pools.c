/*
 * lwIP's pools, sized at boot by one knob: the TCP connections the image holds at once.
 *
 * The knob, first given wins: the kernel parameter net.max_conns=N, then the app's
 * libos_add_executable(... MAX_CONNECTIONS N) (a constant the build generates into the app,
 * libos_app_net_max_connections, read here through a weak reference), then
 * LIBOS_NET_MAX_CONNECTIONS (libos/config.h).
 *
 * Why at boot and not in .bss: libos::net is one static archive shared by every app, so a pool
 * sized by the preprocessor would be sized once for all of them. lwIP declares each pool with
 * one element (lwipopts.h); after lwip_init has built those, grow() adds the rest from one
 * malloc'd block per pool, pushed onto the pool's free list exactly as memp_init_pool does it
 * (lwIP's memp_desc: element size, free-list head, statistics). Nothing is allocated later: the
 * pools stay fixed, so lwIP still works with pools (MEMP_MEM_MALLOC 0) and tcp_alloc, finding the
 * PCB pool empty, reclaims the oldest TIME-WAIT connection (then LAST-ACK, CLOSING, lower
 * priorities) instead of failing or growing the heap.
 *
 * The same call gives lwIP's PCB lookup (net/lwip-patches/0001) a hash table of at least as many
 * buckets as connections.
 */
#include "net_impl.h"

#include <libos/boot.h>
#include <libos/config.h>

#include <lwip/memp.h>
#include <lwip/tcp.h>

#include <stdlib.h>
#include <string.h>

extern const unsigned libos_app_net_max_connections __attribute__((weak));

/* What the pools hold for n connections (n >= 1). Segments: four per connection (a request, a
 * response and their acknowledgements in flight) plus two full send queues for bulk transfers;
 * the other per-connection pools follow from n as below. */
static void counts(unsigned n, unsigned c[MEMP_MAX])
{
    memset(c, 0, sizeof(unsigned) * MEMP_MAX);
    c[MEMP_TCP_PCB] = n;
    c[MEMP_TCP_PCB_LISTEN] = n / 16 + 8;
    c[MEMP_UDP_PCB] = n / 16 + 8;
    c[MEMP_TCP_SEG] = 4 * n + 2 * TCP_SND_QUEUELEN;
    c[MEMP_PBUF] = n + 64;
}

/* Add more elements to pool t (beyond the one lwipopts.h declares). Bytes used, 0 on failure. */
static size_t grow(memp_t t, unsigned more)
{
    const struct memp_desc *d = memp_pools[t];
    size_t each = MEMP_SIZE + d->size;
    uint8_t *block = malloc(each * more);
    if (!block)
        return 0;
    for (unsigned i = 0; i < more; i++) {
        struct memp *m = (struct memp *)(void *)(block + i * each);
        m->next = *d->tab;
        *d->tab = m;
    }
#if MEMP_STATS
    d->stats->avail += more;
#endif
    return each * more;
}

unsigned libos_net_max_conns(unsigned given)
{
    if (given)
        return given;
    if (&libos_app_net_max_connections && libos_app_net_max_connections)
        return libos_app_net_max_connections;
    return LIBOS_NET_MAX_CONNECTIONS;
}

/* Core lock held, before any connection exists. */
void libos_net_pools_init(unsigned n)
{
    unsigned c[MEMP_MAX];
    size_t total = 0;
    counts(n, c);
    for (unsigned t = 0; t < MEMP_MAX; t++) {
        if (c[t] <= memp_pools[t]->num)
            continue;
        size_t got = grow((memp_t)t, c[t] - memp_pools[t]->num);
        if (!got)
            libos_panic("net: out of memory for lwIP's pools for %u connections (net.max_conns=)", n);
        total += got;
    }
    size_t lookup = 0;
#if LIBOS_LWIP_PCB_HASH
    unsigned buckets = 1;
    while (buckets < n)
        buckets <<= 1;
    struct tcp_pcb **table = calloc(buckets, sizeof *table);
    if (!table)
        libos_panic("net: out of memory for the TCP lookup table (%u buckets)", buckets);
    tcp_pcb_hash_set(table, buckets - 1);
    total += buckets * sizeof *table;
    lookup = buckets * sizeof *table / n; /* its share of the table (its chain's two pointers are in tcp_pcb) */
#endif
    if (libos_boot_verbose()) {
        unsigned pcb = memp_pools[MEMP_TCP_PCB]->size;
        unsigned seg = 4 * memp_pools[MEMP_TCP_SEG]->size, pb = memp_pools[MEMP_PBUF]->size;
        libos_printk("net: pools for %u connections: %zu KiB; per connection tcp_pcb %u B, "
                     "4 tcp_seg %u B, pbuf %u B, lookup %zu B: %zu B\n",
                     n, total / 1024, pcb, seg, pb, lookup, pcb + seg + pb + lookup);
    }
}

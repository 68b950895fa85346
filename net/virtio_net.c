/*
 * The virtio-net driver (virtio 1.1 section 5.1) as an lwIP netif, for both transports: one
 * receive queue (0) and one transmit queue (1), a 12-byte virtio_net_hdr in front of every frame.
 *
 * Receive is zero-copy: each receive buffer is one descriptor (header and frame together, as
 * VERSION_1 allows) inside a block that starts with an lwIP custom pbuf; a frame goes to lwIP as
 * that pbuf, and freeing the pbuf puts the block back on the NIC's free list. The NIC's thread
 * reposts free blocks in batches (one kick each); when malloc fails it retries after
 * RX_RETRY_MS instead of spinning, and frees from the application wake it when the ring runs low.
 *
 * The NIC's thread is interrupt-driven: the handler masks receive interrupts and wakes it; it
 * then hands at most RX_BUDGET frames to lwIP under the core lock, yields when the budget ran
 * out (load: no interrupts, other threads still run), and when the ring drained re-arms the
 * interrupt and re-checks (virtio_vq_enable_irq) before sleeping, so an idle NIC costs nothing.
 *
 * Transmit never waits for an interrupt: frames are added to the ring as lwIP's pbuf chains (a
 * header descriptor, then the chain's segments; the pbuf is referenced until the device is done),
 * finished ones are reclaimed on the next transmit, and the device is notified once when the core
 * lock is released (libos_net_flush). A full ring drops the frame (lwIP's TCP retransmits).
 *
 * Checksums: with GUEST_CSUM the device may hand us frames whose TCP/UDP checksum is partial
 * (NEEDS_CSUM, tap backends do this for local traffic): the driver completes it before lwIP
 * checks it. With CSUM the device sums outgoing TCP segments: lwIP leaves their checksum 0
 * (NETIF_CHECKSUM_GEN_TCP off), the driver puts the pseudo-header's sum there and says where
 * the device starts. UDP keeps lwIP's software checksum: a datagram lwIP fragments cannot be
 * summed by the device fragment by fragment. XXX: DATA_VALID frames are still checked by lwIP.
 *
 * Races: interrupt handlers run only at scheduling points (libos/irq.h), so between the
 * re-arm's check and the libos_wait after it no interrupt can be missed.
 */
#include "net_impl.h"

#include <libos/boot.h>
#include <libos/sched.h>
#include <libos/time.h>
#include <libos/vfs.h>
#include <libos/virtio.h>

#include <lwip/etharp.h>
#include <lwip/ethip6.h>
#include <lwip/inet_chksum.h>
#include <lwip/pbuf.h>
#include <lwip/tcpip.h>
#include <netif/ethernet.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* This driver's and lwIP's threads must run while the program reads the console: a reading
 * thread then blocks instead of spinning (this reference links libos/vfs/console_wait.c). */
static const char *const need_console_blocking __attribute__((used)) = &libos_console_blocking;

#define VIRTIO_NET_F_CSUM 0
#define VIRTIO_NET_F_GUEST_CSUM 1
#define VIRTIO_NET_F_MTU 3
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS 16

#define HDR_F_NEEDS_CSUM 1

/* The configuration structure's fields we read, by offset. */
#define CFG_MAC 0
#define CFG_MTU 10

#define RX_BUDGET 64     /* frames handed to lwIP per turn of the NIC's thread */
#define RX_RETRY_MS 100  /* after a failed allocation of receive buffers */
#define TX_QUEUE_SIZE 256
#define TX_SEGS 16       /* pbuf segments per frame on the ring; longer chains are copied */
#define TX_KICK_BATCH 32 /* notify at least this often, even inside one lock */

/* virtio_net_hdr (virtio 1.1 section 5.1.6), little-endian. */
struct vnet_hdr {
    uint8_t flags;
    uint8_t gso_type;
    uint16_t hdr_len;
    uint16_t gso_size;
    uint16_t csum_start;
    uint16_t csum_offset;
    uint16_t num_buffers;
};

struct vnet;

/* A receive buffer: the pbuf lwIP sees, then room for headers lwIP may push back (an ICMP
 * reply reuses the request), the device's header at data + 2 and the frame after it, at
 * data + 14: the IP header is 4-byte aligned. */
struct rxbuf {
    struct pbuf_custom pc;
    struct vnet *v;
    struct rxbuf *next;
    uint8_t room[32];
    uint8_t data[] __attribute__((aligned(16)));
};
#define RX_DEV_OFFSET 2

/* A frame on the transmit ring: the header the device reads first, and the pbuf it reads after. */
struct txreq {
    struct vnet_hdr hdr;
    struct pbuf *p;
    struct txreq *next;
};

struct vnet {
    struct netif netif;
    struct virtio_dev *dev;
    struct virtio_vq *rxq, *txq;
    uint64_t features;
    uint32_t rx_len;        /* bytes of one receive buffer the device may write */
    unsigned rx_target;     /* buffers we keep posted (less when the ring is smaller) */
    unsigned rx_posted;
    struct rxbuf *rx_free;  /* blocks freed by lwIP, to repost */
    uint64_t retry_at;      /* after an allocation failure, else 0 */
    struct txreq *tx_free;
    unsigned tx_unkicked;   /* frames added since the last notification */
    unsigned tx_segs;       /* descriptors a frame may use */
    struct libos_waitq wake;
    struct vnet *next;      /* every NIC, for libos_net_flush */
    struct libos_net_counters count;
};

static struct vnet *nics;

/* Interrupt context: the NIC's thread does the work. */
static void interrupt(void *arg)
{
    struct vnet *v = arg;
    v->count.interrupts++;
    virtio_vq_disable_irq(v->rxq);
    libos_wake_one(&v->wake);
}

/* lwIP freed a frame: its block goes back to the free list; wake the thread when the ring is
 * low on buffers. Thread context (any thread). */
static void rx_pbuf_free(struct pbuf *p)
{
    struct rxbuf *b = (struct rxbuf *)p;
    struct vnet *v = b->v;
    b->next = v->rx_free;
    v->rx_free = b;
    if (v->rx_posted < v->rx_target / 2)
        libos_wake_one(&v->wake);
}

/* Post free blocks (allocating new ones as needed) until rx_target are posted; one kick. */
static void rx_refill(struct vnet *v)
{
    unsigned added = 0;
    if (v->retry_at && libos_time_monotonic_ns() < v->retry_at)
        return;
    v->retry_at = 0;
    while (v->rx_posted < v->rx_target) {
        struct rxbuf *b = v->rx_free;
        if (b)
            v->rx_free = b->next;
        else if (!(b = malloc(sizeof *b + RX_DEV_OFFSET + v->rx_len))) {
            v->retry_at = libos_time_monotonic_ns() + RX_RETRY_MS * 1000000ull;
            break;
        }
        b->v = v;
        struct virtio_buf d = {b->data + RX_DEV_OFFSET, v->rx_len};
        if (virtio_vq_add(v->rxq, &d, 0, 1, b) != 0) {
            b->next = v->rx_free; /* the ring is smaller than we hoped: keep it this full */
            v->rx_free = b;
            v->rx_target = v->rx_posted;
            break;
        }
        v->rx_posted++, added++;
    }
    if (added)
        v->count.notifications += (unsigned)virtio_vq_kick(v->rxq);
}

/* Complete a partial checksum (NEEDS_CSUM): the device summed nothing from csum_start on and
 * left the pseudo-header's sum at csum_start + csum_offset. 0, or -1 when the offsets do not fit. */
static int complete_csum(uint8_t *frame, uint32_t len, const struct vnet_hdr *h)
{
    uint32_t start = h->csum_start, at = start + h->csum_offset;
    if (start >= len || at + 2 > len)
        return -1;
    uint16_t sum = inet_chksum(frame + start, (u16_t)(len - start));
    memcpy(frame + at, &sum, 2);
    return 0;
}

/* Give one finished receive buffer to lwIP (or back to the free list). Core lock held. */
static void rx_one(struct vnet *v, struct rxbuf *b, uint32_t len)
{
    uint8_t *dev = b->data + RX_DEV_OFFSET;
    struct vnet_hdr h;
    v->rx_posted--;
    v->count.rx_frames++;
    if (len < sizeof h + 14 || len > v->rx_len)
        goto drop;
    memcpy(&h, dev, sizeof h);
    uint8_t *frame = dev + sizeof h;
    len -= sizeof h;
    /* We negotiate nothing that makes frames larger than a buffer, so num_buffers is 1.
     * XXX: a device that splits a frame anyway (num_buffers > 1) has it dropped here, and the
     * following buffers of that frame are taken for frames of their own. */
    if ((v->features & 1ull << VIRTIO_NET_F_MRG_RXBUF) && h.num_buffers > 1)
        goto drop;
    if ((h.flags & HDR_F_NEEDS_CSUM) && complete_csum(frame, len, &h) != 0)
        goto drop;
    b->pc.custom_free_function = rx_pbuf_free;
    struct pbuf *p = pbuf_alloced_custom(PBUF_RAW, (u16_t)len, PBUF_RAM, &b->pc, frame, (u16_t)len);
    uint64_t t = libos_time_monotonic_ns();
    if (v->netif.input(p, &v->netif) != ERR_OK)
        pbuf_free(p);
    v->count.input_ns += libos_time_monotonic_ns() - t;
    return;
drop:
    b->next = v->rx_free;
    v->rx_free = b;
}

static uint32_t sum16(const uint8_t *b, unsigned n, uint32_t sum)
{
    for (unsigned i = 0; i < n; i += 2)
        sum += (uint32_t)b[i] << 8 | b[i + 1];
    return sum;
}

/* For a TCP segment in frame f (its headers within the first len bytes): the pseudo-header's
 * sum in the checksum field, and the header telling the device to finish it (virtio 1.1
 * 5.1.6.2). 0 when done or not TCP, -1 when the headers are not all in the first pbuf. */
static int tx_csum_offload(struct vnet_hdr *h, uint8_t *f, unsigned len)
{
    unsigned ip = 14, l4, plen;
    uint32_t sum;
    if (len < ip)
        return -1;
    uint16_t type = (uint16_t)(f[12] << 8 | f[13]);
    if (type == 0x0800) {
        if (len < ip + 20)
            return -1;
        unsigned ihl = (f[ip] & 15u) * 4;
        if (f[ip + 9] != 6)
            return 0;
        l4 = ip + ihl;
        plen = (unsigned)(f[ip + 2] << 8 | f[ip + 3]) - ihl;
        sum = sum16(f + ip + 12, 8, 0);
    } else if (type == 0x86dd) {
        if (len < ip + 40)
            return -1;
        if (f[ip + 6] != 6) /* lwIP puts no extension header before TCP */
            return 0;
        l4 = ip + 40;
        plen = (unsigned)(f[ip + 4] << 8 | f[ip + 5]);
        sum = sum16(f + ip + 8, 32, 0);
    } else {
        return 0;
    }
    if (len < l4 + 18)
        return -1;
    sum += 6 + plen;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    f[l4 + 16] = (uint8_t)(sum >> 8), f[l4 + 17] = (uint8_t)sum;
    h->flags = HDR_F_NEEDS_CSUM;
    h->csum_start = (uint16_t)l4;
    h->csum_offset = 16;
    return 0;
}

/* Frames the device has finished sending: their pbufs are released. */
static void tx_reclaim(struct vnet *v)
{
    struct txreq *t;
    while ((t = virtio_vq_get(v->txq, NULL))) {
        pbuf_free(t->p);
        t->next = v->tx_free;
        v->tx_free = t;
    }
}

static void kick_tx(struct vnet *v)
{
    if (v->tx_unkicked) {
        v->tx_unkicked = 0;
        v->count.notifications += (unsigned)virtio_vq_kick(v->txq);
    }
}

void libos_net_flush(void)
{
    for (struct vnet *v = nics; v; v = v->next)
        kick_tx(v);
}

/* lwIP's linkoutput: put the frame p on the transmit ring. Core lock held. */
static err_t linkoutput(struct netif *netif, struct pbuf *p)
{
    struct vnet *v = (struct vnet *)netif;
    struct virtio_buf d[TX_SEGS + 1];
    tx_reclaim(v);
    struct txreq *t = v->tx_free;
    if (t)
        v->tx_free = t->next;
    else if (!(t = malloc(sizeof *t)))
        return ERR_MEM;
    unsigned n = 1;
    for (struct pbuf *q = p; q; q = q->next)
        if (q->len)
            n++;
    if (n > v->tx_segs) { /* too many pieces for the ring: one copy in one piece */
        if (!(p = pbuf_clone(PBUF_RAW, PBUF_RAM, p))) {
            t->next = v->tx_free, v->tx_free = t;
            return ERR_MEM;
        }
    } else {
        pbuf_ref(p);
    }
    memset(&t->hdr, 0, sizeof t->hdr);
    if ((v->features & 1ull << VIRTIO_NET_F_CSUM) && tx_csum_offload(&t->hdr, p->payload, p->len) != 0) {
        struct pbuf *one = pbuf_clone(PBUF_RAW, PBUF_RAM, p); /* the headers in one piece */
        pbuf_free(p);
        if (!one) {
            t->next = v->tx_free, v->tx_free = t;
            return ERR_MEM;
        }
        p = one;
        tx_csum_offload(&t->hdr, p->payload, p->len);
    }
    t->p = p;
    d[0] = (struct virtio_buf){&t->hdr, sizeof t->hdr};
    n = 1;
    for (struct pbuf *q = p; q; q = q->next)
        if (q->len)
            d[n++] = (struct virtio_buf){q->payload, q->len};
    if (virtio_vq_add(v->txq, d, n, 0, t) != 0) {
        pbuf_free(p);
        t->next = v->tx_free, v->tx_free = t;
        kick_tx(v); /* what is queued must go, so that room comes back */
        LINK_STATS_INC(link.drop);
        return ERR_MEM;
    }
    LINK_STATS_INC(link.xmit);
    v->count.tx_frames++;
    if (++v->tx_unkicked >= TX_KICK_BATCH)
        kick_tx(v);
    return ERR_OK;
}

/* The NIC's thread: see the top of the file. */
static void nic_thread(void *arg)
{
    struct vnet *v = arg;
    for (;;) {
        unsigned n = 0;
        void *b;
        uint32_t len;
        LOCK_TCPIP_CORE();
        while (n < RX_BUDGET && (b = virtio_vq_get(v->rxq, &len)))
            rx_one(v, b, len), n++;
        tx_reclaim(v);
        rx_refill(v);
        UNLOCK_TCPIP_CORE();
        if (n == RX_BUDGET) {
            libos_yield();
            continue;
        }
        if (virtio_vq_enable_irq(v->rxq))
            continue;
        libos_wait(&v->wake, v->retry_at);
    }
}

static err_t netif_setup(struct netif *netif)
{
    netif->name[0] = 'e', netif->name[1] = 'n';
    netif->output = etharp_output;
    netif->output_ip6 = ethip6_output;
    netif->linkoutput = linkoutput;
    netif->hwaddr_len = ETH_HWADDR_LEN;
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_IGMP |
                   NETIF_FLAG_MLD6 | NETIF_FLAG_LINK_UP;
    struct vnet *v = netif->state;
    NETIF_SET_CHECKSUM_CTRL(netif, v->features & 1ull << VIRTIO_NET_F_CSUM
                                       ? NETIF_CHECKSUM_ENABLE_ALL & ~NETIF_CHECKSUM_GEN_TCP
                                       : NETIF_CHECKSUM_ENABLE_ALL);
    return ERR_OK;
}

/* Bring one device up (virtio 1.1 section 3.1.1, then 5.1.5); NULL when it cannot be used. */
static struct netif *setup(struct virtio_dev *dev, unsigned index)
{
    uint64_t f = 0;
    uint64_t wanted = 1ull << VIRTIO_NET_F_CSUM | 1ull << VIRTIO_NET_F_GUEST_CSUM | 1ull << VIRTIO_NET_F_MTU |
                      1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_MRG_RXBUF |
                      1ull << VIRTIO_F_INDIRECT_DESC | 1ull << VIRTIO_F_EVENT_IDX;
    if (virtio_start(dev, wanted, &f) != 0) {
        libos_printk("net: %s: not a virtio 1.x network device; ignored\n", virtio_where(dev));
        return NULL;
    }
    struct vnet *v = calloc(1, sizeof *v);
    if (!v) {
        virtio_fail(dev);
        return NULL;
    }
    uint16_t mtu = 1500;
    if (f & 1ull << VIRTIO_NET_F_MTU) {
        virtio_config(dev, CFG_MTU, &mtu, sizeof mtu);
        if (mtu < 1280 || mtu > 9000)
            mtu = 1500; /* XXX: IPv6 needs 1280; jumbo frames would need larger buffers */
    }
    if (f & 1ull << VIRTIO_NET_F_MAC) {
        virtio_config(dev, CFG_MAC, v->netif.hwaddr, ETH_HWADDR_LEN);
    } else { /* Firecracker without a configured MAC: a locally administered one of our own */
        uint32_t r = libos_net_rand();
        uint8_t mac[ETH_HWADDR_LEN] = {0x02, 0x00, (uint8_t)(r >> 24), (uint8_t)(r >> 16), (uint8_t)(r >> 8), (uint8_t)index};
        memcpy(v->netif.hwaddr, mac, sizeof mac);
    }
    v->dev = dev;
    v->features = f;
    /* Room for the MTU, and never less than Ethernet's 1500: QEMU passes on larger frames than
     * the MTU it announces when its backend's differs (user networking's is 1500). */
    v->rx_len = (uint32_t)(sizeof(struct vnet_hdr) + 14 + 4 + (mtu > 1500 ? mtu : 1500) + 63) & ~63u;
    v->rx_target = LIBOS_NET_RX_BUFFERS;
    v->wake = (struct libos_waitq)LIBOS_WAITQ_INIT("a virtio-net interrupt", 1);
    if (virtio_irq(dev, interrupt, v) != 0 || !(v->rxq = virtio_queue(dev, 0, LIBOS_NET_RX_BUFFERS, 1)) ||
        !(v->txq = virtio_queue(dev, 1, TX_QUEUE_SIZE, TX_SEGS + 1)) || virtio_vq_max_chain(v->txq) < 2) {
        libos_printk("net: %s: cannot set up its queues or interrupt; ignored\n", virtio_where(dev));
        virtio_fail(dev);
        free(v); /* XXX: a queue set up before the failure stays allocated */
        return NULL;
    }
    v->tx_segs = virtio_vq_max_chain(v->txq);
    virtio_vq_disable_irq(v->txq); /* completions are reclaimed on the transmit path */
    if (!netif_add_noaddr(&v->netif, v, netif_setup, ethernet_input)) {
        virtio_fail(dev);
        return NULL;
    }
    v->netif.mtu = mtu;
    v->netif.mtu6 = mtu;
    virtio_ready(dev);
    v->next = nics;
    nics = v;
    rx_refill(v);
    char name[16] = "net: eth0";
    name[8] = (char)('0' + index);
    struct libos_thread *t = libos_thread_create(nic_thread, v, 16 * 1024, name + 5);
    if (!t)
        libos_panic("net: cannot start the thread of %s (out of memory)", name + 5);
    libos_thread_detach(t);
    if (libos_boot_verbose())
        libos_printk("net: eth%u: %s, mac %02x:%02x:%02x:%02x:%02x:%02x, mtu %u, %u receive buffers%s%s%s%s\n",
                     index, virtio_where(dev), v->netif.hwaddr[0], v->netif.hwaddr[1], v->netif.hwaddr[2],
                     v->netif.hwaddr[3], v->netif.hwaddr[4], v->netif.hwaddr[5], mtu, v->rx_posted,
                     f & 1ull << VIRTIO_NET_F_CSUM ? ", device checksums" : "",
                     f & 1ull << VIRTIO_NET_F_GUEST_CSUM ? ", guest checksums" : "",
                     f & 1ull << VIRTIO_NET_F_MRG_RXBUF ? ", mergeable buffers" : "",
                     f & 1ull << VIRTIO_F_EVENT_IDX ? ", event index" : "");
    return &v->netif;
}

void libos_net_virtio_counters(struct netif *n, struct libos_net_counters *out)
{
    *out = ((struct vnet *)n)->count;
}

void libos_net_virtio_probe(struct netif **out, unsigned *count)
{
    struct virtio_dev *dev;
    for (unsigned i = 0; *count < NET_NIC_MAX && (dev = virtio_find(VIRTIO_ID_NET, i)); i++) {
        struct netif *n = setup(dev, *count);
        if (n)
            out[(*count)++] = n;
    }
}

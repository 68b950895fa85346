/*
 * Split virtqueues (virtio 1.1 section 2.6), the driver's side: descriptor allocation, the
 * available ring, kicks with notification suppression, the used ring, interrupt suppression.
 * Pure logic on memory the caller provides, so tests/unit/test_virtqueue.c runs this file
 * against a simulated device. The contract is in libos/virtio.h, the layout in virtq.h.
 *
 * Invariants: a descriptor is either on the free list or part of exactly one chain added and
 * not yet returned; tokens[head] is non-NULL exactly while head's chain is out. avail_idx -
 * last_used chains are out. With indirect descriptors a chain takes one ring descriptor (head)
 * whose table is indirect[head * max_chain ...], so tables need no allocator of their own.
 *
 * Barriers. On x86_64 (the only target) stores are not reordered with stores nor loads with
 * loads, so the write and read barriers only stop the compiler; a store followed by a load of
 * another location can be reordered by the CPU and needs a real fence.
 */
#include "virtq.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define compiler_barrier() __asm__ volatile("" ::: "memory")
#define wmb() compiler_barrier()
#define rmb() compiler_barrier()
#define mb() virtio_full_fence()

/* A fence for the store-then-load pairs below. The default is the CPU's; the kernel's device.c
 * replaces it with one that also holds under QEMU's TCG (see there). Host tests keep this one. */
__attribute__((weak)) void virtio_full_fence(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

static size_t align(size_t v, size_t a) { return (v + a - 1) & ~(a - 1); }

/* Offsets of the areas in the queue's memory block. */
struct layout {
    size_t avail, used, tokens, indirect, end;
};

static struct layout layout_of(unsigned size, unsigned max_chain, int indirect)
{
    struct layout l;
    l.avail = sizeof(struct virtq_desc) * size;
    l.used = align(l.avail + 2 * (3 + (size_t)size), 4);
    l.tokens = align(l.used + 2 * 3 + sizeof(struct virtq_used_elem) * size, 16);
    l.indirect = align(l.tokens + sizeof(void *) * size, 16);
    l.end = l.indirect + (indirect ? sizeof(struct virtq_desc) * size * max_chain : 0);
    return l;
}

size_t virtio_vq_mem_size(unsigned size, unsigned max_chain, int indirect)
{
    return layout_of(size, max_chain, indirect).end;
}

void virtio_vq_init(struct virtio_vq *q, void *mem, unsigned size, unsigned max_chain,
                    int indirect, int event_idx)
{
    struct layout l = layout_of(size, max_chain, indirect);
    char *m = mem;
    memset(q, 0, sizeof *q);
    q->size = size;
    q->max_chain = max_chain;
    q->event_idx = event_idx;
    q->desc = (struct virtq_desc *)m;
    q->avail = (struct virtq_avail *)(m + l.avail);
    q->used = (struct virtq_used *)(m + l.used);
    q->tokens = (void **)(m + l.tokens);
    q->indirect = indirect ? (struct virtq_desc *)(m + l.indirect) : NULL;
    for (unsigned i = 0; i < size; i++)
        q->desc[i].next = (uint16_t)(i + 1);
    q->num_free = (uint16_t)size;
    /* Interrupts on from the start: used_event 0 and avail->flags 0 (the memory is zeroed). */
}

__attribute__((weak)) uint64_t virtio_dma_addr(const void *buf, uint32_t len)
{
    (void)len;
    return (uint64_t)(uintptr_t)buf;
}

/* A buffer the device cannot reach where it is (see virtio_dma_addr), and its copy. */
struct virtq_bounce {
    struct virtq_bounce *next;
    void *orig;
    uint32_t len;
    int write;   /* the device writes it: copied back when the chain returns */
    char copy[]; /* heap memory: identity-mapped */
};

static void bounce_free(struct virtq_bounce *b)
{
    while (b) {
        struct virtq_bounce *next = b->next;
        free(b);
        b = next;
    }
}

/* The device address of buffer b of the chain at head, bouncing it when needed; 0 when memory
 * for the copy is short. Runs in thread context (malloc): the bounce lists of a returned chain
 * are freed here, when its head is used again, never in virtio_vq_get (interrupt handlers). */
static uint64_t dma_addr(struct virtio_vq *q, uint16_t head, const struct virtio_buf *b, int write)
{
    uint64_t a = virtio_dma_addr(b->addr, b->len);
    if (a)
        return a;
    if (!q->bounce && !(q->bounce = calloc(q->size, sizeof *q->bounce)))
        return 0;
    struct virtq_bounce *c = malloc(sizeof *c + b->len);
    if (!c)
        return 0;
    c->orig = (void *)(uintptr_t)b->addr;
    c->len = b->len;
    c->write = write;
    memcpy(c->copy, b->addr, b->len);
    c->next = q->bounce[head];
    q->bounce[head] = c;
    return (uint64_t)(uintptr_t)c->copy;
}

static int fill(struct virtio_vq *q, uint16_t head, struct virtq_desc *d, const struct virtio_buf *b,
                int write)
{
    d->addr = dma_addr(q, head, b, write);
    d->len = b->len;
    d->flags = write ? VIRTQ_DESC_F_WRITE : 0;
    return d->addr ? 0 : -ENOMEM;
}

int virtio_vq_add(struct virtio_vq *q, const struct virtio_buf *bufs, unsigned out, unsigned in,
                  void *token)
{
    unsigned n = out + in;
    if (n == 0 || n > q->max_chain || !token)
        return -EINVAL;
    int use_indirect = q->indirect && n > 1;
    if (q->num_free < (use_indirect ? 1 : n))
        return -ENOSPC;

    uint16_t head = q->free_head;
    if (q->bounce && q->bounce[head]) { /* copies of the chain that used this head last */
        bounce_free(q->bounce[head]);
        q->bounce[head] = NULL;
    }
    /* Translate (and bounce) first, so that a failure leaves the ring as it was. */
    uint64_t addr[n];
    for (unsigned i = 0; i < n; i++) {
        struct virtq_desc d;
        if (fill(q, head, &d, &bufs[i], i >= out) != 0) {
            if (q->bounce) {
                bounce_free(q->bounce[head]);
                q->bounce[head] = NULL;
            }
            return -ENOMEM;
        }
        addr[i] = d.addr;
    }
    if (use_indirect) {
        struct virtq_desc *t = &q->indirect[(size_t)head * q->max_chain];
        for (unsigned i = 0; i < n; i++) {
            t[i] = (struct virtq_desc){addr[i], bufs[i].len, (uint16_t)(i >= out ? VIRTQ_DESC_F_WRITE : 0), 0};
            if (i + 1 < n) {
                t[i].flags |= VIRTQ_DESC_F_NEXT;
                t[i].next = (uint16_t)(i + 1);
            }
        }
        struct virtq_desc *d = &q->desc[head];
        q->free_head = d->next;
        d->addr = (uint64_t)(uintptr_t)t;
        d->len = (uint32_t)(n * sizeof *t);
        d->flags = VIRTQ_DESC_F_INDIRECT;
        q->num_free--;
    } else {
        uint16_t i = head, last = head;
        for (unsigned k = 0; k < n; k++) {
            struct virtq_desc *d = &q->desc[i];
            d->addr = addr[k];
            d->len = bufs[k].len;
            d->flags = k >= out ? VIRTQ_DESC_F_WRITE : 0;
            last = i;
            i = d->next; /* the free list's link, replaced below for all but the last */
            if (k + 1 < n) {
                d->flags |= VIRTQ_DESC_F_NEXT;
                /* d->next already names the next free descriptor: the chain follows the list */
            }
        }
        q->free_head = q->desc[last].next;
        q->num_free = (uint16_t)(q->num_free - n);
    }
    q->tokens[head] = token;
    q->avail->ring[q->avail_idx & (q->size - 1)] = head;
    /* The descriptors and the ring entry must be visible before the index that publishes them
     * (virtio 1.1 section 2.6.13.3). */
    wmb();
    q->avail_idx++;
    *(volatile uint16_t *)&q->avail->idx = q->avail_idx;
    return 0;
}

unsigned virtio_vq_max_chain(const struct virtio_vq *q) { return q->max_chain; }

int virtio_vq_kick(struct virtio_vq *q)
{
    uint16_t old = q->kicked_idx, now = q->avail_idx;
    if (old == now)
        return 0;
    q->kicked_idx = now;
    /* The new avail->idx must be visible before we read whether the device wants a
     * notification, or a device going to sleep and a driver skipping the kick could cross
     * (virtio 1.1 section 2.6.13.4). A store then a load: a full fence. */
    mb();
    int need = q->event_idx ? virtq_need_event(*virtq_avail_event(q), now, old)
                            : !(*(volatile uint16_t *)&q->used->flags & VIRTQ_USED_F_NO_NOTIFY);
    if (!need || !q->notify)
        return 0;
    q->notify(q->notify_arg, q->index);
    return 1;
}

void *virtio_vq_get(struct virtio_vq *q, uint32_t *len)
{
    uint16_t used_idx = *(volatile uint16_t *)&q->used->idx;
    if (used_idx == q->last_used)
        return NULL;
    /* Read the index before the element it covers (virtio 1.1 section 2.6.14). */
    rmb();
    struct virtq_used_elem e = q->used->ring[q->last_used & (q->size - 1)];
    if (e.id >= q->size || !q->tokens[e.id])
        return NULL; /* XXX: a device returning a chain it never had: we stop taking from it */
    q->last_used++;

    uint16_t head = (uint16_t)e.id, last = head;
    unsigned n = 1;
    if (!(q->desc[head].flags & VIRTQ_DESC_F_INDIRECT)) {
        while (q->desc[last].flags & VIRTQ_DESC_F_NEXT) {
            last = q->desc[last].next;
            n++;
        }
    }
    q->desc[last].next = q->free_head;
    q->free_head = head;
    q->num_free = (uint16_t)(q->num_free + n);
    void *token = q->tokens[head];
    q->tokens[head] = NULL;
    if (q->bounce) /* what the device wrote into copies goes where the driver asked */
        for (struct virtq_bounce *c = q->bounce[head]; c; c = c->next)
            if (c->write)
                memcpy(c->orig, c->copy, c->len);
    if (len)
        *len = e.len;
    return token;
}

int virtio_vq_enable_irq(struct virtio_vq *q)
{
    if (q->event_idx)
        *virtq_used_event(q) = q->last_used; /* interrupt when the next chain finishes */
    else
        *(volatile uint16_t *)&q->avail->flags = 0;
    /* Our store must be visible before we re-read used->idx: a chain finished in between is
     * otherwise neither interrupted for nor seen (virtio 1.1 section 2.6.14). A full fence. */
    mb();
    return *(volatile uint16_t *)&q->used->idx != q->last_used;
}

void virtio_vq_disable_irq(struct virtio_vq *q)
{
    if (q->event_idx)
        *virtq_used_event(q) = (uint16_t)(q->last_used - 1); /* passed only after 65535 more */
    else
        *(volatile uint16_t *)&q->avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
}

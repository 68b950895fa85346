/*
 * Host tests of libos/virtio/virtqueue.c: the driver's side of split virtqueues, against a
 * simulated device that works on the same memory as a real one would (it reads the available
 * ring and the descriptors, writes the used ring and the event index, and counts the
 * notifications and interrupts it would send).
 */
#include "virtq.h"
#include "check.h"

#include <errno.h>
#include <stdlib.h>

/* --- the simulated device ---------------------------------------------------------------- */
struct sim {
    struct virtio_vq *q;
    uint16_t last_avail; /* the device's position in the available ring */
    uint16_t used_idx;
    int notifications;   /* kicks that reached the device */
    int interrupts;      /* interrupts the device would raise */
    uint16_t pending[1024]; /* heads taken from the avail ring, not yet used */
    int npending;
};

static void sim_notify(void *arg, unsigned index)
{
    (void)index;
    ((struct sim *)arg)->notifications++;
}

static struct virtio_vq *new_queue(struct sim *s, unsigned size, unsigned max_chain, int indirect,
                                   int event_idx)
{
    static struct virtio_vq q;
    static void *mem;
    free(mem);
    size_t n = virtio_vq_mem_size(size, max_chain, indirect);
    mem = aligned_alloc(16, (n + 15) & ~(size_t)15);
    memset(mem, 0, n);
    virtio_vq_init(&q, mem, size, max_chain, indirect, event_idx);
    memset(s, 0, sizeof *s);
    s->q = &q;
    q.notify = sim_notify;
    q.notify_arg = s;
    return &q;
}

/* The chain at head as the device sees it: buffers into out[], flags into wr[]; returns count. */
static int sim_chain(struct sim *s, uint16_t head, struct virtq_desc *out, int max)
{
    struct virtq_desc *table = s->q->desc;
    uint16_t i = head;
    int n = 0, limit = (int)s->q->size;
    if (table[i].flags & VIRTQ_DESC_F_INDIRECT) {
        limit = (int)(table[i].len / sizeof(struct virtq_desc));
        table = (struct virtq_desc *)(uintptr_t)table[i].addr;
        i = 0;
    }
    for (;;) {
        if (n == max || n == limit)
            return -1;
        out[n++] = table[i];
        if (!(table[i].flags & VIRTQ_DESC_F_NEXT))
            return n;
        i = table[i].next;
    }
}

/* Take every new chain from the available ring (in order) into pending. */
static void sim_take(struct sim *s)
{
    while (s->last_avail != s->q->avail->idx) {
        s->pending[s->npending++] = s->q->avail->ring[s->last_avail & (s->q->size - 1)];
        s->last_avail++;
    }
    /* A device with event indices asks to be kicked at the next new chain. */
    *virtq_avail_event(s->q) = s->last_avail;
}

/* Complete pending chain k (not necessarily the oldest), writing len; raise an interrupt when
 * the driver asked for one. */
static void sim_complete(struct sim *s, int k, uint32_t len)
{
    uint16_t head = s->pending[k];
    memmove(&s->pending[k], &s->pending[k + 1], sizeof s->pending[0] * (size_t)(s->npending - k - 1));
    s->npending--;
    struct virtio_vq *q = s->q;
    q->used->ring[s->used_idx & (q->size - 1)] = (struct virtq_used_elem){head, len};
    uint16_t old = s->used_idx++;
    q->used->idx = s->used_idx;
    int want = q->event_idx ? virtq_need_event(*virtq_used_event(q), s->used_idx, old)
                            : !(q->avail->flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
    s->interrupts += want;
}

/* --- tests --------------------------------------------------------------------------------- */
static char bufs[64][64];

/* The kernel translates buffers on stacks of the stack area (device.c); here bufs[60..63] play
 * such buffers whose pages are not contiguous: they must be bounced. */
uint64_t virtio_dma_addr(const void *buf, uint32_t len)
{
    (void)len;
    return (const char *)buf >= bufs[60] && (const char *)buf < bufs[64] ? 0 : (uint64_t)(uintptr_t)buf;
}

static struct virtio_buf buf(int i, uint32_t len) { return (struct virtio_buf){bufs[i], len}; }

/* Plain chains: out then in buffers, the WRITE flag on the in ones, lengths and addresses kept. */
static void test_plain_chain(void)
{
    struct sim s;
    struct virtio_vq *q = new_queue(&s, 8, 4, 0, 0);
    struct virtio_buf b[3] = {buf(0, 16), buf(1, 512), buf(2, 1)};
    CHECK_EQ(0, virtio_vq_add(q, b, 1, 2, "t0"));
    CHECK_EQ(5, q->num_free);
    virtio_vq_kick(q);
    CHECK_EQ(1, s.notifications);
    sim_take(&s);
    CHECK_EQ(1, s.npending);
    struct virtq_desc d[8];
    CHECK_EQ(3, sim_chain(&s, s.pending[0], d, 8));
    CHECK(d[0].addr == (uintptr_t)bufs[0] && d[0].len == 16 && !(d[0].flags & VIRTQ_DESC_F_WRITE));
    CHECK(d[1].addr == (uintptr_t)bufs[1] && d[1].len == 512 && (d[1].flags & VIRTQ_DESC_F_WRITE));
    CHECK(d[2].addr == (uintptr_t)bufs[2] && d[2].len == 1 && (d[2].flags & VIRTQ_DESC_F_WRITE));
    uint32_t len = 0;
    CHECK(virtio_vq_get(q, &len) == NULL); /* nothing used yet */
    sim_complete(&s, 0, 513);
    CHECK_EQ(1, s.interrupts);
    CHECK_STR("t0", (const char *)virtio_vq_get(q, &len));
    CHECK_EQ(513, len);
    CHECK_EQ(8, q->num_free);
    CHECK(virtio_vq_get(q, &len) == NULL);
}

/* Indirect: one ring descriptor per chain, whatever its length; single buffers stay direct. */
static void test_indirect(void)
{
    struct sim s;
    struct virtio_vq *q = new_queue(&s, 4, 6, 1, 0);
    struct virtio_buf b[6] = {buf(0, 16), buf(1, 100), buf(2, 200), buf(3, 300), buf(4, 400), buf(5, 1)};
    for (int i = 0; i < 3; i++)
        CHECK_EQ(0, virtio_vq_add(q, b, 2, 4, bufs[10 + i]));
    CHECK_EQ(0, virtio_vq_add(q, b, 1, 0, bufs[13])); /* one buffer: direct */
    CHECK_EQ(0, q->num_free);
    CHECK_EQ(-ENOSPC, virtio_vq_add(q, b, 1, 0, bufs[14]));
    CHECK_EQ(-EINVAL, virtio_vq_add(q, b, 4, 3, bufs[14])); /* longer than max_chain */
    CHECK_EQ(-EINVAL, virtio_vq_add(q, b, 0, 0, bufs[14]));
    virtio_vq_kick(q);
    sim_take(&s);
    CHECK_EQ(4, s.npending);
    struct virtq_desc d[8];
    for (int i = 0; i < 3; i++) {
        CHECK(q->desc[s.pending[i]].flags == VIRTQ_DESC_F_INDIRECT);
        CHECK_EQ(6, sim_chain(&s, s.pending[i], d, 8));
        CHECK(d[1].len == 100 && !(d[1].flags & VIRTQ_DESC_F_WRITE));
        CHECK(d[2].len == 200 && (d[2].flags & VIRTQ_DESC_F_WRITE));
        CHECK(d[5].addr == (uintptr_t)bufs[5]);
    }
    CHECK_EQ(1, sim_chain(&s, s.pending[3], d, 8));
    CHECK(q->desc[s.pending[3]].flags == 0);
    /* Out of order: the third, then the first. */
    sim_complete(&s, 2, 0);
    sim_complete(&s, 0, 0);
    CHECK(virtio_vq_get(q, NULL) == bufs[12]);
    CHECK(virtio_vq_get(q, NULL) == bufs[10]);
    CHECK_EQ(2, q->num_free);
    /* The freed heads' tables are reused without disturbing the chains still out. */
    CHECK_EQ(0, virtio_vq_add(q, b, 3, 3, bufs[20]));
    CHECK_EQ(0, virtio_vq_add(q, b, 3, 3, bufs[21]));
    virtio_vq_kick(q);
    sim_take(&s);
    CHECK_EQ(6, sim_chain(&s, s.pending[0], d, 8)); /* bufs[11]'s chain, still 2 out + 4 in */
    CHECK(!(d[1].flags & VIRTQ_DESC_F_WRITE) && (d[2].flags & VIRTQ_DESC_F_WRITE));
    while (s.npending)
        sim_complete(&s, 0, 0);
    CHECK(virtio_vq_get(q, NULL) == bufs[11]);
    CHECK(virtio_vq_get(q, NULL) == bufs[13]);
    CHECK(virtio_vq_get(q, NULL) == bufs[20]);
    CHECK(virtio_vq_get(q, NULL) == bufs[21]);
    CHECK_EQ(4, q->num_free);
}

/* A full ring, then out-of-order completion of plain chains of different lengths: the free list
 * stays consistent (every descriptor comes back; chains added later are intact). */
static void test_full_ring_out_of_order(void)
{
    struct sim s;
    struct virtio_vq *q = new_queue(&s, 16, 5, 0, 0);
    struct virtio_buf b[5] = {buf(0, 1), buf(1, 2), buf(2, 3), buf(3, 4), buf(4, 5)};
    unsigned lens[] = {1, 3, 5, 2, 4};
    int added = 0, used_total = 0;
    unsigned rng = 1;
    for (int round = 0; round < 2000; round++) {
        unsigned n = lens[round % 5];
        int r = virtio_vq_add(q, b, 1, n - 1, bufs[32 + (round % 32)]);
        if (r == -ENOSPC) {
            CHECK(q->num_free < n);
            virtio_vq_kick(q);
            sim_take(&s);
            /* complete a pseudo-random pending chain */
            rng = rng * 1103515245 + 12345;
            sim_complete(&s, (int)((rng >> 16) % (unsigned)s.npending), 0);
            void *t = virtio_vq_get(q, NULL);
            CHECK(t != NULL);
            used_total++;
            round--; /* retry */
            continue;
        }
        CHECK_EQ(0, r);
        added++;
    }
    virtio_vq_kick(q);
    sim_take(&s);
    struct virtq_desc d[8];
    for (int k = 0; k < s.npending; k++) /* every chain still out has its own 1..5 buffers */
        CHECK(sim_chain(&s, s.pending[k], d, 8) >= 1);
    while (s.npending) {
        sim_complete(&s, s.npending - 1, 0);
        CHECK(virtio_vq_get(q, NULL) != NULL);
        used_total++;
    }
    CHECK_EQ(added, used_total);
    CHECK_EQ(16, q->num_free);
    CHECK(virtio_vq_get(q, NULL) == NULL);
}

/* 16-bit indices wrap: 70000 chains through an 8-entry ring, with event indices both ways. */
static void test_wraparound_event_idx(void)
{
    struct sim s;
    struct virtio_vq *q = new_queue(&s, 8, 2, 1, 1);
    struct virtio_buf b[2] = {buf(0, 1), buf(1, 1)};
    int ok = 1;
    for (int i = 0; i < 70000 && ok; i++) {
        ok &= virtio_vq_add(q, b, 1, 1, bufs[i % 8]) == 0;
        int before = s.notifications;
        virtio_vq_kick(q);
        /* The device asked for a kick at the next chain (sim_take): every kick reaches it. */
        ok &= s.notifications == before + 1;
        sim_take(&s);
        int irqs = s.interrupts;
        sim_complete(&s, 0, 7);
        ok &= s.interrupts == irqs + 1; /* armed: an interrupt */
        uint32_t len = 0;
        ok &= virtio_vq_get(q, &len) == bufs[i % 8] && len == 7;
        ok &= virtio_vq_enable_irq(q) == 0;
    }
    CHECK(ok);
    CHECK_EQ((uint16_t)70000, q->avail->idx);
    CHECK_EQ((uint16_t)70000, q->last_used);
}

/* Kick suppression by event index: a device that has not caught up gets no second kick, and
 * several adds make one kick. */
static void test_kick_suppression(void)
{
    struct sim s;
    struct virtio_vq *q = new_queue(&s, 8, 1, 0, 1);
    struct virtio_buf b = buf(0, 1);
    /* avail_event = 0: the first chain (index 0 -> 1) must be kicked. */
    CHECK_EQ(0, virtio_vq_add(q, &b, 1, 0, bufs[0]));
    CHECK_EQ(0, virtio_vq_add(q, &b, 1, 0, bufs[1]));
    CHECK_EQ(0, virtio_vq_add(q, &b, 1, 0, bufs[2]));
    virtio_vq_kick(q);
    CHECK_EQ(1, s.notifications); /* one kick for a burst of three */
    virtio_vq_kick(q);
    CHECK_EQ(1, s.notifications); /* nothing new: no kick */
    /* The device has not looked yet (avail_event still 0): new chains need no kick. */
    CHECK_EQ(0, virtio_vq_add(q, &b, 1, 0, bufs[3]));
    virtio_vq_kick(q);
    CHECK_EQ(1, s.notifications);
    /* It catches up (avail_event = 4): the next chain is kicked. */
    sim_take(&s);
    CHECK_EQ(0, virtio_vq_add(q, &b, 1, 0, bufs[4]));
    virtio_vq_kick(q);
    CHECK_EQ(2, s.notifications);
    /* Without event indices, the NO_NOTIFY flag decides. */
    q = new_queue(&s, 8, 1, 0, 0);
    q->used->flags = VIRTQ_USED_F_NO_NOTIFY;
    CHECK_EQ(0, virtio_vq_add(q, &b, 1, 0, bufs[0]));
    virtio_vq_kick(q);
    CHECK_EQ(0, s.notifications);
    q->used->flags = 0;
    CHECK_EQ(0, virtio_vq_add(q, &b, 1, 0, bufs[1]));
    virtio_vq_kick(q);
    CHECK_EQ(1, s.notifications);
}

/* Interrupt suppression and the re-check: disabled, completions raise nothing; enabling
 * reports chains finished meanwhile. The event-index edge: used_event equal to the old index
 * interrupts, one further does not until reached. */
static void test_irq_suppression(void)
{
    for (int event_idx = 0; event_idx < 2; event_idx++) {
        struct sim s;
        struct virtio_vq *q = new_queue(&s, 8, 1, 0, event_idx);
        struct virtio_buf b = buf(0, 1);
        for (int i = 0; i < 4; i++)
            CHECK_EQ(0, virtio_vq_add(q, &b, 1, 0, bufs[i]));
        virtio_vq_kick(q);
        sim_take(&s);
        virtio_vq_disable_irq(q);
        sim_complete(&s, 0, 0);
        CHECK_EQ(0, s.interrupts);
        CHECK_EQ(1, virtio_vq_enable_irq(q)); /* finished meanwhile: the caller must look */
        CHECK(virtio_vq_get(q, NULL) == bufs[0]);
        CHECK_EQ(0, virtio_vq_enable_irq(q));
        sim_complete(&s, 0, 0);
        CHECK_EQ(1, s.interrupts);
        /* Not yet taken: with event indices the device interrupts no more (used_event passed);
         * without them it interrupts each time. */
        sim_complete(&s, 0, 0);
        CHECK_EQ(event_idx ? 1 : 2, s.interrupts);
        CHECK(virtio_vq_get(q, NULL) == bufs[1]);
        CHECK(virtio_vq_get(q, NULL) == bufs[2]);
        CHECK_EQ(0, virtio_vq_enable_irq(q));
        sim_complete(&s, 0, 0);
        CHECK_EQ(event_idx ? 2 : 3, s.interrupts);
        CHECK(virtio_vq_get(q, NULL) == bufs[3]);
    }
    /* virtq_need_event at the 16-bit edge. */
    CHECK(virtq_need_event(0xffff, 0, 0xffff));
    CHECK(!virtq_need_event(0, 0, 0xffff));
    CHECK(virtq_need_event(0xfffe, 2, 0xfffd));
    CHECK(!virtq_need_event(2, 2, 0xfffd));
    CHECK(virtq_need_event(5, 6, 5));
    CHECK(!virtq_need_event(6, 6, 5));
    CHECK(!virtq_need_event(4, 6, 5));
}

/* A device returning a head it never had is refused, not followed. */
static void test_bad_used_id(void)
{
    struct sim s;
    struct virtio_vq *q = new_queue(&s, 4, 1, 0, 0);
    q->used->ring[0] = (struct virtq_used_elem){9, 0};
    q->used->idx = 1;
    CHECK(virtio_vq_get(q, NULL) == NULL);
    q->used->ring[0] = (struct virtq_used_elem){2, 0}; /* in range, but never added */
    CHECK(virtio_vq_get(q, NULL) == NULL);
    CHECK_EQ(4, q->num_free);
}

/* Bounce buffers: the device sees copies (the out buffer's bytes, in heap memory); what it
 * writes into the in buffer's copy reaches the driver's buffer when the chain comes back. */
static void test_bounce(void)
{
    for (int indirect = 0; indirect <= 1; indirect++) {
        struct sim s;
        struct virtio_vq *q = new_queue(&s, 8, 4, indirect, 0);
        memcpy(bufs[60], "request", 8);
        memset(bufs[61], 'x', 64);
        struct virtio_buf b[3] = {buf(60, 8), buf(0, 16), buf(61, 64)};
        CHECK_EQ(0, virtio_vq_add(q, b, 2, 1, "t"));
        sim_take(&s);
        struct virtq_desc d[8];
        CHECK_EQ(3, sim_chain(&s, s.pending[0], d, 8));
        CHECK(d[0].addr != (uintptr_t)bufs[60] && !memcmp((void *)(uintptr_t)d[0].addr, "request", 8));
        CHECK(d[1].addr == (uintptr_t)bufs[0]); /* reachable: given as it is */
        CHECK(d[2].addr != (uintptr_t)bufs[61] && d[2].len == 64);
        memcpy((void *)(uintptr_t)d[2].addr, "reply", 6); /* the device writes the in buffer */
        sim_complete(&s, 0, 6);
        CHECK_EQ('x', bufs[61][0]); /* not yet: the copy goes back when the chain is taken */
        CHECK_STR("t", (const char *)virtio_vq_get(q, NULL));
        CHECK(!memcmp(bufs[61], "reply", 6));
        CHECK_EQ('x', bufs[61][6]); /* the rest as it was: the copy started as the buffer */
        /* The head again: the old copies are freed, new ones made. */
        CHECK_EQ(0, virtio_vq_add(q, b, 2, 1, "u"));
        sim_take(&s);
        CHECK_EQ(3, sim_chain(&s, s.pending[0], d, 8));
        CHECK(!memcmp((void *)(uintptr_t)d[0].addr, "request", 8));
        sim_complete(&s, 0, 0);
        CHECK_STR("u", (const char *)virtio_vq_get(q, NULL));
    }
}

int main(void)
{
    test_bounce();
    test_plain_chain();
    test_indirect();
    test_full_ring_out_of_order();
    test_wraparound_event_idx();
    test_kick_suppression();
    test_irq_suppression();
    test_bad_used_id();
    return CHECK_DONE();
}

/*
 * The virtio-blk driver (virtio 1.1 section 5.2), for both transports: one request queue, each
 * request a chain of header (OUT), data (OUT for writes, IN for reads) and status byte (IN).
 *
 * Large transfers are split to honour the device: at most seg_max data buffers per request, each
 * at most size_max bytes (and our own caps, BLK_SEGS and BLK_SEG_BYTES). The requests of one call
 * (of every range in it, for libos_blk_writev) are queued together (up to BLK_BATCH) and kicked
 * once; the caller then sleeps on a wait queue of its own, which the interrupt handler wakes
 * when the last of them is done. A thread that
 * finds the ring full sleeps on the disk's space queue until a completion frees room. All wait
 * queues here are device queues: waiting on them is never a deadlock.
 *
 * Races: the handler runs only at scheduling points (libos/irq.h), so between a check and the
 * libos_wait that follows it nothing can complete: no wake-up is lost.
 */
#include "blk_impl.h"

#include <libos/boot.h>
#include <libos/sched.h>
#include <libos/virtio.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_S_OK 0

/* The configuration structure's fields we read, by offset. */
#define CFG_CAPACITY 0 /* le64, in 512-byte sectors */
#define CFG_SIZE_MAX 8
#define CFG_SEG_MAX 12
#define CFG_BLK_SIZE 20

#define BLK_QUEUE_SIZE 128         /* ring entries we ask for (fewer if the device has fewer) */
#define BLK_SEGS 16                /* data buffers per request, at most */
#define BLK_SEG_BYTES (1u << 20)   /* bytes per data buffer, at most (a device may say less) */
#define BLK_BATCH 16               /* requests one call keeps in flight */

struct vblk {
    struct virtio_dev *dev;
    struct virtio_vq *q;
    unsigned segs;      /* data buffers per request */
    uint32_t seg_bytes; /* bytes per data buffer, a multiple of the block size */
    struct libos_waitq space;
};

/* One call's requests: done is woken when pending reaches 0. */
struct call {
    struct libos_waitq done;
    unsigned pending;
    int error;
};

struct req {
    struct { /* OUT */
        uint32_t type;
        uint32_t reserved;
        uint64_t sector;
    } hdr;
    uint8_t status; /* IN */
    struct call *call;
};

/* Interrupt context: finish every returned request, re-arm, and let blocked submitters retry. */
static void completed(void *arg)
{
    struct vblk *v = arg;
    void *t;
    do {
        while ((t = virtio_vq_get(v->q, NULL))) {
            struct req *r = t;
            if (r->status != VIRTIO_BLK_S_OK)
                r->call->error = -EIO;
            if (--r->call->pending == 0)
                libos_wake_all(&r->call->done);
        }
    } while (virtio_vq_enable_irq(v->q));
    libos_wake_all(&v->space);
}

/* Queue one request (not kicked); waits for room in the ring. 0 or -EIO. */
static int submit(struct vblk *v, struct req *r, uint32_t type, uint64_t offset, char *buf,
                  size_t len)
{
    struct virtio_buf b[BLK_SEGS + 2];
    unsigned n = 0;
    r->hdr.type = type;
    r->hdr.reserved = 0;
    r->hdr.sector = offset / 512;
    r->status = 0xff; /* a device that never writes it has failed the request */
    b[n++] = (struct virtio_buf){&r->hdr, sizeof r->hdr};
    for (size_t done = 0; done < len;) {
        size_t seg = len - done < v->seg_bytes ? len - done : v->seg_bytes;
        b[n++] = (struct virtio_buf){buf + done, (uint32_t)seg};
        done += seg;
    }
    b[n++] = (struct virtio_buf){&r->status, 1};
    unsigned out = type == VIRTIO_BLK_T_IN ? 1 : n - 1;
    int e;
    while ((e = virtio_vq_add(v->q, b, out, n - out, r)) == -ENOSPC) {
        virtio_vq_kick(v->q); /* what this thread queued so far must go, or room never comes */
        libos_wait(&v->space, 0);
    }
    return e ? -EIO : 0;
}

/* Queue the requests for n ranges (a FLUSH: one request, no range) in batches of BLK_BATCH,
 * kicked once each, and wait for each batch. */
static int transfer(struct vblk *v, uint32_t type, const struct libos_blk_io *io, unsigned n)
{
    struct req reqs[BLK_BATCH];
    struct call c = {LIBOS_WAITQ_INIT("a virtio-blk request", 1), 0, 0};
    size_t per = (size_t)v->segs * v->seg_bytes;
    unsigned i = 0;
    uint64_t offset = n ? io[0].offset : 0;
    char *buf = n ? io[0].buf : NULL;
    size_t len = n ? io[0].len : 0;
    int flush = type == VIRTIO_BLK_T_FLUSH;
    do {
        for (unsigned k = 0; k < BLK_BATCH; k++) {
            while (!len && i + 1 < n) /* the next range */
                i++, offset = io[i].offset, buf = io[i].buf, len = io[i].len;
            if (!len && !flush)
                break;
            size_t part = len < per ? len : per;
            reqs[k].call = &c;
            c.pending++;
            if (submit(v, &reqs[k], type, offset, buf, part) != 0) {
                c.pending--;
                c.error = -EIO;
                break;
            }
            offset += part, buf += part, len -= part;
            if (flush)
                break;
        }
        virtio_vq_kick(v->q);
        while (c.pending)
            libos_wait(&c.done, 0);
    } while ((len || i + 1 < n) && !c.error && !flush);
    return c.error;
}

static int blk_rw(struct libos_blk *dev, int write, const struct libos_blk_io *io, unsigned n)
{
    return transfer(dev->priv, write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, io, n);
}

static int blk_flush(struct libos_blk *dev)
{
    return transfer(dev->priv, VIRTIO_BLK_T_FLUSH, NULL, 0);
}

static const struct libos_blk_ops ops = {blk_rw, blk_flush};
static const struct libos_blk_ops ops_no_flush = {blk_rw, NULL};

/* Bring one device up (virtio 1.1 section 3.1.1, then 5.2.5); it stays unused on failure. */
static void setup(struct virtio_dev *dev)
{
    uint64_t f = 0;
    uint64_t wanted = 1ull << VIRTIO_BLK_F_SIZE_MAX | 1ull << VIRTIO_BLK_F_SEG_MAX |
                      1ull << VIRTIO_BLK_F_RO | 1ull << VIRTIO_BLK_F_BLK_SIZE |
                      1ull << VIRTIO_BLK_F_FLUSH | 1ull << VIRTIO_F_INDIRECT_DESC |
                      1ull << VIRTIO_F_EVENT_IDX;
    if (virtio_start(dev, wanted, &f) != 0) {
        libos_printk("blk: %s: not a virtio 1.x block device; ignored\n", virtio_where(dev));
        return;
    }
    uint64_t sectors = 0;
    uint32_t size_max = 0, seg_max = 0, blk_size = 512;
    virtio_config(dev, CFG_CAPACITY, &sectors, sizeof sectors);
    if (f & 1ull << VIRTIO_BLK_F_SIZE_MAX)
        virtio_config(dev, CFG_SIZE_MAX, &size_max, sizeof size_max);
    if (f & 1ull << VIRTIO_BLK_F_SEG_MAX)
        virtio_config(dev, CFG_SEG_MAX, &seg_max, sizeof seg_max);
    if (f & 1ull << VIRTIO_BLK_F_BLK_SIZE)
        virtio_config(dev, CFG_BLK_SIZE, &blk_size, sizeof blk_size);
    if (blk_size < 512 || (blk_size & (blk_size - 1)))
        blk_size = 512; /* not a size we can align to: the protocol's sectors */

    struct vblk *v = calloc(1, sizeof *v);
    if (!v || virtio_irq(dev, completed, v) != 0 ||
        !(v->q = virtio_queue(dev, 0, BLK_QUEUE_SIZE, BLK_SEGS + 2)) ||
        virtio_vq_max_chain(v->q) < 3) {
        libos_printk("blk: %s: cannot set up its queue or interrupt; ignored\n", virtio_where(dev));
        virtio_fail(dev);
        free(v); /* XXX: a queue set up before the failure stays allocated */
        return;
    }
    v->dev = dev;
    v->space = (struct libos_waitq)LIBOS_WAITQ_INIT("room in a virtio-blk queue", 1);
    v->segs = virtio_vq_max_chain(v->q) - 2;
    if (seg_max && seg_max < v->segs)
        v->segs = seg_max;
    v->seg_bytes = BLK_SEG_BYTES;
    if (size_max && size_max < v->seg_bytes)
        v->seg_bytes = size_max;
    v->seg_bytes = v->seg_bytes / blk_size * blk_size;
    if (v->seg_bytes == 0)
        v->seg_bytes = blk_size; /* XXX: a size_max below the block size cannot be honoured */

    int can_flush = !!(f & 1ull << VIRTIO_BLK_F_FLUSH);
    struct libos_blk *b = libos_blk_add(can_flush ? &ops : &ops_no_flush, v);
    if (!b) {
        libos_printk("blk: %s: more than %d disks; ignored\n", virtio_where(dev), LIBOS_BLK_MAX);
        virtio_fail(dev);
        return;
    }
    b->size = sectors * 512;
    b->block_size = blk_size;
    b->read_only = !!(f & 1ull << VIRTIO_BLK_F_RO);
    virtio_ready(dev);
    if (!can_flush)
        libos_printk("blk: %s: the device cannot flush (no VIRTIO_BLK_F_FLUSH): writes to it are "
                     "not durable, whatever fsync says\n", b->name);
    const char *verbose = libos_boot_param("libos.verbose", 0);
    if (verbose && strcmp(verbose, "1") == 0)
        libos_printk("blk: %s: %s, %lu bytes, block %u, %s, %u segments of %u bytes a request%s%s\n",
                     b->name, virtio_where(dev), (unsigned long)b->size, (unsigned)blk_size,
                     b->read_only ? "read-only" : "read-write", v->segs, (unsigned)v->seg_bytes,
                     f & 1ull << VIRTIO_F_INDIRECT_DESC ? ", indirect" : "",
                     f & 1ull << VIRTIO_F_EVENT_IDX ? ", event index" : "");
}

void libos_blk_virtio_probe(void)
{
    struct virtio_dev *dev;
    for (unsigned i = 0; (dev = virtio_find(VIRTIO_ID_BLOCK, i)); i++)
        setup(dev);
}

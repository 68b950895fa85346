/*
 * virtq.h: the split virtqueue's memory layout (virtio 1.1 section 2.6), shared by virtqueue.c,
 * the transports (which hand the three areas' addresses to the device) and the host unit test
 * (tests/unit/test_virtqueue.c, which plays the device on the same memory).
 *
 * Fields the device reads are marked OUT (driver to device), those it writes IN.
 */
#ifndef LIBOS_VIRTIO_VIRTQ_H
#define LIBOS_VIRTIO_VIRTQ_H

#include <libos/virtio.h>

#include <stddef.h>
#include <stdint.h>

#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_DESC_F_INDIRECT 4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_USED_F_NO_NOTIFY 1

struct virtq_desc { /* OUT */
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct virtq_avail { /* OUT; ring[size] is followed by used_event */
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[];
};

struct virtq_used_elem {
    uint32_t id;
    uint32_t len;
};

struct virtq_used { /* IN; ring[size] is followed by avail_event */
    uint16_t flags;
    uint16_t idx;
    struct virtq_used_elem ring[];
};

struct virtio_vq {
    unsigned size; /* a power of 2 */
    unsigned max_chain;
    int event_idx;                /* VIRTIO_F_EVENT_IDX negotiated */
    struct virtq_desc *desc;      /* size entries, 16-aligned */
    struct virtq_avail *avail;    /* 2-aligned */
    struct virtq_used *used;      /* 4-aligned */
    struct virtq_desc *indirect;  /* max_chain entries per head, or NULL: plain chains */
    void **tokens;                /* by head descriptor; NULL when free */
    struct virtq_bounce **bounce; /* by head: copies of buffers the device cannot reach (lazy) */
    uint16_t free_head, num_free; /* free descriptors, linked through next */
    uint16_t avail_idx;           /* our copy of avail->idx (the device never writes it) */
    uint16_t kicked_idx;          /* avail_idx when the device was last considered for a kick */
    uint16_t last_used;           /* used->idx up to which tokens were returned */
    void (*notify)(void *arg, unsigned index);
    void *notify_arg;
    unsigned index;
};

/*
 * The address a device is given for a buffer: the buffer's own by default (identity-mapped
 * memory, host tests); the kernel's device.c translates buffers on stacks of the stack area,
 * and returns 0 for one that is not physically contiguous, which virtio_vq_add then copies to a
 * bounce buffer of its own (copied back, for the buffers the device writes, when the chain comes
 * back through virtio_vq_get).
 */
uint64_t virtio_dma_addr(const void *buf, uint32_t len);

/* Bytes of memory a queue of size entries needs (size a power of 2, at most 32768). */
size_t virtio_vq_mem_size(unsigned size, unsigned max_chain, int indirect);

/* Lay a queue out in mem (zeroed, 16-aligned, virtio_vq_mem_size bytes). */
void virtio_vq_init(struct virtio_vq *q, void *mem, unsigned size, unsigned max_chain,
                    int indirect, int event_idx);

/* A full fence between the driver's store to the ring and its load of the device's event field
 * (virtqueue.c's kicks and interrupt re-arming). virtqueue.c has a weak default, the CPU's fence;
 * device.c overrides it (see there why). */
void virtio_full_fence(void);

/* The event fields after each ring. */
static inline volatile uint16_t *virtq_used_event(struct virtio_vq *q)
{
    return (volatile uint16_t *)&q->avail->ring[q->size];
}
static inline volatile uint16_t *virtq_avail_event(struct virtio_vq *q)
{
    return (volatile uint16_t *)&q->used->ring[q->size];
}

/* Whether moving an index from old to new passes event (virtio 1.1 section 2.6.7.1/2.6.10.1:
 * notify when event lies in [old, new)), in 16-bit wrapping arithmetic. */
static inline int virtq_need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
    return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

#endif

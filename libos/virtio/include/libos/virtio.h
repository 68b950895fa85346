/*
 * libos/virtio.h: virtio 1.x devices (modern only) and their split virtqueues.
 *
 * Two parts that know nothing of device classes:
 *   - devices: found by pulling (virtio_find), over PCI (q35, pc: modern capabilities, MSI-X) or
 *     MMIO (microvm, Firecracker: version 2 registers, an IOAPIC line). A driver walks the
 *     start-up steps of the spec (virtio 1.1 section 3.1.1) through these calls, in this order:
 *     virtio_start, virtio_irq, virtio_queue for each queue, virtio_ready.
 *   - virtqueues: add a chain of buffers with a token, kick once per burst, take back the tokens
 *     of finished chains. The ring never knows what the buffers hold.
 *
 * Contract:
 *   - Errors are negative errno values (or NULL); nothing here panics on device behaviour.
 *   - No call blocks. All calls are for thread context, except that the interrupt handler given
 *     to virtio_irq runs in interrupt context (libos/irq.h) and may call virtio_vq_get,
 *     virtio_vq_enable_irq and virtio_vq_disable_irq. Interrupts only arrive at scheduling
 *     points, so a thread's add/kick and a handler's get never interleave: the queue has no lock.
 *   - Buffers are the caller's. RAM is identity-mapped, so a buffer's address is what the
 *     device is given; a buffer on a stack of the stack area (libos/mm.h) is given by its
 *     physical address, or, when its pages are not physically contiguous, copied to a bounce
 *     buffer (and copied back, if the device writes it, when its chain comes back). The caller
 *     keeps a buffer alive and untouched from virtio_vq_add until its token comes back from
 *     virtio_vq_get.
 *   - Discovery prints one line per device when the command line has libos.verbose=1.
 */
#ifndef LIBOS_VIRTIO_H
#define LIBOS_VIRTIO_H

#include <stddef.h>
#include <stdint.h>

/* Device types (virtio 1.1 section 5). */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG 4

/* Device-independent feature bits (virtio 1.1 section 6). */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32

struct virtio_dev;
struct virtio_vq;

/* The index-th device (0, 1, ...) of device_type, in discovery order (PCI slots, then the MMIO
 * transports in command-line order); NULL when there is none. The first call discovers them all. */
struct virtio_dev *virtio_find(uint32_t device_type, unsigned index);

/* Where the device is, for messages: "pci 00:03.0" or "mmio 0xfeb00e00". */
const char *virtio_where(const struct virtio_dev *dev);

/*
 * Reset the device, acknowledge it and negotiate features: accept those of wanted (bit numbers
 * as masks, 1ull << VIRTIO_F_...) that the device offers, plus VERSION_1, which is required.
 * *accepted gets the negotiated set. -ENODEV when the device is not modern or refuses the set
 * (it is then marked FAILED).
 */
int virtio_start(struct virtio_dev *dev, uint64_t wanted, uint64_t *accepted);

/* Read len bytes of the device-specific configuration at offset, consistently (the
 * configuration generation is re-read until it did not change during the read). */
void virtio_config(struct virtio_dev *dev, unsigned offset, void *buf, unsigned len);

/* Call fn(arg) in interrupt context when the device signals any of its queues. Before
 * virtio_queue. -EIO when no interrupt could be set up. */
int virtio_irq(struct virtio_dev *dev, void (*fn)(void *arg), void *arg);

/*
 * Set up queue index with at most max_size entries (fewer when the device offers fewer), for
 * chains of at most max_chain buffers. Indirect descriptors and event indices are used when they
 * were negotiated. NULL when the device has no such queue or memory is short.
 */
struct virtio_vq *virtio_queue(struct virtio_dev *dev, unsigned index, unsigned max_size,
                               unsigned max_chain);

/* DRIVER_OK: the device may use its queues now. */
void virtio_ready(struct virtio_dev *dev);

/* Give up on the device (status FAILED). */
void virtio_fail(struct virtio_dev *dev);

/* One buffer of a chain: addr/len as the device sees them. */
struct virtio_buf {
    const void *addr;
    uint32_t len;
};

/*
 * Add a chain: out buffers the device reads, then in buffers it writes. token (not NULL) comes
 * back from virtio_vq_get when the device is done with the chain. The chain is visible to the
 * device at once but it is not told: call virtio_vq_kick after a burst of adds.
 * 0, -ENOSPC when the ring has no room now (room comes back with virtio_vq_get), -EINVAL for an
 * empty chain or one longer than the queue's max_chain, -ENOMEM when a buffer needed a bounce
 * copy and the heap had no room for it. Thread context (a bounce copy is malloc'd).
 */
int virtio_vq_add(struct virtio_vq *q, const struct virtio_buf *bufs, unsigned out, unsigned in,
                  void *token);

/* The longest chain the queue takes (max_chain, or less without indirect descriptors when the
 * ring is smaller). */
unsigned virtio_vq_max_chain(const struct virtio_vq *q);

/* Tell the device about the chains added since the last kick, unless it said it needs no
 * notification (event index or NO_NOTIFY flag). 1 when it was notified (a VM exit), else 0. */
int virtio_vq_kick(struct virtio_vq *q);

/* The token of the next finished chain, and in *len the bytes the device wrote; NULL when none. */
void *virtio_vq_get(struct virtio_vq *q, uint32_t *len);

/*
 * Ask for an interrupt at the next finished chain. Returns 1 when chains finished meanwhile
 * (call virtio_vq_get again: their interrupt may never come), else 0. A handler drains with
 * virtio_vq_get, then re-arms: `do { while (get) ...; } while (virtio_vq_enable_irq(q));`.
 */
int virtio_vq_enable_irq(struct virtio_vq *q);

/* Ask for no interrupts (a hint the device may ignore). */
void virtio_vq_disable_irq(struct virtio_vq *q);

#endif

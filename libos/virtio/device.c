/*
 * virtio devices, whatever their transport: the device table filled by discovery on the first
 * virtio_find, and the start-up steps of virtio 1.1 section 3.1.1 that every driver walks
 * (reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK and its check, queues, DRIVER_OK).
 * Drivers pull devices from here (virtio_find); nothing registers itself.
 */
#include "virtio_impl.h"

#include <libos/boot.h>
#include <libos/mm.h>
#include <libos/x86.h>

#include <errno.h>
#include <stdarg.h>
#include <malloc.h>
#include <string.h>

/*
 * The fence virtqueue.c needs between publishing an index and reading the device's event field
 * (and the device, between its own store and load: the two pairs together never both miss).
 * Under KVM mfence is that fence. Under QEMU's TCG with one vCPU it is not: TCG emits guest
 * fences (mfence, lock-prefixed instructions) as host fences only for parallel vCPUs, but the
 * device runs on another host thread (QEMU's main loop, woken by the notify's ioeventfd, and the
 * completions). The host CPU may then hold the guest's store in its store buffer past the load:
 * the driver reads a stale avail_event and skips a kick the device waits for (seen: all threads
 * of a 32-deep random-read benchmark asleep, 32 requests in the ring, the device idle; 1 boot in
 * 3 on q35), or re-arms interrupts and misses a completion. A port write does hold: QEMU takes
 * its global lock around the access, and a lock is a full fence on the host. Port 0x80 is the
 * PC's POST port, written for I/O delays since the first PC; writes to it are ignored. It costs
 * an exit, so it is used only when the hypervisor is not KVM (CPUID leaf 0x40000000).
 */
static int fence_by_port = -1; /* unknown until the first fence */

void virtio_full_fence(void)
{
    if (fence_by_port < 0) {
        uint32_t r[4];
        x86_cpuid(1, 0, r);
        int hv = (r[2] >> 31) & 1;
        if (hv)
            x86_cpuid(0x40000000, 0, r);
        fence_by_port = !(hv && r[1] == 0x4b4d564b && r[2] == 0x564b4d56 && r[3] == 0x4d); /* "KVMKVMKVM" */
    }
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (fence_by_port)
        x86_outb(0x80, 0);
}

static struct virtio_dev devices[VIRTIO_DEVICES_MAX];
static unsigned ndevices;
static int discovered;

struct virtio_dev *virtio_dev_add(const struct virtio_transport *ops, uint32_t type)
{
    if (ndevices == VIRTIO_DEVICES_MAX) {
        libos_printk("virtio: more than %d devices; the rest are ignored\n", VIRTIO_DEVICES_MAX);
        return NULL;
    }
    struct virtio_dev *d = &devices[ndevices++];
    d->ops = ops;
    d->type = type;
    return d;
}

void virtio_dev_where(struct virtio_dev *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    libos_vsnprintk(d->where, sizeof d->where, fmt, ap);
    va_end(ap);
}

struct virtio_dev *virtio_find(uint32_t device_type, unsigned index)
{
    if (!discovered) {
        discovered = 1;
        virtio_pci_discover();
        virtio_mmio_discover();
        const char *v = libos_boot_param("libos.verbose", 0);
        if (v && strcmp(v, "1") == 0)
            for (unsigned i = 0; i < ndevices; i++)
                libos_printk("virtio: %s: device type %u\n", devices[i].where,
                             (unsigned)devices[i].type);
    }
    for (unsigned i = 0; i < ndevices; i++)
        if (devices[i].type == device_type && index-- == 0)
            return &devices[i];
    return NULL;
}

const char *virtio_where(const struct virtio_dev *dev) { return dev->where; }

int virtio_start(struct virtio_dev *d, uint64_t wanted, uint64_t *accepted)
{
    d->ops->set_status(d, 0); /* reset */
    d->ops->set_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
    d->ops->set_status(d, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    uint64_t offered = d->ops->get_features(d);
    if (!(offered & (1ull << VIRTIO_F_VERSION_1))) {
        virtio_fail(d);
        return -ENODEV;
    }
    d->features = offered & (wanted | 1ull << VIRTIO_F_VERSION_1);
    d->ops->set_features(d, d->features);
    uint8_t s = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK;
    d->ops->set_status(d, s);
    if (!(d->ops->get_status(d) & VIRTIO_STATUS_FEATURES_OK)) { /* the device refused the set */
        virtio_fail(d);
        return -ENODEV;
    }
    if (accepted)
        *accepted = d->features;
    return 0;
}

void virtio_config(struct virtio_dev *d, unsigned offset, void *buf, unsigned len)
{
    uint32_t before, after;
    do {
        before = d->ops->config_generation(d);
        d->ops->config_read(d, offset, buf, len);
        after = d->ops->config_generation(d);
    } while (before != after);
}

int virtio_irq(struct virtio_dev *d, void (*fn)(void *arg), void *arg)
{
    d->handler = fn;
    d->handler_arg = arg;
    return d->ops->irq_setup(d);
}

struct virtio_vq *virtio_queue(struct virtio_dev *d, unsigned index, unsigned max_size,
                               unsigned max_chain)
{
    if (index >= VIRTIO_QUEUES_MAX)
        return NULL;
    unsigned size = d->ops->queue_max(d, index);
    if (size == 0)
        return NULL;
    if (size > max_size)
        size = max_size;
    while (size & (size - 1)) /* split rings need not, but our index masks do */
        size &= size - 1;
    int indirect = !!(d->features & (1ull << VIRTIO_F_INDIRECT_DESC));
    int event_idx = !!(d->features & (1ull << VIRTIO_F_EVENT_IDX));
    if (!indirect && max_chain > size)
        max_chain = size; /* a plain chain takes a ring descriptor per buffer */
    size_t bytes = virtio_vq_mem_size(size, max_chain, indirect);
    struct virtio_vq *q = malloc(sizeof *q);
    void *mem = memalign(4096, bytes);
    if (!q || !mem) {
        free(q);
        free(mem);
        return NULL;
    }
    memset(mem, 0, bytes);
    virtio_vq_init(q, mem, size, max_chain, indirect, event_idx);
    q->notify = d->ops->notify;
    q->notify_arg = d;
    q->index = index;
    if (d->ops->queue_enable(d, index, q) != 0) {
        free(q);
        free(mem);
        return NULL;
    }
    return q;
}

void virtio_ready(struct virtio_dev *d)
{
    d->ops->set_status(d, d->ops->get_status(d) | VIRTIO_STATUS_DRIVER_OK);
}

void virtio_fail(struct virtio_dev *d)
{
    d->ops->set_status(d, d->ops->get_status(d) | VIRTIO_STATUS_FAILED);
}

/* Buffers on a stack of the stack area are not identity-mapped (virtqueue.c). */
uint64_t virtio_dma_addr(const void *buf, uint32_t len) { return libos_mm_dma_addr(buf, len); }

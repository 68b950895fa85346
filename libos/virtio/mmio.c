/*
 * The virtio MMIO transport, version 2 (virtio 1.1 section 4.2.2): microvm and Firecracker. The
 * devices are where the command line's virtio_mmio.device=<size>@<base>:<irq> words say (QEMU's
 * microvm appends them with acpi=off, Firecracker always); the interrupt is an IOAPIC line.
 *
 * The line is programmed edge-triggered (libos_irq_route_isa) while the device holds it high
 * until InterruptStatus is acknowledged: the handler therefore acknowledges until the status
 * reads 0, after which the line is low and the next completion makes a new edge.
 */
#include "virtio_impl.h"

#include <libos/boot.h>
#include <libos/irq.h>
#include <libos/mm.h>

#include <errno.h>
#include <stdlib.h>

#define MMIO_MAGIC_VALUE 0x74726976 /* "virt" */

/* Registers, by byte offset. */
#define R_MAGIC 0x000
#define R_VERSION 0x004
#define R_DEVICE_ID 0x008
#define R_DEVICE_FEATURES 0x010
#define R_DEVICE_FEATURES_SEL 0x014
#define R_DRIVER_FEATURES 0x020
#define R_DRIVER_FEATURES_SEL 0x024
#define R_QUEUE_SEL 0x030
#define R_QUEUE_NUM_MAX 0x034
#define R_QUEUE_NUM 0x038
#define R_QUEUE_READY 0x044
#define R_QUEUE_NOTIFY 0x050
#define R_INTERRUPT_STATUS 0x060
#define R_INTERRUPT_ACK 0x064
#define R_STATUS 0x070
#define R_QUEUE_DESC_LOW 0x080
#define R_QUEUE_DESC_HIGH 0x084
#define R_QUEUE_DRIVER_LOW 0x090
#define R_QUEUE_DRIVER_HIGH 0x094
#define R_QUEUE_DEVICE_LOW 0x0a0
#define R_QUEUE_DEVICE_HIGH 0x0a4
#define R_CONFIG_GENERATION 0x0fc
#define R_CONFIG 0x100

static uint32_t rd(struct virtio_dev *d, unsigned off) { return d->t.mmio.regs[off / 4]; }
static void wr(struct virtio_dev *d, unsigned off, uint32_t v) { d->t.mmio.regs[off / 4] = v; }

static uint8_t get_status(struct virtio_dev *d) { return (uint8_t)rd(d, R_STATUS); }

static void set_status(struct virtio_dev *d, uint8_t s)
{
    wr(d, R_STATUS, s);
    if (s == 0) /* a reset completes when status reads back 0 (virtio 1.1 section 4.2.3.1) */
        while (rd(d, R_STATUS) != 0)
            __asm__ volatile("pause");
}

static uint64_t get_features(struct virtio_dev *d)
{
    wr(d, R_DEVICE_FEATURES_SEL, 0);
    uint64_t lo = rd(d, R_DEVICE_FEATURES);
    wr(d, R_DEVICE_FEATURES_SEL, 1);
    return lo | (uint64_t)rd(d, R_DEVICE_FEATURES) << 32;
}

static void set_features(struct virtio_dev *d, uint64_t f)
{
    wr(d, R_DRIVER_FEATURES_SEL, 0);
    wr(d, R_DRIVER_FEATURES, (uint32_t)f);
    wr(d, R_DRIVER_FEATURES_SEL, 1);
    wr(d, R_DRIVER_FEATURES, (uint32_t)(f >> 32));
}

static uint32_t config_generation(struct virtio_dev *d) { return rd(d, R_CONFIG_GENERATION); }

static void config_read(struct virtio_dev *d, unsigned off, void *buf, unsigned len)
{
    volatile uint8_t *cfg = (volatile uint8_t *)d->t.mmio.regs + R_CONFIG;
    uint8_t *p = buf;
    for (unsigned i = 0; i < len; i++)
        p[i] = cfg[off + i];
}

static unsigned queue_max(struct virtio_dev *d, unsigned index)
{
    wr(d, R_QUEUE_SEL, index);
    if (rd(d, R_QUEUE_READY))
        return 0; /* in use already: not ours to set up */
    return rd(d, R_QUEUE_NUM_MAX);
}

static int queue_enable(struct virtio_dev *d, unsigned index, struct virtio_vq *q)
{
    wr(d, R_QUEUE_SEL, index);
    wr(d, R_QUEUE_NUM, q->size);
    uint64_t desc = (uintptr_t)q->desc, avail = (uintptr_t)q->avail, used = (uintptr_t)q->used;
    wr(d, R_QUEUE_DESC_LOW, (uint32_t)desc);
    wr(d, R_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
    wr(d, R_QUEUE_DRIVER_LOW, (uint32_t)avail);
    wr(d, R_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
    wr(d, R_QUEUE_DEVICE_LOW, (uint32_t)used);
    wr(d, R_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
    wr(d, R_QUEUE_READY, 1);
    return 0;
}

static void notify(void *dev, unsigned index) { wr(dev, R_QUEUE_NOTIFY, index); }

static void line_fired(void *arg)
{
    struct virtio_dev *d = arg;
    uint32_t s;
    int any = 0;
    while ((s = rd(d, R_INTERRUPT_STATUS)) != 0) {
        wr(d, R_INTERRUPT_ACK, s);
        any = 1;
    }
    if (any)
        d->handler(d->handler_arg);
}

static int irq_setup(struct virtio_dev *d)
{
    /* XXX: IOAPIC pin = the word's irq, as libos_irq_route_isa assumes; microvm's first IOAPIC
     * has 24 pins (with acpi=off it has no second one). */
    if (d->t.mmio.irq >= 24)
        return -EIO;
    int vector = libos_irq_alloc(line_fired, d);
    if (vector < 0)
        return -EIO;
    libos_irq_route_isa(d->t.mmio.irq, vector);
    return 0;
}

static const struct virtio_transport mmio_ops = {
    get_status, set_status, get_features, set_features, config_generation, config_read,
    queue_max, queue_enable, notify, irq_setup,
};

/* "<size>[K|M|G]@<base>:<irq>" (Linux's virtio_mmio.device syntax, without the optional id). */
static int parse(const char *w, uint64_t *size, uint64_t *base, unsigned *irq)
{
    char *e;
    *size = strtoull(w, &e, 0);
    switch (*e) {
    case 'K': case 'k': *size <<= 10; e++; break;
    case 'M': case 'm': *size <<= 20; e++; break;
    case 'G': case 'g': *size <<= 30; e++; break;
    }
    if (*e++ != '@')
        return -1;
    *base = strtoull(e, &e, 0);
    if (*e++ != ':')
        return -1;
    *irq = (unsigned)strtoul(e, &e, 0);
    return *e == 0 && *size >= 0x100 ? 0 : -1;
}

void virtio_mmio_discover(void)
{
    const char *w;
    for (unsigned i = 0; (w = libos_boot_param("virtio_mmio.device", i)); i++) {
        uint64_t size, base;
        unsigned irq;
        if (parse(w, &size, &base, &irq) != 0) {
            libos_printk("virtio: bad virtio_mmio.device=%s (size@base:irq); ignored\n", w);
            continue;
        }
        volatile uint32_t *regs = libos_mmio_map(base, size);
        if (!regs || regs[R_MAGIC / 4] != MMIO_MAGIC_VALUE) {
            libos_printk("virtio: mmio 0x%lx: no virtio device there; ignored\n", (unsigned long)base);
            continue;
        }
        uint32_t version = regs[R_VERSION / 4], type = regs[R_DEVICE_ID / 4];
        if (type == 0) /* a transport with nothing plugged in */
            continue;
        if (version != 2) {
            libos_printk("virtio: mmio 0x%lx: legacy virtio-mmio (version %u) is not supported; "
                         "pass -global virtio-mmio.force-legacy=false to QEMU\n",
                         (unsigned long)base, (unsigned)version);
            continue;
        }
        struct virtio_dev *d = virtio_dev_add(&mmio_ops, type);
        if (!d)
            return;
        d->t.mmio.regs = regs;
        d->t.mmio.irq = irq;
        virtio_dev_where(d, "mmio 0x%lx", (unsigned long)base);
    }
}

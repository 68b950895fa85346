/*
 * The virtio PCI transport, modern devices only (virtio 1.1 section 4.1): bus 0 enumerated with
 * configuration mechanism #1, vendor 0x1af4, the vendor capabilities locating the common,
 * notify, ISR and device-specific structures in memory BARs (mapped with libos_mmio_map), and
 * one MSI-X vector per device shared by its queues.
 *
 * XXX: only bus 0 is scanned (QEMU puts -device virtio-*-pci there unless told otherwise): a
 * device behind a bridge is not found. XXX: a device without MSI-X is skipped (no INTx
 * fallback); QEMU's virtio-pci devices always have it.
 */
#include "virtio_impl.h"

#include <libos/boot.h>
#include <libos/irq.h>
#include <libos/mm.h>
#include <libos/x86.h>

#include <errno.h>
#include <string.h>

#define PCI_VENDOR_VIRTIO 0x1af4
#define PCI_CAP_VENDOR 0x09
#define PCI_CAP_MSIX 0x11
#define VIRTIO_PCI_CAP_COMMON 1
#define VIRTIO_PCI_CAP_NOTIFY 2
#define VIRTIO_PCI_CAP_ISR 3
#define VIRTIO_PCI_CAP_DEVICE 4
#define VIRTIO_MSI_NO_VECTOR 0xffff

/* The common configuration structure (virtio 1.1 section 4.1.4.3), by offset. */
#define COMMON_DFSELECT 0x00
#define COMMON_DF 0x04
#define COMMON_GFSELECT 0x08
#define COMMON_GF 0x0c
#define COMMON_MSIX 0x10
#define COMMON_STATUS 0x14
#define COMMON_GENERATION 0x15
#define COMMON_Q_SELECT 0x16
#define COMMON_Q_SIZE 0x18
#define COMMON_Q_MSIX 0x1a
#define COMMON_Q_ENABLE 0x1c
#define COMMON_Q_NOFF 0x1e
#define COMMON_Q_DESC 0x20
#define COMMON_Q_AVAIL 0x28
#define COMMON_Q_USED 0x30

/* --- configuration space, mechanism #1 ------------------------------------------------------ */
static uint32_t x86_inl(uint16_t port) /* libos/x86.h has no 32-bit in yet */
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static uint32_t cfg_addr(unsigned bus, unsigned slot, unsigned fn, unsigned off)
{
    return 0x80000000u | bus << 16 | slot << 11 | fn << 8 | (off & 0xfc);
}
static uint32_t cfg_read32(unsigned b, unsigned s, unsigned f, unsigned off)
{
    x86_outl(0xcf8, cfg_addr(b, s, f, off));
    return x86_inl(0xcfc);
}
static void cfg_write32(unsigned b, unsigned s, unsigned f, unsigned off, uint32_t v)
{
    x86_outl(0xcf8, cfg_addr(b, s, f, off));
    x86_outl(0xcfc, v);
}
static uint8_t cfg_read8(unsigned b, unsigned s, unsigned f, unsigned off)
{
    return (uint8_t)(cfg_read32(b, s, f, off) >> (8 * (off & 3)));
}
static uint16_t cfg_read16(unsigned b, unsigned s, unsigned f, unsigned off)
{
    return (uint16_t)(cfg_read32(b, s, f, off) >> (8 * (off & 2)));
}
static void cfg_write16(unsigned b, unsigned s, unsigned f, unsigned off, uint16_t v)
{
    uint32_t w = cfg_read32(b, s, f, off), sh = 8 * (off & 2);
    cfg_write32(b, s, f, off, (w & ~(0xffffu << sh)) | (uint32_t)v << sh);
}

/* A memory BAR's address (64-bit BARs take two slots); 0 for an I/O or unassigned BAR. */
static uint64_t bar_address(unsigned b, unsigned s, unsigned f, unsigned bar)
{
    if (bar > 5)
        return 0;
    uint32_t lo = cfg_read32(b, s, f, 0x10 + 4 * bar);
    if (lo & 1)
        return 0;
    uint64_t a = lo & ~0xfu;
    if (((lo >> 1) & 3) == 2 && bar < 5)
        a |= (uint64_t)cfg_read32(b, s, f, 0x14 + 4 * bar) << 32;
    return a;
}

/* --- the common structure's registers ------------------------------------------------------- */
#define COMMON8(d, off) (*(volatile uint8_t *)((d)->t.pci.common + (off)))
#define COMMON16(d, off) (*(volatile uint16_t *)((d)->t.pci.common + (off)))
#define COMMON32(d, off) (*(volatile uint32_t *)((d)->t.pci.common + (off)))
#define COMMON64(d, off) (*(volatile uint64_t *)((d)->t.pci.common + (off)))

static uint8_t get_status(struct virtio_dev *d) { return COMMON8(d, COMMON_STATUS); }

static void set_status(struct virtio_dev *d, uint8_t s)
{
    COMMON8(d, COMMON_STATUS) = s;
    if (s == 0) /* a reset completes when status reads back 0 (virtio 1.1 section 4.1.4.3.2) */
        while (COMMON8(d, COMMON_STATUS) != 0)
            __asm__ volatile("pause");
}

static uint64_t get_features(struct virtio_dev *d)
{
    COMMON32(d, COMMON_DFSELECT) = 0;
    uint64_t lo = COMMON32(d, COMMON_DF);
    COMMON32(d, COMMON_DFSELECT) = 1;
    return lo | (uint64_t)COMMON32(d, COMMON_DF) << 32;
}

static void set_features(struct virtio_dev *d, uint64_t f)
{
    COMMON32(d, COMMON_GFSELECT) = 0;
    COMMON32(d, COMMON_GF) = (uint32_t)f;
    COMMON32(d, COMMON_GFSELECT) = 1;
    COMMON32(d, COMMON_GF) = (uint32_t)(f >> 32);
}

static uint32_t config_generation(struct virtio_dev *d) { return COMMON8(d, COMMON_GENERATION); }

static void config_read(struct virtio_dev *d, unsigned off, void *buf, unsigned len)
{
    uint8_t *p = buf; /* byte by byte: every field width is then read with its own size... */
    for (unsigned i = 0; i < len; i++)
        p[i] = d->t.pci.device[off + i]; /* ...which QEMU allows for the device structure */
}

static unsigned queue_max(struct virtio_dev *d, unsigned index)
{
    COMMON16(d, COMMON_Q_SELECT) = (uint16_t)index;
    return COMMON16(d, COMMON_Q_SIZE);
}

static int queue_enable(struct virtio_dev *d, unsigned index, struct virtio_vq *q)
{
    COMMON16(d, COMMON_Q_SELECT) = (uint16_t)index;
    COMMON16(d, COMMON_Q_SIZE) = (uint16_t)q->size;
    COMMON16(d, COMMON_Q_MSIX) = 0; /* MSI-X table entry 0, the device's one vector */
    if (COMMON16(d, COMMON_Q_MSIX) != 0)
        return -EIO; /* the device could not take the vector */
    COMMON64(d, COMMON_Q_DESC) = (uintptr_t)q->desc;
    COMMON64(d, COMMON_Q_AVAIL) = (uintptr_t)q->avail;
    COMMON64(d, COMMON_Q_USED) = (uintptr_t)q->used;
    d->t.pci.notify_off[index] = COMMON16(d, COMMON_Q_NOFF);
    COMMON16(d, COMMON_Q_ENABLE) = 1;
    return 0;
}

static void notify(void *dev, unsigned index)
{
    struct virtio_dev *d = dev;
    volatile uint16_t *n = (volatile uint16_t *)(d->t.pci.notify +
                                                 d->t.pci.notify_off[index] * d->t.pci.notify_mult);
    *n = (uint16_t)index;
}

static void msix_fired(void *arg)
{
    struct virtio_dev *d = arg; /* MSI-X: no ISR to read (virtio 1.1 section 4.1.5.4) */
    d->handler(d->handler_arg);
}

static int irq_setup(struct virtio_dev *d)
{
    unsigned b = d->t.pci.bus, s = d->t.pci.slot, f = d->t.pci.fn, cap = d->t.pci.msix_cap;
    if (!cap)
        return -EIO;
    uint32_t table = cfg_read32(b, s, f, cap + 4);
    uint64_t base = bar_address(b, s, f, table & 7);
    if (!base)
        return -EIO;
    volatile uint32_t *entry = libos_mmio_map(base + (table & ~7u), 16);
    int vector = libos_irq_alloc(msix_fired, d);
    if (!entry || vector < 0)
        return -EIO;
    uint64_t addr;
    uint32_t data;
    libos_irq_msi_message(vector, &addr, &data);
    entry[0] = (uint32_t)addr;
    entry[1] = (uint32_t)(addr >> 32);
    entry[2] = data;
    entry[3] = 0; /* unmasked */
    /* MSI-X on, function not masked; INTx off (command bit 10). */
    uint16_t ctl = cfg_read16(b, s, f, cap + 2);
    cfg_write16(b, s, f, cap + 2, (uint16_t)((ctl | 0x8000) & ~0x4000));
    cfg_write16(b, s, f, 0x04, cfg_read16(b, s, f, 0x04) | 0x400);
    COMMON16(d, COMMON_MSIX) = VIRTIO_MSI_NO_VECTOR; /* no configuration-change interrupts */
    d->t.pci.vector = vector;
    return 0;
}

static const struct virtio_transport pci_ops = {
    get_status, set_status, get_features, set_features, config_generation, config_read,
    queue_max, queue_enable, notify, irq_setup,
};

/* Map the structure a vendor capability at cap describes; NULL when it cannot. */
static volatile uint8_t *map_cap(unsigned b, unsigned s, unsigned f, unsigned cap)
{
    uint64_t base = bar_address(b, s, f, cfg_read8(b, s, f, cap + 4));
    uint32_t off = cfg_read32(b, s, f, cap + 8), len = cfg_read32(b, s, f, cap + 12);
    return base && len ? libos_mmio_map(base + off, len) : NULL;
}

static void probe(unsigned b, unsigned s, unsigned f, uint16_t id)
{
    /* Modern ids are 0x1040 + type; transitional ones (0x1000-0x103f) carry the type in the
     * subsystem id (virtio 1.1 section 4.1.2.1). */
    uint32_t type = id >= 0x1040 ? id - 0x1040u : cfg_read16(b, s, f, 0x2e);
    if (!(cfg_read16(b, s, f, 0x06) & 0x10)) /* no capability list: legacy only */
        return;
    volatile uint8_t *common = NULL, *isr = NULL, *device = NULL, *ntf = NULL;
    uint32_t mult = 0;
    unsigned msix = 0;
    for (unsigned cap = cfg_read8(b, s, f, 0x34) & 0xfc, n = 0; cap && n < 48;
         cap = cfg_read8(b, s, f, cap + 1) & 0xfc, n++) {
        uint8_t id8 = cfg_read8(b, s, f, cap);
        if (id8 == PCI_CAP_MSIX)
            msix = cap;
        if (id8 != PCI_CAP_VENDOR)
            continue;
        switch (cfg_read8(b, s, f, cap + 3)) { /* cfg_type; the first of each kind counts */
        case VIRTIO_PCI_CAP_COMMON: common = common ? common : map_cap(b, s, f, cap); break;
        case VIRTIO_PCI_CAP_ISR: isr = isr ? isr : map_cap(b, s, f, cap); break;
        case VIRTIO_PCI_CAP_DEVICE: device = device ? device : map_cap(b, s, f, cap); break;
        case VIRTIO_PCI_CAP_NOTIFY:
            if (!ntf) {
                ntf = map_cap(b, s, f, cap);
                mult = cfg_read32(b, s, f, cap + 16);
            }
            break;
        }
    }
    if (!common || !ntf || !isr) {
        libos_printk("virtio: pci %02x:%02x.%x: no modern capabilities (legacy device); ignored\n",
                     b, s, f);
        return;
    }
    struct virtio_dev *d = virtio_dev_add(&pci_ops, type);
    if (!d)
        return;
    d->t.pci.common = common;
    d->t.pci.isr = isr;
    d->t.pci.device = device;
    d->t.pci.notify = ntf;
    d->t.pci.notify_mult = mult;
    d->t.pci.bus = (uint8_t)b;
    d->t.pci.slot = (uint8_t)s;
    d->t.pci.fn = (uint8_t)f;
    d->t.pci.msix_cap = (uint8_t)msix;
    virtio_dev_where(d, "pci %02x:%02x.%x", b, s, f);
    /* Memory space and bus mastering on: the firmware may have left the device passive. */
    cfg_write16(b, s, f, 0x04, cfg_read16(b, s, f, 0x04) | 0x6);
}

void virtio_pci_discover(void)
{
    if (cfg_read32(0, 0, 0, 0) == 0xffffffffu) /* no host bridge answers: no PCI (microvm) */
        return;
    for (unsigned s = 0; s < 32; s++) {
        unsigned fns = cfg_read8(0, s, 0, 0x0e) & 0x80 ? 8 : 1; /* multi-function device */
        for (unsigned f = 0; f < fns; f++) {
            uint32_t id = cfg_read32(0, s, f, 0);
            if ((id & 0xffff) == PCI_VENDOR_VIRTIO && (id >> 16) >= 0x1000 && (id >> 16) <= 0x107f)
                probe(0, s, f, (uint16_t)(id >> 16));
        }
    }
}

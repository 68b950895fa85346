/*
 * virtio_impl.h: what the files of libos::virtio share. device.c owns the device table and the
 * transport-independent start-up steps; pci.c and mmio.c each fill in a transport ops table and
 * add the devices they discover.
 */
#ifndef LIBOS_VIRTIO_IMPL_H
#define LIBOS_VIRTIO_IMPL_H

#include "virtq.h"

#include <libos/virtio.h>

#include <stdint.h>

#define VIRTIO_DEVICES_MAX 16
#define VIRTIO_QUEUES_MAX 4

/* Device status bits (virtio 1.1 section 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_FAILED 128

struct virtio_transport {
    uint8_t (*get_status)(struct virtio_dev *d);
    void (*set_status)(struct virtio_dev *d, uint8_t status); /* 0 resets, and waits for it */
    uint64_t (*get_features)(struct virtio_dev *d);
    void (*set_features)(struct virtio_dev *d, uint64_t features);
    uint32_t (*config_generation)(struct virtio_dev *d);
    void (*config_read)(struct virtio_dev *d, unsigned offset, void *buf, unsigned len);
    /* The queue's largest size, 0 when there is no such queue. */
    unsigned (*queue_max)(struct virtio_dev *d, unsigned index);
    /* Give the device the queue's areas and enable it; 0 or a negative errno. */
    int (*queue_enable)(struct virtio_dev *d, unsigned index, struct virtio_vq *q);
    void (*notify)(void *dev, unsigned index);
    /* Set up the interrupt that calls d->handler; 0 or a negative errno. */
    int (*irq_setup)(struct virtio_dev *d);
};

struct virtio_dev {
    const struct virtio_transport *ops;
    uint32_t type;
    uint64_t features; /* negotiated */
    char where[24];
    void (*handler)(void *arg);
    void *handler_arg;
    union {
        struct {
            volatile uint8_t *common, *isr, *device, *notify;
            uint32_t notify_mult;
            uint16_t notify_off[VIRTIO_QUEUES_MAX];
            uint8_t bus, slot, fn, msix_cap;
            int vector;
        } pci;
        struct {
            volatile uint32_t *regs;
            unsigned irq;
        } mmio;
    } t;
};

/* A new device in the table (NULL when it is full); the transport fills in the rest. */
struct virtio_dev *virtio_dev_add(const struct virtio_transport *ops, uint32_t type);

/* Format the device's place for messages (d->where). */
void virtio_dev_where(struct virtio_dev *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Discovery, called once by device.c. */
void virtio_pci_discover(void);
void virtio_mmio_discover(void);

#endif

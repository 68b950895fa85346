/*
 * blk_impl.h: what the block layer's files share: a disk as drivers make it (an ops table and
 * its facts), and how a driver adds one. blk.c checks every argument before an op is called, so
 * ops see only aligned, in-range calls with something to transfer, on writable disks.
 */
#ifndef LIBOS_BLK_IMPL_H
#define LIBOS_BLK_IMPL_H

#include <libos/blk.h>

#include <stddef.h>
#include <stdint.h>

#define LIBOS_BLK_MAX 16

struct libos_blk_ops {
    /* Transfer the n (> 0) ranges of io (each aligned, in range; empty ones transfer nothing) as
     * one batch; 0 or -EIO. */
    int (*rw)(struct libos_blk *dev, int write, const struct libos_blk_io *io, unsigned n);
    int (*flush)(struct libos_blk *dev); /* NULL: the disk cannot flush */
};

struct libos_blk {
    const struct libos_blk_ops *ops;
    void *priv;
    char name[8];
    uint64_t size;
    uint32_t block_size;
    int read_only;
};

/* Add a disk (named by the layer: vda, vdb, ...); NULL when the table is full. */
struct libos_blk *libos_blk_add(const struct libos_blk_ops *ops, void *priv);

/* The virtio-blk driver: adds every virtio block device there is. */
void libos_blk_virtio_probe(void);

/* Put every disk into /dev as a file (devfile.c). */
void libos_blk_add_files(void);

#endif

/*
 * libos/blk.h: block devices. What a file system is written against, and all it needs.
 *
 * Disks are found at boot (libos_blk_init, called by the start-up sequence when an image links
 * this layer: by calling any function here, or with `DEVICES blk` in libos_add_executable) and
 * named vda, vdb, ... in the order the machine presents them (the runner's --disk order).
 *
 * Contract:
 *   - Errors are negative errno values, never panics: -EINVAL for a range past the end or an
 *     offset or length that is not a multiple of the block size, -EROFS for a write to a
 *     read-only disk, -EIO when the device reports an error (or cannot be trusted any more).
 *     After a failed write the range's contents are unknown.
 *   - Read, write, writev and flush block the calling thread until the device is done (they
 *     need the scheduler, which this layer links). Any number of threads may call them at once,
 *     on one disk or several: requests are queued to the device together. Thread context only.
 *   - Buffers stay the caller's; the device transfers to and from them directly (no copy), so
 *     they must be ordinary memory (heap, stacks, the image's data) and stay untouched until the
 *     call returns.
 *   - A write is durable once libos_blk_flush on that disk has returned 0 after it. A disk that
 *     cannot flush (libos_blk_can_flush 0) was named at boot in a warning line: data written to
 *     it may be lost with the host's cache.
 */
#ifndef LIBOS_BLK_H
#define LIBOS_BLK_H

#include <stddef.h>
#include <stdint.h>

struct libos_blk;

/* Find the disks. Called once by the start-up sequence, after the scheduler. */
void libos_blk_init(void);

/* How many disks there are, and the index-th (NULL past the last). */
unsigned libos_blk_count(void);
struct libos_blk *libos_blk_get(unsigned index);

/* The disk called name ("vda"), or NULL. */
struct libos_blk *libos_blk_find(const char *name);

const char *libos_blk_name(const struct libos_blk *dev);
uint64_t libos_blk_size(const struct libos_blk *dev);       /* in bytes */
uint32_t libos_blk_block_size(const struct libos_blk *dev); /* offsets and lengths align to it */
int libos_blk_read_only(const struct libos_blk *dev);
int libos_blk_can_flush(const struct libos_blk *dev);

/* Transfer len bytes between buf and the disk at offset. 0 or a negative errno (see above);
 * len 0 succeeds at once. */
int libos_blk_read(struct libos_blk *dev, uint64_t offset, void *buf, size_t len);
int libos_blk_write(struct libos_blk *dev, uint64_t offset, const void *buf, size_t len);

/* One range of a batch: len bytes between buf and the disk at offset. */
struct libos_blk_io {
    uint64_t offset;
    void *buf;
    size_t len;
};

/* Write n ranges as one batch: the device has them in flight together, in no particular order
 * (so ranges must not overlap), and the call returns when all are done. 0 or the first error
 * (every range checked before any is written); after -EIO what each range holds is unknown. */
int libos_blk_writev(struct libos_blk *dev, const struct libos_blk_io *io, unsigned n);

/* Make every write that returned before this call durable. 0 or -EIO (0 at once, and nothing
 * durable, on a disk that cannot flush). */
int libos_blk_flush(struct libos_blk *dev);

#endif

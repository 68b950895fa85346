/*
 * Disks as files: /dev/vda, /dev/vdb, ... (libos_devfs_add), read and written with pread/pwrite
 * (or read/write at the position), fsync as a FLUSH, fstat and ioctl(BLKGETSIZE64) for the size.
 * Offsets and lengths need not be whole blocks: the partial blocks at either end go through a
 * block-sized buffer (a write reads the block first). Reads stop at the end of the disk (0 there);
 * writes past it fail -ENOSPC.
 */
#include "blk_impl.h"

#include <libos/vfs.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

/* [off, off + n) of the disk through whole-block transfers: at most one partial block at each end
 * goes through a buffer; the aligned middle moves directly. */
static ssize_t transfer(struct libos_blk *d, int write, void *buf, size_t n, uint64_t off)
{
    uint32_t bs = libos_blk_block_size(d);
    char *p = buf, *tmp = NULL;
    size_t done = 0;
    while (done < n) {
        uint64_t at = off + done, head = at % bs;
        size_t left = n - done;
        int r;
        if (head == 0 && left >= bs) { /* whole blocks, directly */
            size_t len = left - left % bs;
            r = write ? libos_blk_write(d, at, p + done, len) : libos_blk_read(d, at, p + done, len);
            if (r < 0)
                break;
            done += len;
            continue;
        }
        if (!tmp && !(tmp = malloc(bs)))
            return done ? (ssize_t)done : -ENOMEM;
        size_t len = bs - head < left ? bs - head : left;
        r = libos_blk_read(d, at - head, tmp, bs);
        if (r == 0 && write) {
            memcpy(tmp + head, p + done, len);
            r = libos_blk_write(d, at - head, tmp, bs);
        } else if (r == 0) {
            memcpy(p + done, tmp + head, len);
        }
        if (r < 0) {
            free(tmp);
            return done ? (ssize_t)done : r;
        }
        done += len;
    }
    free(tmp);
    return (ssize_t)done;
}

static ssize_t dev_pread(struct libos_file *f, void *buf, size_t n, off_t off)
{
    struct libos_blk *d = f->priv;
    uint64_t size = libos_blk_size(d);
    if ((uint64_t)off >= size)
        return 0;
    if (n > size - (uint64_t)off)
        n = (size_t)(size - (uint64_t)off);
    return transfer(d, 0, buf, n, (uint64_t)off);
}

static ssize_t dev_pwrite(struct libos_file *f, const void *buf, size_t n, off_t off)
{
    struct libos_blk *d = f->priv;
    uint64_t size = libos_blk_size(d);
    if (libos_blk_read_only(d))
        return -EROFS;
    if ((uint64_t)off >= size)
        return n ? -ENOSPC : 0;
    if (n > size - (uint64_t)off)
        n = (size_t)(size - (uint64_t)off);
    return transfer(d, 1, (void *)buf, n, (uint64_t)off);
}

static int dev_fstat(struct libos_file *f, struct stat *st)
{
    struct libos_blk *d = f->priv;
    st->st_mode = S_IFBLK | (libos_blk_read_only(d) ? 0440 : 0660);
    st->st_size = (off_t)libos_blk_size(d);
    st->st_blksize = (blksize_t)libos_blk_block_size(d);
    st->st_blocks = (blkcnt_t)(libos_blk_size(d) / 512);
    st->st_rdev = (dev_t)(253 << 8 | (libos_blk_name(d)[2] - 'a')); /* Linux's virtio-blk major */
    return 0;
}

static int dev_fsync(struct libos_file *f) { return libos_blk_flush(f->priv); }

static int dev_ioctl(struct libos_file *f, unsigned long request, void *arg)
{
    if (request != BLKGETSIZE64)
        return -ENOTTY;
    *(uint64_t *)arg = libos_blk_size(f->priv);
    return 0;
}

static const struct libos_file_ops dev_ops = {
    .read = libos_file_read_pos,
    .write = libos_file_write_pos,
    .lseek = libos_file_seek_pos,
    .pread = dev_pread,
    .pwrite = dev_pwrite,
    .fstat = dev_fstat,
    .fsync = dev_fsync,
    .ioctl = dev_ioctl,
};

void libos_blk_add_files(void)
{
    for (unsigned i = 0; i < libos_blk_count(); i++) {
        struct libos_blk *d = libos_blk_get(i);
        libos_devfs_add(libos_blk_name(d), S_IFBLK | (libos_blk_read_only(d) ? 0440 : 0660), &dev_ops, d);
    }
}

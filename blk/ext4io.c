/*
 * libos_ext4_io_manager: libext2fs's I/O over a libos disk (libos/blk.h), through the block cache
 * (bcache.h). Everything libext2fs writes is metadata (journaled at commit, blk/journal.c); file
 * contents come through libos_ext4io_write_data. The channel's name is the disk's ("vda").
 */
#include "ext4io.h"

#include <libos/blk.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct ext4io {
    struct libos_blk *dev;
    struct bcache bc;
    void *journal;
    int rw;
};

static size_t next_cache_bytes;

void libos_ext4io_set_opts(const struct libos_ext4io_opts *o)
{
    next_cache_bytes = o ? o->cache_bytes : 0;
}

static struct ext4io *priv(io_channel ch)
{
    return ch && ch->manager == libos_ext4_io_manager ? ch->private_data : NULL;
}

struct bcache *libos_ext4io_cache(io_channel ch)
{
    struct ext4io *io = priv(ch);
    return io ? &io->bc : NULL;
}

void libos_ext4io_set_journal(io_channel ch, void *journal)
{
    struct ext4io *io = priv(ch);
    if (io)
        io->journal = journal;
}

void *libos_ext4io_journal(io_channel ch)
{
    struct ext4io *io = priv(ch);
    return io ? io->journal : NULL;
}

static errcode_t err(int rc)
{
    return rc < 0 ? (errcode_t)-rc : 0;
}

static int dev_read(void *ctx, uint64_t blk, uint32_t count, uint32_t bsize, void *buf)
{
    return libos_blk_read(ctx, blk * bsize, buf, (size_t)count * bsize);
}

static int dev_write(void *ctx, const struct bcache_io *io, unsigned n, uint32_t bsize)
{
    struct libos_blk_io v[BC_BATCH];
    for (unsigned i = 0; i < n; i++)
        v[i] = (struct libos_blk_io){io[i].blk * bsize, (void *)io[i].buf, (size_t)io[i].count * bsize};
    return libos_blk_writev(ctx, v, n);
}

static int dev_flush(void *ctx)
{
    return libos_blk_flush(ctx);
}

static errcode_t io_open(const char *name, int flags, io_channel *out)
{
    struct libos_blk *dev = name ? libos_blk_find(name) : NULL;
    if (!dev)
        return ENOENT;
    if ((flags & IO_FLAG_RW) && libos_blk_read_only(dev))
        return EROFS;
    io_channel ch = calloc(1, sizeof *ch);
    struct ext4io *io = calloc(1, sizeof *io);
    char *nm = malloc(strlen(name) + 1);
    struct bcache_dev bd = {dev, dev_read, dev_write, dev_flush, libos_blk_size(dev)};
    if (!ch || !io || !nm || libos_bcache_init(&io->bc, &bd, 1024,
                                         next_cache_bytes ? next_cache_bytes
                                                          : LIBOS_EXT4IO_CACHE_DEFAULT)) {
        free(ch);
        free(io);
        free(nm);
        return ENOMEM;
    }
    strcpy(nm, name);
    io->dev = dev;
    io->rw = !!(flags & IO_FLAG_RW);
    ch->magic = EXT2_ET_MAGIC_IO_CHANNEL;
    ch->manager = libos_ext4_io_manager;
    ch->name = nm;
    ch->block_size = 1024;
    ch->refcount = 1;
    ch->private_data = io;
    *out = ch;
    return 0;
}

static errcode_t io_close(io_channel ch)
{
    struct ext4io *io = priv(ch);
    if (!io)
        return EXT2_ET_MAGIC_IO_CHANNEL;
    if (--ch->refcount > 0)
        return 0;
    /* With a journal attached, metadata that was never committed is dropped (journal_stop
     * commits first); without, everything goes home. */
    int rc = 0;
    if (io->rw) {
        rc = libos_bcache_writeback(&io->bc, io->journal ? BC_DATA : BC_ALL);
        if (!rc)
            rc = libos_bcache_dev_flush(&io->bc);
    }
    libos_bcache_destroy(&io->bc);
    free(ch->name);
    free(io);
    free(ch);
    return err(rc);
}

static errcode_t io_set_blksize(io_channel ch, int blksize)
{
    struct ext4io *io = priv(ch);
    uint32_t dbs = libos_blk_block_size(io->dev);
    if (blksize <= 0 || (uint32_t)blksize % dbs)
        return EXT2_ET_INVALID_ARGUMENT;
    int rc = libos_bcache_set_bsize(&io->bc, (uint32_t)blksize);
    if (!rc)
        ch->block_size = blksize;
    return err(rc);
}

/* A byte count (count < 0) that is not whole blocks: through a bounce of whole blocks. */
static errcode_t partial(io_channel ch, unsigned long long blk, size_t bytes, void *rbuf,
                         const void *wbuf)
{
    struct ext4io *io = priv(ch);
    uint32_t bs = io->bc.bsize, n = (uint32_t)((bytes + bs - 1) / bs);
    uint8_t *tmp = malloc((size_t)n * bs);
    if (!tmp)
        return ENOMEM;
    int rc = libos_bcache_read(&io->bc, blk, n, tmp);
    if (!rc && rbuf)
        memcpy(rbuf, tmp, bytes);
    if (!rc && wbuf) {
        memcpy(tmp, wbuf, bytes);
        rc = libos_bcache_write(&io->bc, blk, n, tmp, BC_DIRTY_META);
    }
    free(tmp);
    return err(rc);
}

static errcode_t io_read64(io_channel ch, unsigned long long blk, int count, void *buf)
{
    struct ext4io *io = priv(ch);
    if (!io)
        return EXT2_ET_MAGIC_IO_CHANNEL;
    if (count < 0) {
        if ((size_t)-count % io->bc.bsize)
            return partial(ch, blk, (size_t)-count, buf, NULL);
        count = (int)((size_t)-count / io->bc.bsize);
    }
    return err(libos_bcache_read(&io->bc, blk, (uint32_t)count, buf));
}

static errcode_t io_write64(io_channel ch, unsigned long long blk, int count, const void *buf)
{
    struct ext4io *io = priv(ch);
    if (!io)
        return EXT2_ET_MAGIC_IO_CHANNEL;
    if (!io->rw)
        return EROFS;
    if (count < 0) {
        if ((size_t)-count % io->bc.bsize)
            return partial(ch, blk, (size_t)-count, NULL, buf);
        count = (int)((size_t)-count / io->bc.bsize);
    }
    return err(libos_bcache_write(&io->bc, blk, (uint32_t)count, buf, BC_DIRTY_META));
}

static errcode_t io_read(io_channel ch, unsigned long blk, int count, void *buf)
{
    return io_read64(ch, blk, count, buf);
}

static errcode_t io_write(io_channel ch, unsigned long blk, int count, const void *buf)
{
    return io_write64(ch, blk, count, buf);
}

static errcode_t io_write_byte(io_channel ch, unsigned long offset, int count, const void *data)
{
    struct ext4io *io = priv(ch);
    if (!io)
        return EXT2_ET_MAGIC_IO_CHANNEL;
    if (!io->rw)
        return EROFS;
    if (count <= 0)
        return count ? EXT2_ET_INVALID_ARGUMENT : 0;
    uint32_t bs = io->bc.bsize;
    uint64_t first = offset / bs, last = (offset + (unsigned)count - 1) / bs;
    uint32_t n = (uint32_t)(last - first + 1);
    uint8_t *tmp = malloc((size_t)n * bs);
    if (!tmp)
        return ENOMEM;
    int rc = libos_bcache_read(&io->bc, first, n, tmp);
    if (!rc) {
        memcpy(tmp + offset % bs, data, (size_t)count);
        rc = libos_bcache_write(&io->bc, first, n, tmp, BC_DIRTY_META);
    }
    free(tmp);
    return err(rc);
}

/* io_channel_flush: data home and the disk flushed; metadata home too only without a journal
 * (with one it waits for libos_ext4_commit, so a flush never breaks a transaction's atomicity). */
static errcode_t io_flush(io_channel ch)
{
    struct ext4io *io = priv(ch);
    if (!io)
        return EXT2_ET_MAGIC_IO_CHANNEL;
    if (!io->rw)
        return 0;
    int rc = libos_bcache_writeback(&io->bc, io->journal ? BC_DATA : BC_ALL);
    if (!rc)
        rc = libos_bcache_dev_flush(&io->bc);
    return err(rc);
}

static errcode_t io_set_option(io_channel ch, const char *opt, const char *arg)
{
    (void)ch;
    (void)opt;
    (void)arg;
    return EXT2_ET_INVALID_ARGUMENT;
}

static errcode_t io_get_stats(io_channel ch, io_stats *out)
{
    (void)ch;
    *out = NULL;
    return 0;
}

static errcode_t io_discard(io_channel ch, unsigned long long blk, unsigned long long count)
{
    (void)ch;
    (void)blk;
    (void)count;
    return EXT2_ET_UNIMPLEMENTED;
}

static errcode_t io_readahead(io_channel ch, unsigned long long blk, unsigned long long count)
{
    struct ext4io *io = priv(ch);
    if (!io)
        return EXT2_ET_MAGIC_IO_CHANNEL;
    return err(libos_bcache_prefetch(&io->bc, blk, count > BC_RA_MAX ? BC_RA_MAX : (uint32_t)count));
}

/* Zeroing newly allocated blocks is a data write (never journaled). */
static errcode_t io_zeroout(io_channel ch, unsigned long long blk, unsigned long long count)
{
    struct ext4io *io = priv(ch);
    if (!io)
        return EXT2_ET_MAGIC_IO_CHANNEL;
    if (!io->rw)
        return EROFS;
    uint32_t chunk = BC_RUN_MAX;
    void *zero = calloc(chunk, io->bc.bsize);
    if (!zero)
        return ENOMEM;
    int rc = 0;
    while (count && !rc) {
        uint32_t n = count < chunk ? (uint32_t)count : chunk;
        rc = libos_bcache_write(&io->bc, blk, n, zero, BC_DIRTY_DATA);
        blk += n;
        count -= n;
    }
    free(zero);
    return err(rc);
}

errcode_t libos_ext4io_write_data(io_channel ch, blk64_t blk, int count, const void *buf)
{
    struct ext4io *io = priv(ch);
    if (!io)
        return EXT2_ET_MAGIC_IO_CHANNEL;
    if (!io->rw)
        return EROFS;
    if (count <= 0)
        return count ? EXT2_ET_INVALID_ARGUMENT : 0;
    return err(libos_bcache_write(&io->bc, blk, (uint32_t)count, buf, BC_DIRTY_DATA));
}

errcode_t libos_ext4io_read_data(io_channel ch, blk64_t blk, int count, void *buf)
{
    struct ext4io *io = priv(ch);
    if (!io)
        return EXT2_ET_MAGIC_IO_CHANNEL;
    if (count <= 0)
        return count ? EXT2_ET_INVALID_ARGUMENT : 0;
    return err(libos_bcache_read(&io->bc, blk, (uint32_t)count, buf));
}

static struct struct_io_manager manager = {
    .magic = EXT2_ET_MAGIC_IO_MANAGER,
    .name = "libos block device",
    .open = io_open,
    .close = io_close,
    .set_blksize = io_set_blksize,
    .read_blk = io_read,
    .write_blk = io_write,
    .flush = io_flush,
    .write_byte = io_write_byte,
    .set_option = io_set_option,
    .get_stats = io_get_stats,
    .read_blk64 = io_read64,
    .write_blk64 = io_write64,
    .discard = io_discard,
    .cache_readahead = io_readahead,
    .zeroout = io_zeroout,
};

io_manager libos_ext4_io_manager = &manager;

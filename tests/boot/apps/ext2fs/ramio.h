/*
 * ramio.h: an io_manager over a disk image in memory, for tests of libos_ext2fs (the boot test
 * app here and the host fuzzer, tests/fuzz/fuzz_ext2fs.c). Not libos's disk path: that is
 * blk/ext4io.c over libos/blk.h. Header only, one image at a time: ramio_image/ramio_size name
 * it before ext2fs_open2(any name, ..., &ramio_manager, ...). Reads and writes outside the image
 * fail with EXT2_ET_SHORT_READ / EXT2_ET_SHORT_WRITE, as a short device would.
 */
#ifndef LIBOS_TEST_RAMIO_H
#define LIBOS_TEST_RAMIO_H

#include <ext2fs/ext2fs.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *ramio_image;
static size_t ramio_size;
static int ramio_readonly;        /* writes fail with EXT2_ET_RO_FILSYS */
static unsigned long ramio_writes; /* write calls made (a read-only open must make none) */
static struct struct_io_manager ramio_manager;

static errcode_t ramio_open(const char *name, int flags, io_channel *out)
{
    io_channel ch = calloc(1, sizeof *ch);
    if (!ch)
        return EXT2_ET_NO_MEMORY;
    (void)flags;
    ch->magic = EXT2_ET_MAGIC_IO_CHANNEL;
    ch->manager = &ramio_manager;
    ch->name = strdup(name);
    ch->block_size = 1024;
    ch->refcount = 1;
    *out = ch;
    return 0;
}

static errcode_t ramio_close(io_channel ch)
{
    if (--ch->refcount > 0)
        return 0;
    free(ch->name);
    free(ch);
    return 0;
}

static errcode_t ramio_set_blksize(io_channel ch, int blksize)
{
    ch->block_size = blksize;
    return 0;
}

/* The byte range of count blocks at block (a negative count is a byte count), or an error. */
static errcode_t ramio_range(io_channel ch, unsigned long long block, int count, size_t *off,
                             size_t *len)
{
    unsigned long long o = block * (unsigned long long)ch->block_size;
    unsigned long long l = count < 0 ? (unsigned long long)-(long long)count
                                     : (unsigned long long)count * ch->block_size;
    if (block > ramio_size || o > ramio_size || l > ramio_size - o)
        return EXT2_ET_SHORT_READ;
    *off = o;
    *len = l;
    return 0;
}

static errcode_t ramio_read64(io_channel ch, unsigned long long block, int count, void *buf)
{
    size_t off, len;
    errcode_t e = ramio_range(ch, block, count, &off, &len);
    if (e)
        return e;
    memcpy(buf, ramio_image + off, len);
    return 0;
}

static errcode_t ramio_write64(io_channel ch, unsigned long long block, int count, const void *buf)
{
    size_t off, len;
    if (ramio_range(ch, block, count, &off, &len))
        return EXT2_ET_SHORT_WRITE;
    if (ramio_readonly)
        return EXT2_ET_RO_FILSYS;
    memcpy(ramio_image + off, buf, len);
    ramio_writes++;
    return 0;
}

static errcode_t ramio_read(io_channel ch, unsigned long block, int count, void *buf)
{
    return ramio_read64(ch, block, count, buf);
}

static errcode_t ramio_write(io_channel ch, unsigned long block, int count, const void *buf)
{
    return ramio_write64(ch, block, count, buf);
}

static errcode_t ramio_write_byte(io_channel ch, unsigned long offset, int count, const void *buf)
{
    (void)ch;
    if (count < 0 || offset > ramio_size || (size_t)count > ramio_size - offset)
        return EXT2_ET_SHORT_WRITE;
    if (ramio_readonly)
        return EXT2_ET_RO_FILSYS;
    memcpy(ramio_image + offset, buf, count);
    ramio_writes++;
    return 0;
}

static errcode_t ramio_flush(io_channel ch)
{
    (void)ch;
    return 0;
}

static struct struct_io_manager ramio_manager = {
    .magic = EXT2_ET_MAGIC_IO_MANAGER,
    .name = "ramio",
    .open = ramio_open,
    .close = ramio_close,
    .set_blksize = ramio_set_blksize,
    .read_blk = ramio_read,
    .write_blk = ramio_write,
    .flush = ramio_flush,
    .write_byte = ramio_write_byte,
    .read_blk64 = ramio_read64,
    .write_blk64 = ramio_write64,
};

#endif

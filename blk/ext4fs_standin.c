/*
 * THROWAWAY (helper C): a minimal io_manager over libos/blk.h and the journal calls of
 * /work/EXT4-IFACE.md, so that the file system can be tested before helper B's cache and journal
 * land. Direct reads and writes (no cache), data and metadata alike; commit is ext2fs_flush plus
 * a device FLUSH; no journal is ever written (a crash may leave the file system inconsistent);
 * recovery refuses a journal that needs it. Delete with ext4fs_standin.h when B's lands.
 */
#include "ext4fs_standin.h"

#include <libos/blk.h>
#include <libos/boot.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct chan {
    struct libos_blk *dev;
    uint32_t sector;
};

static errcode_t set_blksize(io_channel ch, int blksize)
{
    ch->block_size = blksize;
    return 0;
}

static errcode_t std_open(const char *name, int flags, io_channel *out)
{
    struct libos_blk *dev = libos_blk_find(name);
    if (!dev)
        return ENODEV;
    io_channel ch = calloc(1, sizeof *ch);
    struct chan *c = calloc(1, sizeof *c);
    char *n = strdup(name);
    if (!ch || !c || !n) {
        free(ch), free(c), free(n);
        return EXT2_ET_NO_MEMORY;
    }
    c->dev = dev;
    c->sector = libos_blk_block_size(dev);
    ch->magic = EXT2_ET_MAGIC_IO_CHANNEL;
    ch->manager = libos_ext4_io_manager;
    ch->name = n;
    ch->block_size = 1024;
    ch->refcount = 1;
    ch->flags = flags;
    ch->private_data = c;
    *out = ch;
    return 0;
}

static errcode_t std_close(io_channel ch)
{
    if (--ch->refcount > 0)
        return 0;
    free(ch->private_data);
    free(ch->name);
    free(ch);
    return 0;
}

static errcode_t xfer(io_channel ch, unsigned long long off, void *buf, size_t len, int write)
{
    struct chan *c = ch->private_data;
    if (off + len > libos_blk_size(c->dev) || off + len < off)
        return write ? EXT2_ET_SHORT_WRITE : EXT2_ET_SHORT_READ;
    int r;
    if (off % c->sector == 0 && len % c->sector == 0) {
        r = write ? libos_blk_write(c->dev, off, buf, len) : libos_blk_read(c->dev, off, buf, len);
    } else { /* around the partial sectors */
        unsigned long long start = off / c->sector * c->sector;
        size_t span = (size_t)((off + len + c->sector - 1) / c->sector * c->sector - start);
        char *b = malloc(span);
        if (!b)
            return EXT2_ET_NO_MEMORY;
        r = libos_blk_read(c->dev, start, b, span);
        if (r == 0 && write) {
            memcpy(b + (off - start), buf, len);
            r = libos_blk_write(c->dev, start, b, span);
        } else if (r == 0) {
            memcpy(buf, b + (off - start), len);
        }
        free(b);
    }
    return r == 0 ? 0 : r == -EROFS ? EXT2_ET_RO_FILSYS : EIO;
}

static size_t bytes(io_channel ch, int count) { return count < 0 ? (size_t)-count : (size_t)count * ch->block_size; }

static errcode_t read_blk64(io_channel ch, unsigned long long blk, int count, void *buf)
{
    return xfer(ch, blk * ch->block_size, buf, bytes(ch, count), 0);
}

static errcode_t write_blk64(io_channel ch, unsigned long long blk, int count, const void *buf)
{
    return xfer(ch, blk * ch->block_size, (void *)buf, bytes(ch, count), 1);
}

static errcode_t read_blk(io_channel ch, unsigned long blk, int count, void *buf)
{
    return read_blk64(ch, blk, count, buf);
}

static errcode_t write_blk(io_channel ch, unsigned long blk, int count, const void *buf)
{
    return write_blk64(ch, blk, count, buf);
}

/* Not offered: closefs then writes the superblock whole, in one request, instead of the changed
 * bytes one range at a time (a kill between two ranges would leave a bad checksum). */
static errcode_t write_byte(io_channel ch, unsigned long off, int size, const void *buf)
{
    (void)ch, (void)off, (void)size, (void)buf;
    return EXT2_ET_UNIMPLEMENTED;
}

static errcode_t std_flush(io_channel ch)
{
    struct chan *c = ch->private_data;
    return libos_blk_flush(c->dev) ? EIO : 0;
}

static errcode_t set_option(io_channel ch, const char *option, const char *arg)
{
    (void)ch, (void)option, (void)arg;
    return EXT2_ET_INVALID_ARGUMENT;
}

static errcode_t zeroout(io_channel ch, unsigned long long blk, unsigned long long count)
{
    size_t len = ch->block_size * 64;
    char *z = calloc(1, len);
    if (!z)
        return EXT2_ET_NO_MEMORY;
    errcode_t e = 0;
    while (count && !e) {
        unsigned long long n = count < 64 ? count : 64;
        e = write_blk64(ch, blk, (int)n, z);
        blk += n;
        count -= n;
    }
    free(z);
    return e;
}

static struct struct_io_manager standin = {
    .magic = EXT2_ET_MAGIC_IO_MANAGER,
    .name = "libos stand-in",
    .open = std_open,
    .close = std_close,
    .set_blksize = set_blksize,
    .read_blk = read_blk,
    .write_blk = write_blk,
    .flush = std_flush,
    .write_byte = write_byte,
    .set_option = set_option,
    .read_blk64 = read_blk64,
    .write_blk64 = write_blk64,
    .zeroout = zeroout,
};
io_manager libos_ext4_io_manager = &standin;

void libos_ext4io_set_opts(const struct libos_ext4io_opts *o) { (void)o; }

errcode_t libos_ext4io_write_data(io_channel ch, blk64_t blk, int count, const void *buf)
{
    return write_blk64(ch, blk, count, buf);
}

errcode_t libos_ext4io_read_data(io_channel ch, blk64_t blk, int count, void *buf)
{
    return read_blk64(ch, blk, count, buf);
}

int libos_ext4_recover(const char *disk)
{
    struct libos_blk *dev = libos_blk_find(disk);
    struct ext2_super_block sb;
    if (!dev || libos_blk_size(dev) < 2048 || libos_blk_read(dev, 1024, &sb, sizeof sb) < 0)
        return -EIO;
    if (!(sb.s_feature_incompat & EXT3_FEATURE_INCOMPAT_RECOVER))
        return 0;
    libos_printk("libos: ext4: %s: the journal needs recovery, and this build cannot replay it yet "
                 "(run e2fsck -p on the host)\n", disk);
    return -ENOTSUP;
}

int libos_ext4_journal_start(ext2_filsys fs)
{
    (void)fs;
    return 0;
}

int libos_ext4_commit(ext2_filsys fs)
{
    errcode_t e = ext2fs_flush2(fs, 0);
    if (!e)
        e = io_channel_flush(fs->io);
    return e ? -EIO : 0;
}

int libos_ext4_journal_stop(ext2_filsys fs) { return libos_ext4_commit(fs); }

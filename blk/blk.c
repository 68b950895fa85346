/*
 * The block-device API (libos/blk.h): the table of disks and the argument checks, in front of
 * the drivers' ops. The one driver today is virtio-blk (virtio_blk.c), probed by libos_blk_init.
 */
#include "blk_impl.h"

#include <errno.h>
#include <string.h>

static struct libos_blk disks[LIBOS_BLK_MAX];
static unsigned ndisks;

struct libos_blk *libos_blk_add(const struct libos_blk_ops *ops, void *priv)
{
    if (ndisks == LIBOS_BLK_MAX)
        return NULL;
    struct libos_blk *d = &disks[ndisks];
    d->ops = ops;
    d->priv = priv;
    d->name[0] = 'v', d->name[1] = 'd', d->name[2] = (char)('a' + ndisks), d->name[3] = 0;
    ndisks++;
    return d;
}

void libos_blk_init(void)
{
    libos_blk_virtio_probe();
    libos_blk_add_files(); /* /dev/vda, ... */
}

unsigned libos_blk_count(void) { return ndisks; }

struct libos_blk *libos_blk_get(unsigned index) { return index < ndisks ? &disks[index] : NULL; }

struct libos_blk *libos_blk_find(const char *name)
{
    for (unsigned i = 0; i < ndisks; i++)
        if (strcmp(disks[i].name, name) == 0)
            return &disks[i];
    return NULL;
}

const char *libos_blk_name(const struct libos_blk *d) { return d->name; }
uint64_t libos_blk_size(const struct libos_blk *d) { return d->size; }
uint32_t libos_blk_block_size(const struct libos_blk *d) { return d->block_size; }
int libos_blk_read_only(const struct libos_blk *d) { return d->read_only; }
int libos_blk_can_flush(const struct libos_blk *d) { return d->ops->flush != NULL; }

static int check(const struct libos_blk *d, uint64_t offset, size_t len)
{
    if (offset % d->block_size || len % d->block_size || offset > d->size || len > d->size - offset)
        return -EINVAL;
    return 0;
}

int libos_blk_read(struct libos_blk *d, uint64_t offset, void *buf, size_t len)
{
    int r = check(d, offset, len);
    return r || len == 0 ? r : d->ops->rw(d, 0, &(struct libos_blk_io){offset, buf, len}, 1);
}

int libos_blk_write(struct libos_blk *d, uint64_t offset, const void *buf, size_t len)
{
    return libos_blk_writev(d, &(struct libos_blk_io){offset, (void *)buf, len}, 1);
}

int libos_blk_writev(struct libos_blk *d, const struct libos_blk_io *io, unsigned n)
{
    if (d->read_only)
        return -EROFS;
    for (unsigned i = 0; i < n; i++) {
        int r = check(d, io[i].offset, io[i].len);
        if (r)
            return r;
    }
    return n ? d->ops->rw(d, 1, io, n) : 0;
}

int libos_blk_flush(struct libos_blk *d) { return d->ops->flush ? d->ops->flush(d) : 0; }

/* blk_file.h: libos/blk.h over files, for host tests. */
#include "blk_file.h"

#include <libos/blk.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct libos_blk {
    char name[8];
    int fd, frozen;
    uint64_t size;
    struct host_blk_counts n;
};

static struct libos_blk disks[4];

static struct libos_blk *find(const char *name)
{
    for (unsigned i = 0; i < 4; i++)
        if (disks[i].fd > 0 && !strcmp(disks[i].name, name))
            return &disks[i];
    return NULL;
}

int host_blk_attach(const char *name, const char *path)
{
    host_blk_detach(name);
    for (unsigned i = 0; i < 4; i++) {
        if (disks[i].fd > 0)
            continue;
        int fd = open(path, O_RDWR);
        struct stat st;
        if (fd < 0 || fstat(fd, &st))
            return -errno;
        memset(&disks[i], 0, sizeof disks[i]);
        strncpy(disks[i].name, name, sizeof disks[i].name - 1);
        disks[i].fd = fd;
        disks[i].size = (uint64_t)st.st_size & ~511ull;
        return 0;
    }
    return -ENOSPC;
}

void host_blk_detach(const char *name)
{
    struct libos_blk *d = find(name);
    if (d) {
        close(d->fd);
        d->fd = 0;
    }
}

void host_blk_freeze(const char *name, int frozen)
{
    struct libos_blk *d = find(name);
    if (d)
        d->frozen = frozen;
}

struct host_blk_counts *host_blk_counts(const char *name)
{
    struct libos_blk *d = find(name);
    return d ? &d->n : NULL;
}

void libos_blk_init(void) {}
unsigned libos_blk_count(void) { return 4; }
struct libos_blk *libos_blk_get(unsigned index) { return index < 4 && disks[index].fd > 0 ? &disks[index] : NULL; }
struct libos_blk *libos_blk_find(const char *name) { return find(name); }
const char *libos_blk_name(const struct libos_blk *dev) { return dev->name; }
uint64_t libos_blk_size(const struct libos_blk *dev) { return dev->size; }
uint32_t libos_blk_block_size(const struct libos_blk *dev) { (void)dev; return 512; }
int libos_blk_read_only(const struct libos_blk *dev) { (void)dev; return 0; }
int libos_blk_can_flush(const struct libos_blk *dev) { (void)dev; return 1; }

static int check(const struct libos_blk *dev, uint64_t offset, size_t len)
{
    if (offset % 512 || len % 512 || offset + len > dev->size)
        return -EINVAL;
    return 0;
}

int libos_blk_read(struct libos_blk *dev, uint64_t offset, void *buf, size_t len)
{
    int rc = check(dev, offset, len);
    if (rc)
        return rc;
    dev->n.reads++;
    return pread(dev->fd, buf, len, (off_t)offset) == (ssize_t)len ? 0 : -EIO;
}

int libos_blk_write(struct libos_blk *dev, uint64_t offset, const void *buf, size_t len)
{
    int rc = check(dev, offset, len);
    if (rc)
        return rc;
    dev->n.writes++;
    if (dev->frozen)
        return -EIO;
    return pwrite(dev->fd, buf, len, (off_t)offset) == (ssize_t)len ? 0 : -EIO;
}

int libos_blk_writev(struct libos_blk *dev, const struct libos_blk_io *io, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        int rc = check(dev, io[i].offset, io[i].len);
        if (rc)
            return rc;
    }
    for (unsigned i = 0; i < n; i++) {
        int rc = libos_blk_write(dev, io[i].offset, io[i].buf, io[i].len);
        if (rc)
            return rc;
    }
    return 0;
}

int libos_blk_flush(struct libos_blk *dev)
{
    dev->n.flushes++;
    if (dev->frozen)
        return -EIO;
    return 0; /* the host file is the disk: a crash is a freeze, not a power cut */
}

/*
 * /dev: the device files every image has (null, zero, full, random and urandom, console and tty)
 * and the ones drivers add (libos_devfs_add: block devices, ...). A flat directory.
 */
#include "vfs_impl.h"

#include <libos/x86.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#define DEVFS_MAX 32

struct node {
    const char *name;
    mode_t mode;
    const struct libos_file_ops *ops;
    void *priv;
};

static ssize_t null_read(struct libos_file *f, void *buf, size_t n)
{
    (void)f, (void)buf, (void)n;
    return 0;
}

static ssize_t zero_read(struct libos_file *f, void *buf, size_t n)
{
    (void)f;
    memset(buf, 0, n);
    return (ssize_t)n;
}

static ssize_t sink_write(struct libos_file *f, const void *buf, size_t n)
{
    (void)f, (void)buf;
    return (ssize_t)n;
}

static ssize_t full_write(struct libos_file *f, const void *buf, size_t n)
{
    (void)f, (void)buf, (void)n;
    return -ENOSPC;
}

/* XXX: RDRAND is the only entropy source until virtio-rng: without it (QEMU's default TCG CPU;
 * -cpu max has it) reads fail -EIO rather than hand out predictable bytes. */
static ssize_t random_read(struct libos_file *f, void *buf, size_t n)
{
    (void)f;
    uint32_t r[4];
    x86_cpuid(1, 0, r);
    if (!((r[2] >> 30) & 1))
        return -EIO;
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v;
        unsigned char ok = 0;
        for (int tries = 0; tries < 10 && !ok; tries++)
            __asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
        if (!ok)
            return i ? (ssize_t)i : -EIO;
        memcpy((char *)buf + i, &v, n - i < 8 ? n - i : 8);
    }
    return (ssize_t)n;
}

static int chr_fstat(struct libos_file *f, struct stat *st)
{
    (void)f;
    st->st_mode = S_IFCHR | 0666;
    st->st_blksize = 4096;
    return 0;
}

static const struct libos_file_ops null_ops = {.read = null_read, .write = sink_write, .fstat = chr_fstat};
static const struct libos_file_ops zero_ops = {.read = zero_read, .write = sink_write, .fstat = chr_fstat};
static const struct libos_file_ops full_ops = {.read = zero_read, .write = full_write, .fstat = chr_fstat};
static const struct libos_file_ops random_ops = {.read = random_read, .write = sink_write, .fstat = chr_fstat};

static struct node nodes[DEVFS_MAX] = {
    {"null", S_IFCHR | 0666, &null_ops, NULL},
    {"zero", S_IFCHR | 0666, &zero_ops, NULL},
    {"full", S_IFCHR | 0666, &full_ops, NULL},
    {"random", S_IFCHR | 0666, &random_ops, NULL},
    {"urandom", S_IFCHR | 0666, &random_ops, NULL},
    {"console", S_IFCHR | 0620, NULL, NULL}, /* the console's description itself (console.c) */
    {"tty", S_IFCHR | 0666, NULL, NULL},
};
static unsigned count = 7;

int libos_devfs_add(const char *name, mode_t mode, const struct libos_file_ops *ops, void *priv)
{
    if (count == DEVFS_MAX)
        return -ENOSPC;
    nodes[count++] = (struct node){name, mode, ops, priv};
    return 0;
}

static struct node *find(const char *path)
{
    for (unsigned i = 0; i < count; i++)
        if (strcmp(nodes[i].name, path) == 0)
            return &nodes[i];
    return NULL;
}

static void node_stat(const struct node *n, struct stat *st)
{
    st->st_ino = 2 + (ino_t)(n - nodes);
    st->st_mode = n->mode;
    st->st_nlink = 1;
    st->st_rdev = st->st_ino;
    st->st_blksize = 4096;
}

static int dir_fstat(struct libos_file *f, struct stat *st)
{
    (void)f;
    st->st_ino = 1;
    st->st_mode = S_IFDIR | 0755;
    st->st_nlink = 2;
    return 0;
}

static int dir_readdir(struct libos_file *f, struct dirent *e)
{
    off_t i = f->pos++;
    if (i < 2)
        return libos_vfs_dirent(e, "..", (size_t)i + 1, 1, DT_DIR);
    if (i - 2 >= (off_t)count)
        return f->pos--, 0;
    const struct node *n = &nodes[i - 2];
    return libos_vfs_dirent(e, n->name, strlen(n->name), 2 + (ino_t)(i - 2),
                            S_ISBLK(n->mode) ? DT_BLK : DT_CHR);
}

static const struct libos_file_ops dir_ops = {.fstat = dir_fstat, .readdir = dir_readdir,
                                             .lseek = libos_file_seek_pos};

static int devfs_lstat(void *fs, const char *path, struct stat *st)
{
    (void)fs;
    if (!path[0]) {
        struct libos_file dir = {0};
        return dir_fstat(&dir, st);
    }
    const struct node *n = find(path);
    if (!n)
        return -ENOENT;
    node_stat(n, st);
    return 0;
}

static int devfs_open(void *fs, const char *path, int flags, mode_t mode, struct libos_file *f)
{
    (void)fs, (void)mode;
    if (!path[0]) {
        f->ops = &dir_ops;
        return 0;
    }
    struct node *n = find(path);
    if (!n)
        return -EROFS; /* O_CREAT of a new name */
    (void)flags;
    f->ops = n->ops ? n->ops : libos_console_file.ops; /* console, tty: the console's ops */
    f->priv = n->priv;
    return 0;
}

const struct libos_fs_ops libos_devfs_ops = {.lstat = devfs_lstat, .open = devfs_open};

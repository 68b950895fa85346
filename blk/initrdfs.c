/*
 * The initrd file system: a newc cpio archive in memory, read-only, in place (libos/initrd.h).
 *
 * At mount the archive is validated whole, then indexed: one array of entries sorted by
 * canonical path (bytes compared, the cpio reader's canonical form is the VFS's relative one), so
 * a lookup is a binary search. Directories that the archive holds only implicitly (a/b/c packed
 * without a/b, or without ".") are added as entries of their own, mode 0755, owned by root, so
 * that every path above a packed one is a directory. Each directory keeps the array of its
 * children (pointers, in name order) for readdir, and its parent for "..". Names, data and link
 * targets stay in the archive; the index is the only allocation.
 *
 * Hard links: newc writes a multiply-linked file's data only with the last of its names (the
 * others have size 0, with the same dev and ino); the index gives every name of a group (a
 * regular file with nlink > 1, by dev and ino) the data of the member that carries it.
 */
#include <libos/initrd.h>
#include <libos/vfs.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct ent {
    const char *path; /* canonical, in the archive; not NUL-terminated for implicit directories */
    size_t len;
    uint32_t mode, uid, gid, nlink, mtime, ino, dev_major, dev_minor, rdev;
    const void *data; /* a file's bytes, a symlink's target */
    size_t size;
    size_t offset;    /* of the packed entry's header; SIZE_MAX for an implicit directory */
    struct ent *parent;
    struct ent **kids; /* a directory's children, in name order */
    size_t nkids;
};

struct initrd {
    struct ent *ents; /* sorted by path; ents[0] is the root, "" */
    size_t n;
    struct ent **kids; /* every directory's children, one run each */
    size_t archive_size;
};

static int cmp_path(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    return c ? c : (alen > blen) - (alen < blen);
}

/* By path, and of two with the same path the packed one first (implicit ones are dropped). */
static int cmp_ent(const void *pa, const void *pb)
{
    const struct ent *a = pa, *b = pb;
    int c = cmp_path(a->path, a->len, b->path, b->len);
    return c ? c : (a->offset > b->offset) - (a->offset < b->offset);
}

static struct ent *find(const struct initrd *fs, const char *path, size_t len)
{
    size_t lo = 0, hi = fs->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_path(fs->ents[mid].path, fs->ents[mid].len, path, len);
        if (c == 0)
            return &fs->ents[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Regular files that are hard links, grouped by (dev, ino), then in archive order. */
static int cmp_link(const void *pa, const void *pb)
{
    const struct ent *a = *(struct ent *const *)pa, *b = *(struct ent *const *)pb;
    uint32_t ka[3] = {a->dev_major, a->dev_minor, a->ino}, kb[3] = {b->dev_major, b->dev_minor, b->ino};
    for (int i = 0; i < 3; i++)
        if (ka[i] != kb[i])
            return ka[i] < kb[i] ? -1 : 1;
    return (a->offset > b->offset) - (a->offset < b->offset);
}

static int same_file(const struct ent *a, const struct ent *b)
{
    return a->ino == b->ino && a->dev_major == b->dev_major && a->dev_minor == b->dev_minor;
}

static int is_link_member(const struct ent *e)
{
    return (e->mode & S_IFMT) == S_IFREG && e->nlink > 1 && e->offset != SIZE_MAX;
}

/* Every name of a hard-linked file reads the data of the name that carries it (the last). */
static int join_hard_links(struct initrd *fs)
{
    size_t m = 0;
    for (size_t i = 0; i < fs->n; i++)
        m += is_link_member(&fs->ents[i]);
    if (m < 2)
        return 0;
    struct ent **v = malloc(m * sizeof *v);
    if (!v)
        return -ENOMEM;
    m = 0;
    for (size_t i = 0; i < fs->n; i++)
        if (is_link_member(&fs->ents[i]))
            v[m++] = &fs->ents[i];
    qsort(v, m, sizeof *v, cmp_link);
    for (size_t i = 0, j; i < m; i = j) {
        struct ent *carrier = v[i];
        for (j = i; j < m && same_file(v[i], v[j]); j++)
            if (v[j]->size)
                carrier = v[j]; /* the last with data */
        for (size_t k = i; k < j; k++)
            v[k]->data = carrier->data, v[k]->size = carrier->size;
    }
    free(v);
    return 0;
}

/* Parents, children, implicit directories' inode numbers and link counts. */
static int link_tree(struct initrd *fs)
{
    uint32_t next_ino = 0;
    for (size_t i = 0; i < fs->n; i++)
        if (fs->ents[i].offset != SIZE_MAX && fs->ents[i].ino >= next_ino)
            next_ino = fs->ents[i].ino + 1;
    for (size_t i = 0; i < fs->n; i++) {
        struct ent *e = &fs->ents[i];
        if (e->offset == SIZE_MAX) {
            e->ino = next_ino++; /* above every packed one, so no two files share one */
            e->nlink = 2;
        }
        if (i == 0)
            continue; /* the root */
        size_t plen = e->len;
        while (plen > 0 && e->path[plen - 1] != '/')
            plen--;
        e->parent = find(fs, e->path, plen ? plen - 1 : 0); /* always there: it was added */
        e->parent->nkids++;
        if ((e->mode & S_IFMT) == S_IFDIR && e->parent->offset == SIZE_MAX)
            e->parent->nlink++;
    }
    fs->kids = malloc((fs->n ? fs->n : 1) * sizeof *fs->kids);
    if (!fs->kids)
        return -ENOMEM;
    struct ent **next = fs->kids;
    for (size_t i = 0; i < fs->n; i++) {
        fs->ents[i].kids = next;
        next += fs->ents[i].nkids;
        fs->ents[i].nkids = 0;
    }
    for (size_t i = 1; i < fs->n; i++) /* in path order, so each run is in name order */
        fs->ents[i].parent->kids[fs->ents[i].parent->nkids++] = &fs->ents[i];
    return 0;
}

/* The index: the packed entries, every directory above one, and the root; sorted, unique. */
static int build(struct initrd *fs, const void *base, size_t size)
{
    struct libos_cpio c;
    struct libos_cpio_entry e;
    size_t cap = 1;
    libos_cpio_open(&c, base, size);
    while (libos_cpio_next(&c, &e, NULL) == 1) {
        cap++;
        for (size_t i = 0; i < e.path_len; i++)
            cap += e.path[i] == '/';
    }
    struct ent *v = malloc(cap * sizeof *v);
    if (!v)
        return -ENOMEM;
    size_t n = 0;
    v[n++] = (struct ent){.path = "", .mode = S_IFDIR | 0755, .offset = SIZE_MAX};
    libos_cpio_open(&c, base, size);
    while (libos_cpio_next(&c, &e, NULL) == 1) {
        v[n++] = (struct ent){.path = e.path, .len = e.path_len, .mode = e.mode, .uid = e.uid,
                              .gid = e.gid, .nlink = e.nlink, .mtime = e.mtime, .ino = e.ino,
                              .dev_major = e.dev_major, .dev_minor = e.dev_minor,
                              .rdev = e.rdev_major << 8 | e.rdev_minor, .data = e.data,
                              .size = e.size, .offset = e.offset};
        for (size_t i = 0; i < e.path_len; i++)
            if (e.path[i] == '/')
                v[n++] = (struct ent){.path = e.path, .len = i, .mode = S_IFDIR | 0755, .offset = SIZE_MAX};
    }
    qsort(v, n, sizeof *v, cmp_ent);
    size_t u = 0;
    for (size_t i = 0; i < n; i++) /* the first of each path: the packed one if there is one */
        if (u == 0 || cmp_path(v[u - 1].path, v[u - 1].len, v[i].path, v[i].len) != 0)
            v[u++] = v[i];
    fs->ents = v;
    fs->n = u;
    fs->archive_size = size;
    int r = link_tree(fs);
    return r < 0 ? r : join_hard_links(fs);
}

/* --- open files and the file system ------------------------------------------------------ */

static void fill_stat(const struct ent *e, struct stat *st)
{
    st->st_ino = e->ino;
    st->st_mode = e->mode;
    st->st_nlink = e->nlink;
    st->st_uid = e->uid;
    st->st_gid = e->gid;
    st->st_rdev = e->rdev;
    st->st_size = (e->mode & S_IFMT) == S_IFDIR ? 0 : (off_t)e->size;
    st->st_blksize = 4096;
    st->st_blocks = (blkcnt_t)((st->st_size + 511) / 512);
    st->st_atim.tv_sec = st->st_mtim.tv_sec = st->st_ctim.tv_sec = e->mtime; /* cpio has one time */
}

static int ent_fstat(struct libos_file *f, struct stat *st)
{
    fill_stat(f->priv, st);
    return 0;
}

static ssize_t file_pread(struct libos_file *f, void *buf, size_t len, off_t off)
{
    const struct ent *e = f->priv;
    if (off < 0)
        return -EINVAL;
    if ((size_t)off >= e->size)
        return 0;
    if (len > e->size - (size_t)off)
        len = e->size - (size_t)off;
    memcpy(buf, (const char *)e->data + off, len);
    return (ssize_t)len;
}

/* Nothing is ever buffered: always in sync. */
static int ent_fsync(struct libos_file *f)
{
    (void)f;
    return 0;
}

static int ent_fchmod(struct libos_file *f, mode_t mode)
{
    (void)f, (void)mode;
    return -EROFS;
}

static int ent_fchown(struct libos_file *f, uid_t uid, gid_t gid)
{
    (void)f, (void)uid, (void)gid;
    return -EROFS;
}

static unsigned char dtype(const struct ent *e) { return (unsigned char)((e->mode & S_IFMT) >> 12); }

/* ".", "..", then the children in name order, by position. */
static int dir_readdir(struct libos_file *f, struct dirent *d)
{
    const struct ent *e = f->priv;
    off_t i = f->pos;
    if (i < 0 || (size_t)i >= e->nkids + 2)
        return 0;
    f->pos++;
    if (i < 2)
        return libos_vfs_dirent(d, "..", (size_t)i + 1, i && e->parent ? e->parent->ino : e->ino, DT_DIR);
    const struct ent *k = e->kids[i - 2];
    size_t plen = e->len ? e->len + 1 : 0; /* the child's name follows "dir/" */
    return libos_vfs_dirent(d, k->path + plen, k->len - plen, k->ino, dtype(k));
}

static const struct libos_file_ops file_ops = {
    .read = libos_file_read_pos,
    .lseek = libos_file_seek_pos,
    .pread = file_pread,
    .fstat = ent_fstat,
    .fsync = ent_fsync,
    .fchmod = ent_fchmod,
    .fchown = ent_fchown,
};

static const struct libos_file_ops dir_ops = {
    .lseek = libos_file_seek_pos,
    .fstat = ent_fstat,
    .fsync = ent_fsync,
    .readdir = dir_readdir,
    .fchmod = ent_fchmod,
    .fchown = ent_fchown,
};

static int initrd_lstat(void *fs, const char *path, struct stat *st)
{
    const struct ent *e = find(fs, path, strlen(path));
    if (!e)
        return -ENOENT;
    fill_stat(e, st);
    return 0;
}

static int initrd_open(void *fs, const char *path, int flags, mode_t mode, struct libos_file *f)
{
    (void)mode;
    struct ent *e = find(fs, path, strlen(path));
    if (!e || (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
        return -EROFS; /* a new name (O_CREAT), or writing */
    switch (e->mode & S_IFMT) {
    case S_IFREG:
        f->ops = &file_ops;
        break;
    case S_IFDIR:
        f->ops = &dir_ops;
        break;
    default:
        return -ENXIO; /* a device, fifo or socket: nothing behind it here */
    }
    f->priv = e;
    return 0;
}

static ssize_t initrd_readlink(void *fs, const char *path, char *buf, size_t size)
{
    const struct ent *e = find(fs, path, strlen(path));
    if (!e)
        return -ENOENT;
    if ((e->mode & S_IFMT) != S_IFLNK)
        return -EINVAL;
    size_t len = e->size < size ? e->size : size;
    memcpy(buf, e->data, len);
    return (ssize_t)len;
}

static int initrd_statvfs(void *fs, struct statvfs *sv)
{
    const struct initrd *d = fs;
    sv->f_blocks = (d->archive_size + 4095) / 4096;
    sv->f_files = d->n;
    sv->f_flag |= ST_RDONLY;
    return 0;
}

/* Only what reads: the VFS fails every change with -EROFS (see struct libos_fs_ops). */
static const struct libos_fs_ops initrd_ops = {
    .lstat = initrd_lstat,
    .open = initrd_open,
    .readlink = initrd_readlink,
    .statvfs = initrd_statvfs,
};

long libos_initrd_mount(const void *base, size_t size, const char *path, struct libos_cpio_error *err)
{
    long n = libos_cpio_validate(base, size, err);
    if (n < 0)
        return n;
    struct initrd *fs = calloc(1, sizeof *fs);
    int r = fs ? build(fs, base, size) : -ENOMEM;
    if (r == 0)
        r = libos_vfs_mount(path, &initrd_ops, fs);
    if (r < 0) {
        if (fs) {
            free(fs->ents);
            free(fs->kids);
            free(fs);
        }
        *err = (struct libos_cpio_error){.code = r, .offset = 0,
                                         .message = r == -ENOMEM ? "no memory for the index" : "the mount table is full"};
        return r;
    }
    return n;
}

/*
 * The ext4 file system on the VFS: struct libos_fs_ops and the open files' ops over libext2fs.
 *
 * Every op takes the mount's lock (libext2fs is not re-entrant, and the disk blocks), finds its
 * inode by name from the root (the VFS hands over canonical paths, links above the last
 * component already followed), and returns 0 or a negative errno; libext2fs's error codes
 * become errnos in one table (errno_of). Metadata (inodes, directories, bitmaps, inline data)
 * goes through libext2fs and its io channel; file contents above the inline size are allocated
 * with ext2fs_fallocate and written and read in runs of blocks through the data path
 * (libos_ext4io_write_data / read_data), never ext2fs_file_write, except for the partial blocks
 * at either end of a write, which ext2fs_file_write merges with what is there.
 *
 * An unlinked file that is still open keeps its inode: it goes on the ext4 orphan list
 * (s_last_orphan, chained through i_dtime), so that a crash before its last close leaves a
 * consistent file system whose next mount frees it; the last close frees it and takes it off.
 */
#include "ext4fs_impl.h"

#include <libos/boot.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* --- the lock and the error table ------------------------------------------------------- */

void libos_ext4fs_lock(struct ext4_mount *m)
{
    while (m->held)
        libos_wait(&m->lockq, 0);
    m->held = 1;
}

void libos_ext4fs_unlock(struct ext4_mount *m)
{
    m->held = 0;
    libos_wake_one(&m->lockq);
}

static const struct {
    errcode_t code;
    int err;
} errnos[] = {
    {EXT2_ET_FILE_NOT_FOUND, ENOENT},     {EXT2_ET_NO_DIRECTORY, ENOTDIR},
    {EXT2_ET_DIR_EXISTS, EEXIST},         {EXT2_ET_FILE_EXISTS, EEXIST},
    {EXT2_ET_BLOCK_ALLOC_FAIL, ENOSPC},   {EXT2_ET_INODE_ALLOC_FAIL, ENOSPC},
    {EXT2_ET_DIR_NO_SPACE, ENOSPC},       {EXT2_ET_EA_NO_SPACE, ENOSPC},
    {EXT2_ET_INLINE_DATA_NO_SPACE, ENOSPC}, {EXT2_ET_DIR_NO_SPACE_FOR_CSUM, ENOSPC},
    {EXT2_ET_NO_MEMORY, ENOMEM},          {EXT2_ET_RO_FILSYS, EROFS},
    {EXT2_ET_FILE_RO, EBADF},             {EXT2_ET_FILE_TOO_BIG, EFBIG},
    {EXT2_ET_SYMLINK_LOOP, ELOOP},        {EXT2_ET_TOO_MANY_REFS, EMLINK},
    {EXT2_ET_INVALID_ARGUMENT, EINVAL},   {EXT2_ET_UNIMPLEMENTED, ENOSYS},
    {EXT2_ET_OP_NOT_SUPPORTED, EOPNOTSUPP},
};

/* Anything else libext2fs says (a bad checksum, a corrupted directory or extent tree, a block
 * number out of range, a short read) is damage found at run time: EIO. */
int libos_ext4fs_errno(errcode_t e)
{
    if (e > 0 && e < 256) /* an errno, from the io_manager or libc */
        return -(int)e;
    for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
        if (errnos[i].code == e)
            return -errnos[i].err;
    return -EIO;
}
#define ERR(e) libos_ext4fs_errno(e)

/* --- inodes --------------------------------------------------------------------------------- */

typedef struct ext2_inode_large inode_t;

static int rd(struct ext4_mount *m, ext2_ino_t ino, inode_t *in)
{
    memset(in, 0, sizeof *in);
    int size = EXT2_INODE_SIZE(m->fs->super) < (int)sizeof *in ? EXT2_INODE_SIZE(m->fs->super) : (int)sizeof *in;
    errcode_t e = ext2fs_read_inode_full(m->fs, ino, (struct ext2_inode *)in, size);
    const char *why;
    if (!e && (in->i_flags & EXT4_INLINE_DATA_FL) &&
        (e = libos_ext2fs_check_inode(m->fs, ino, (struct ext2_inode *)in, &why)))
        libos_printk("libos: ext4: inode %u: %s\n", (unsigned)ino, why);
    return e ? ERR(e) : 0;
}

static int wr(struct ext4_mount *m, ext2_ino_t ino, inode_t *in)
{
    int size = EXT2_INODE_SIZE(m->fs->super) < (int)sizeof *in ? EXT2_INODE_SIZE(m->fs->super) : (int)sizeof *in;
    errcode_t e = ext2fs_write_inode_full(m->fs, ino, (struct ext2_inode *)in, size);
    m->dirty = 1;
    return e ? ERR(e) : 0;
}

static struct timespec now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts;
}

/* The times, with nanoseconds where the inode has room for them (an inode larger than 128 bytes
 * with a large enough i_extra_isize). */
#define SET_TIME(in, f, ts)                                                                        \
    do {                                                                                           \
        (in)->f = (__u32)(ts).tv_sec;                                                              \
        if (ext2fs_inode_includes(ext2fs_inode_actual_size(in), f##_extra))                        \
            (in)->f##_extra = __encode_extra_time((ts).tv_sec, (__u32)(ts).tv_nsec);               \
    } while (0)
#define GET_TIME(in, f)                                                                            \
    ((struct timespec){ext2fs_inode_xtime_get(in, f),                                              \
                       ext2fs_inode_includes(ext2fs_inode_actual_size(in), f##_extra)              \
                           ? (long)__decode_extra_nsec((in)->f##_extra) : 0})

enum { ATIME = 1, MTIME = 2, CTIME = 4 };

static void stamp(inode_t *in, int which)
{
    struct timespec t = now();
    if (which & ATIME)
        SET_TIME(in, i_atime, t);
    if (which & MTIME)
        SET_TIME(in, i_mtime, t);
    if (which & CTIME)
        SET_TIME(in, i_ctime, t);
}

/* Touch a directory whose entries changed. */
static int touch(struct ext4_mount *m, ext2_ino_t dir)
{
    inode_t in;
    int r = rd(m, dir, &in);
    if (r < 0)
        return r;
    stamp(&in, MTIME | CTIME);
    return wr(m, dir, &in);
}

static void fill_stat(struct ext4_mount *m, ext2_ino_t ino, inode_t *in, struct stat *st)
{
    st->st_dev = (dev_t)(0x800 + m->index);
    st->st_ino = ino;
    st->st_mode = in->i_mode;
    st->st_nlink = in->i_links_count;
    st->st_uid = inode_uid(*in);
    st->st_gid = inode_gid(*in);
    st->st_size = (off_t)EXT2_I_SIZE(in);
    st->st_blksize = (blksize_t)m->fs->blocksize;
    st->st_blocks = (blkcnt_t)ext2fs_get_stat_i_blocks(m->fs, (struct ext2_inode *)in);
    st->st_atim = GET_TIME(in, i_atime);
    st->st_mtim = GET_TIME(in, i_mtime);
    st->st_ctim = GET_TIME(in, i_ctime);
}

/* --- names ---------------------------------------------------------------------------------- */

struct dirfill {
    struct dcache *c;
    struct dcache_dir *d;
    int full;
};

static int fill_one(ext2_ino_t dir, int entry, struct ext2_dir_entry *d, int offset, int blocksize,
                    char *buf, void *priv)
{
    struct dirfill *f = priv;
    (void)dir, (void)entry, (void)offset, (void)blocksize, (void)buf;
    if (libos_dcache_fill(f->c, f->d, d->name, (size_t)ext2fs_dirent_name_len(d), d->inode)) {
        f->full = 1;
        return DIRENT_ABORT;
    }
    return 0;
}

/* name (n bytes) in directory dir: from the directory cache, filled by one scan of dir the first
 * time; libext2fs's own lookup when dir cannot be cached (memory, the budget, or an error, which
 * its lookup then reports). */
static int dir_lookup(struct ext4_mount *m, ext2_ino_t dir, const char *name, size_t n, ext2_ino_t *ino)
{
    struct dcache_dir *d = libos_dcache_get(&m->dc, dir);
    if (!d && (d = libos_dcache_begin(&m->dc, dir))) {
        struct dirfill f = {&m->dc, d, 0};
        if (ext2fs_dir_iterate2(m->fs, dir, 0, NULL, fill_one, &f) || f.full) {
            libos_dcache_abort(&m->dc, d);
            d = NULL;
        }
    }
    if (!d) {
        errcode_t e = ext2fs_lookup(m->fs, dir, name, (int)n, NULL, ino);
        return e ? ERR(e) : 0;
    }
    uint32_t found;
    if (!libos_dcache_find(d, name, n, &found))
        return -ENOENT;
    *ino = found;
    return 0;
}

static int lookup(struct ext4_mount *m, const char *path, ext2_ino_t *ino)
{
    if (!*path) {
        *ino = EXT2_ROOT_INO;
        return 0;
    }
    /* One component at a time: never ext2fs_namei, which follows symlinks with follow_link (an
     * overflow on a crafted inline symlink, libos/ext2fs_check.h). The VFS resolves symlinks. */
    ext2_ino_t cur = EXT2_ROOT_INO;
    while (*path) {
        const char *end = strchr(path, '/');
        size_t n = end ? (size_t)(end - path) : strlen(path);
        if (n > NAME_MAX)
            return -ENAMETOOLONG;
        if (n) {
            int r = dir_lookup(m, cur, path, n, &cur);
            if (r < 0)
                return r;
        }
        path += n + (end != NULL);
    }
    *ino = cur;
    return 0;
}

/* The directory cache follows each change we make to a directory's entries: the entry added
 * or removed, or, when libext2fs failed (it may have failed half-way), the listing forgotten. */
static void dc_linked(struct ext4_mount *m, errcode_t e, ext2_ino_t dir, const char *name, ext2_ino_t ino)
{
    if (e)
        libos_dcache_forget(&m->dc, dir);
    else
        libos_dcache_add(&m->dc, dir, name, strlen(name), ino);
}

static void dc_unlinked(struct ext4_mount *m, errcode_t e, ext2_ino_t dir, const char *name)
{
    if (e)
        libos_dcache_forget(&m->dc, dir);
    else
        libos_dcache_remove(&m->dc, dir, name, strlen(name));
}

/* The directory that holds path's last component, and the component (NUL-terminated in name). */
static int parent(struct ext4_mount *m, const char *path, ext2_ino_t *dir, char name[NAME_MAX + 1])
{
    const char *slash = strrchr(path, '/');
    const char *last = slash ? slash + 1 : path;
    size_t n = strlen(last);
    if (n > NAME_MAX || n == 0)
        return n ? -ENAMETOOLONG : -EINVAL;
    memcpy(name, last, n + 1);
    if (!slash) {
        *dir = EXT2_ROOT_INO;
        return 0;
    }
    char up[PATH_MAX];
    memcpy(up, path, (size_t)(slash - path));
    up[slash - path] = '\0';
    int r = lookup(m, up, dir);
    if (r < 0)
        return r;
    inode_t in;
    if ((r = rd(m, *dir, &in)) < 0)
        return r;
    return LINUX_S_ISDIR(in.i_mode) ? 0 : -ENOTDIR;
}

static int file_type(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return EXT2_FT_REG_FILE;
    case S_IFDIR: return EXT2_FT_DIR;
    case S_IFLNK: return EXT2_FT_SYMLINK;
    case S_IFCHR: return EXT2_FT_CHRDEV;
    case S_IFBLK: return EXT2_FT_BLKDEV;
    case S_IFIFO: return EXT2_FT_FIFO;
    case S_IFSOCK: return EXT2_FT_SOCK;
    default: return EXT2_FT_UNKNOWN;
    }
}

static struct ext4_open *find_open(struct ext4_mount *m, ext2_ino_t ino)
{
    for (struct ext4_open *o = m->open; o; o = o->next)
        if (o->ino == ino)
            return o;
    return NULL;
}

/* --- freeing inodes and the orphan list -------------------------------------------------------- */

/* Give back an inode nothing names or holds: its blocks, its extended-attribute block, itself. */
static int free_inode(struct ext4_mount *m, ext2_ino_t ino, inode_t *in)
{
    ext2_filsys fs = m->fs;
    errcode_t e = 0;
    if (ext2fs_inode_has_valid_blocks2(fs, (struct ext2_inode *)in) &&
        (e = ext2fs_punch(fs, ino, (struct ext2_inode *)in, NULL, 0, ~0ULL)))
        return ERR(e);
    blk64_t acl = ext2fs_file_acl_block(fs, (struct ext2_inode *)in);
    if (acl) {
        __u32 count = 0;
        if ((e = ext2fs_adjust_ea_refcount3(fs, acl, NULL, -1, &count, ino)))
            return ERR(e);
        if (count == 0)
            ext2fs_block_alloc_stats2(fs, acl, -1);
        ext2fs_file_acl_block_set(fs, (struct ext2_inode *)in, 0);
    }
    in->i_links_count = 0;
    in->i_dtime = (__u32)now().tv_sec;
    int r = wr(m, ino, in);
    if (r < 0)
        return r;
    ext2fs_inode_alloc_stats2(fs, ino, -1, LINUX_S_ISDIR(in->i_mode));
    return 0;
}

static int orphan_add(struct ext4_mount *m, ext2_ino_t ino, inode_t *in)
{
    in->i_dtime = m->fs->super->s_last_orphan;
    int r = wr(m, ino, in);
    if (r < 0)
        return r;
    m->fs->super->s_last_orphan = ino;
    ext2fs_mark_super_dirty(m->fs);
    return 0;
}

static int orphan_remove(struct ext4_mount *m, ext2_ino_t ino, inode_t *in)
{
    ext2_ino_t next = in->i_dtime;
    if (m->fs->super->s_last_orphan == ino) {
        m->fs->super->s_last_orphan = next;
        ext2fs_mark_super_dirty(m->fs);
        return 0;
    }
    for (ext2_ino_t cur = m->fs->super->s_last_orphan, n = 0; cur && n < m->fs->super->s_inodes_count; n++) {
        inode_t c;
        int r = rd(m, cur, &c);
        if (r < 0)
            return r;
        if (c.i_dtime == ino) {
            c.i_dtime = next;
            return wr(m, cur, &c);
        }
        cur = c.i_dtime;
    }
    return -EIO; /* not on the list: damage */
}

int libos_ext4fs_orphans(struct ext4_mount *m)
{
    ext2_filsys fs = m->fs;
    ext2_ino_t ino = fs->super->s_last_orphan;
    for (unsigned n = 0; ino && n < fs->super->s_inodes_count; n++) {
        if (ino < EXT2_FIRST_INODE(fs->super) || ino > fs->super->s_inodes_count)
            return -EIO;
        inode_t in;
        int r = rd(m, ino, &in);
        if (r < 0)
            return r;
        ext2_ino_t next = in.i_dtime;
        if (in.i_links_count == 0) {
            r = free_inode(m, ino, &in);
        } else { /* a truncate that did not finish: finish it */
            ext2_file_t f;
            errcode_t e = ext2fs_file_open2(fs, ino, (struct ext2_inode *)&in, EXT2_FILE_WRITE, &f);
            if (!e) {
                e = ext2fs_file_set_size2(f, EXT2_I_SIZE(&in));
                errcode_t c = ext2fs_file_close(f);
                e = e ? e : c;
            }
            r = e ? ERR(e) : rd(m, ino, &in);
            if (r == 0) {
                in.i_dtime = 0;
                r = wr(m, ino, &in);
            }
        }
        if (r < 0)
            return r;
        fs->super->s_last_orphan = next;
        ext2fs_mark_super_dirty(fs);
        ino = next;
    }
    if (ino)
        return -EIO; /* a loop */
    m->dirty = 1;
    return 0;
}

/* One name fewer for ino (already out of its directory): the inode goes when no name is left,
 * at once, or at its last close when it is open. */
static int drop_link(struct ext4_mount *m, ext2_ino_t ino, inode_t *in)
{
    if (LINUX_S_ISDIR(in->i_mode))
        in->i_links_count = 0; /* its own "." goes with its name */
    else if (in->i_links_count > 0)
        in->i_links_count--;
    stamp(in, CTIME);
    if (in->i_links_count > 0)
        return wr(m, ino, in);
    struct ext4_open *o = find_open(m, ino);
    if (o && o->refs) {
        o->orphan = 1;
        return orphan_add(m, ino, in);
    }
    return free_inode(m, ino, in);
}

/* --- file contents --------------------------------------------------------------------------- */

static int inline_file(const inode_t *in) { return (in->i_flags & EXT4_INLINE_DATA_FL) != 0; }

/* Through libext2fs's file handle: inline data, and the partial blocks of a write. */
static int via_file(struct ext4_mount *m, ext2_ino_t ino, int write, void *buf, size_t n, off_t off, size_t *done)
{
    ext2_file_t f;
    unsigned got = 0;
    errcode_t e = ext2fs_file_open2(m->fs, ino, NULL, write ? EXT2_FILE_WRITE : 0, &f);
    if (e)
        return ERR(e);
    e = ext2fs_file_llseek(f, (__u64)off, EXT2_SEEK_SET, NULL);
    if (!e)
        e = write ? ext2fs_file_write(f, buf, (unsigned)n, &got) : ext2fs_file_read(f, buf, (unsigned)n, &got);
    errcode_t c = ext2fs_file_close(f);
    if (write)
        m->dirty = 1;
    *done = got;
    return e ? ERR(e) : c ? ERR(c) : 0;
}

/* Where logical blocks from lblk are: *pblk for lblk (0 for a hole or an unwritten extent,
 * which reads as zeros) and *len, how many of the next max blocks follow it on consecutive
 * disk blocks (1 for a hole: holes go block by block). An extent-mapped file takes one lookup
 * per extent (ext2fs_bmap2 would open the extent tree again for every block); a block-mapped
 * one goes block by block. */
static int map_run(struct ext4_mount *m, ext2_ino_t ino, inode_t *in, blk64_t lblk, blk64_t max,
                   blk64_t *pblk, blk64_t *len)
{
    *pblk = 0;
    *len = 1;
    if (in->i_flags & EXT4_EXTENTS_FL) {
        ext2_extent_handle_t h;
        errcode_t e = ext2fs_extent_open2(m->fs, ino, (struct ext2_inode *)in, &h);
        if (e)
            return ERR(e);
        struct ext2fs_extent ex;
        e = ext2fs_extent_goto2(h, 0, lblk);
        if (!e)
            e = ext2fs_extent_get(h, EXT2_EXTENT_CURRENT, &ex);
        ext2fs_extent_free(h);
        if (e == EXT2_ET_EXTENT_NOT_FOUND)
            return 0; /* a hole */
        if (e)
            return ERR(e);
        if (lblk < ex.e_lblk || lblk - ex.e_lblk >= ex.e_len)
            return -EIO;
        blk64_t left = ex.e_len - (lblk - ex.e_lblk);
        *len = left < max ? left : max;
        if (ex.e_flags & EXT2_EXTENT_FLAGS_UNINIT)
            return 0;
        *pblk = ex.e_pblk + (lblk - ex.e_lblk);
    } else {
        int flags = 0;
        errcode_t e = ext2fs_bmap2(m->fs, ino, (struct ext2_inode *)in, NULL, 0, lblk, &flags, pblk);
        if (e)
            return ERR(e);
        if (flags & BMAP_RET_UNINIT)
            *pblk = 0;
        for (blk64_t next; *pblk && *len < max; ++*len) {
            flags = 0;
            if (ext2fs_bmap2(m->fs, ino, (struct ext2_inode *)in, NULL, 0, lblk + *len, &flags, &next) ||
                next != *pblk + *len)
                break;
        }
    }
    if (*pblk && *pblk + *len > ext2fs_blocks_count(m->fs->super))
        return -EIO;
    return 0;
}

static ssize_t do_pread(struct ext4_mount *m, ext2_ino_t ino, void *buf, size_t n, off_t off)
{
    inode_t in;
    int r = rd(m, ino, &in);
    if (r < 0)
        return r;
    __u64 size = EXT2_I_SIZE(&in);
    if ((__u64)off >= size)
        return 0;
    if (n > size - (__u64)off)
        n = (size_t)(size - (__u64)off);
    if (inline_file(&in)) {
        size_t done;
        r = via_file(m, ino, 0, buf, n, off, &done);
        return r < 0 ? r : (ssize_t)done;
    }
    unsigned bs = m->fs->blocksize;
    char *out = buf, *bounce = NULL;
    size_t left = n;
    __u64 pos = (__u64)off;
    while (left) {
        blk64_t lblk = pos / bs, pblk, run;
        size_t in_blk = (size_t)(pos % bs), len = bs - in_blk < left ? bs - in_blk : left;
        blk64_t whole = in_blk ? 0 : left / bs; /* whole blocks from lblk on */
        if ((r = map_run(m, ino, &in, lblk, whole > 256 ? 256 : whole ? whole : 1, &pblk, &run)) < 0)
            break;
        if (!pblk) {
            memset(out, 0, len);
        } else if (whole) { /* whole blocks: a run straight into buf */
            errcode_t e = libos_ext4io_read_data(m->fs->io, pblk, (int)run, out);
            if (e) {
                r = ERR(e);
                break;
            }
            len = run * bs;
        } else {
            if (!bounce && !(bounce = malloc(bs))) {
                r = -ENOMEM;
                break;
            }
            errcode_t e = libos_ext4io_read_data(m->fs->io, pblk, 1, bounce);
            if (e) {
                r = ERR(e);
                break;
            }
            memcpy(out, bounce + in_blk, len);
        }
        out += len;
        pos += len;
        left -= len;
    }
    free(bounce);
    if (left == n && r < 0)
        return r;
    return (ssize_t)(n - left);
}

static ssize_t do_pwrite(struct ext4_mount *m, ext2_ino_t ino, const void *buf, size_t n, off_t off)
{
    ext2_filsys fs = m->fs;
    inode_t in;
    int r = rd(m, ino, &in);
    if (r < 0)
        return r;
    if (n == 0)
        return 0;
    if ((__u64)off + n > (1ULL << 44) || (__u64)off + n < (__u64)off)
        return -EFBIG;
    size_t done;
    __u64 end = (__u64)off + n;
    if (inline_file(&in)) { /* libext2fs moves the data out of the inode when it outgrows it */
        r = via_file(m, ino, 1, (void *)buf, n, off, &done);
        goto times;
    }
    unsigned bs = fs->blocksize;
    blk64_t full = ((__u64)off + bs - 1) / bs, full_end = end / bs;
    const char *src = buf;
    done = 0;
    if (full < full_end) { /* whole blocks: allocate them all, then write in runs */
        errcode_t e = ext2fs_fallocate(fs, EXT2_FALLOCATE_FORCE_INIT | EXT2_FALLOCATE_INIT_BEYOND_EOF, ino,
                                       (struct ext2_inode *)&in, ~0ULL, full, full_end - full);
        m->dirty = 1;
        /* It changed in (extents, i_blocks) and wrote only part of that: all of it now. */
        if ((r = wr(m, ino, &in)) < 0)
            return r;
        if (e)
            return ERR(e);
        for (blk64_t b = full; b < full_end;) {
            blk64_t pblk, run;
            if ((r = map_run(m, ino, &in, b, full_end - b < 256 ? full_end - b : 256, &pblk, &run)) < 0)
                return r;
            if (!pblk)
                return -EIO;
            e = libos_ext4io_write_data(fs->io, pblk, (int)run, src + (b * bs - (__u64)off));
            if (e)
                return ERR(e);
            b += run;
        }
    }
    /* The partial blocks at either end, merged with what is there (all of it when the write
     * covers no whole block). */
    size_t head = full < full_end ? (size_t)(full * bs - (__u64)off) : n;
    size_t tail = full < full_end ? (size_t)(end - full_end * bs) : 0;
    if (head && (r = via_file(m, ino, 1, (void *)src, head, off, &done)) < 0)
        return r;
    if (tail && (r = via_file(m, ino, 1, (void *)(src + n - tail), tail, (off_t)(full_end * bs), &done)) < 0)
        return r;
times:
    if (r < 0)
        return r;
    if ((r = rd(m, ino, &in)) < 0)
        return r;
    if (end > EXT2_I_SIZE(&in)) {
        errcode_t e = ext2fs_inode_size_set(fs, (struct ext2_inode *)&in, end);
        if (e)
            return ERR(e);
    }
    stamp(&in, MTIME | CTIME);
    r = wr(m, ino, &in);
    return r < 0 ? r : (ssize_t)n;
}

static int set_size(struct ext4_mount *m, ext2_ino_t ino, off_t length)
{
    ext2_file_t f;
    errcode_t e = ext2fs_file_open2(m->fs, ino, NULL, EXT2_FILE_WRITE, &f);
    if (e)
        return ERR(e);
    e = ext2fs_file_set_size2(f, (__u64)length);
    errcode_t c = ext2fs_file_close(f);
    m->dirty = 1;
    if (e || c)
        return ERR(e ? e : c);
    inode_t in;
    int r = rd(m, ino, &in);
    if (r < 0)
        return r;
    stamp(&in, MTIME | CTIME);
    return wr(m, ino, &in);
}

/* --- open files ------------------------------------------------------------------------------- */

struct dirent_snap {
    ext2_ino_t ino;
    unsigned char type;
    unsigned char len;
    char name[];
};

struct ofile {
    struct ext4_mount *m;
    struct ext4_open *o;
    struct dirent_snap **ents; /* a directory's entries, read at its first readdir */
    size_t nents;
};

#define OF(f) ((struct ofile *)(f)->priv)
/* expr under m's lock; -EIO once m is unmounted (at exit, files left open). */
#define LOCKED(m, expr)                                                                            \
    ({                                                                                             \
        libos_ext4fs_lock(m);                                                                      \
        __typeof__(expr) result_ = (m)->fs ? (expr) : -EIO;                                        \
        libos_ext4fs_unlock(m);                                                                    \
        result_;                                                                                   \
    })

static ssize_t file_pread(struct libos_file *f, void *buf, size_t n, off_t off)
{
    struct ofile *of = OF(f);
    return LOCKED(of->m, do_pread(of->m, of->o->ino, buf, n, off));
}

static ssize_t file_pwrite(struct libos_file *f, const void *buf, size_t n, off_t off)
{
    struct ofile *of = OF(f);
    if (of->m->ro)
        return -EROFS;
    return LOCKED(of->m, do_pwrite(of->m, of->o->ino, buf, n, off));
}

static int do_fstat(struct ext4_mount *m, ext2_ino_t ino, struct stat *st)
{
    inode_t in;
    int r = rd(m, ino, &in);
    if (r == 0)
        fill_stat(m, ino, &in, st);
    return r;
}

static int file_fstat(struct libos_file *f, struct stat *st)
{
    struct ofile *of = OF(f);
    return LOCKED(of->m, do_fstat(of->m, of->o->ino, st));
}

static int file_fsync(struct libos_file *f)
{
    struct ofile *of = OF(f);
    return of->m->ro ? 0 : LOCKED(of->m, libos_ext4fs_commit(of->m));
}

static int file_ftruncate(struct libos_file *f, off_t length)
{
    struct ofile *of = OF(f);
    if (of->m->ro)
        return -EROFS;
    if (length < 0)
        return -EINVAL;
    return LOCKED(of->m, set_size(of->m, of->o->ino, length));
}

static int do_chmod(struct ext4_mount *m, ext2_ino_t ino, mode_t mode)
{
    inode_t in;
    int r = rd(m, ino, &in);
    if (r < 0)
        return r;
    in.i_mode = (__u16)((in.i_mode & S_IFMT) | (mode & 07777));
    stamp(&in, CTIME);
    return wr(m, ino, &in);
}

static int do_chown(struct ext4_mount *m, ext2_ino_t ino, uid_t uid, gid_t gid)
{
    inode_t in;
    int r = rd(m, ino, &in);
    if (r < 0)
        return r;
    if (uid != (uid_t)-1)
        ext2fs_set_i_uid_high(in, uid >> 16), in.i_uid = (__u16)uid;
    if (gid != (gid_t)-1)
        ext2fs_set_i_gid_high(in, gid >> 16), in.i_gid = (__u16)gid;
    stamp(&in, CTIME);
    return wr(m, ino, &in);
}

static int file_fchmod(struct libos_file *f, mode_t mode)
{
    struct ofile *of = OF(f);
    return of->m->ro ? -EROFS : LOCKED(of->m, do_chmod(of->m, of->o->ino, mode));
}

static int file_fchown(struct libos_file *f, uid_t uid, gid_t gid)
{
    struct ofile *of = OF(f);
    return of->m->ro ? -EROFS : LOCKED(of->m, do_chown(of->m, of->o->ino, uid, gid));
}

static void free_snap(struct ofile *of)
{
    for (size_t i = 0; i < of->nents; i++)
        free(of->ents[i]);
    free(of->ents);
    of->ents = NULL;
    of->nents = 0;
}

static void file_close(struct libos_file *f)
{
    struct ofile *of = OF(f);
    struct ext4_mount *m = of->m;
    libos_ext4fs_lock(m);
    struct ext4_open *o = of->o;
    if (--o->refs == 0) {
        if (o->orphan && m->fs) { /* unlinked while open: now it goes */
            inode_t in;
            if (rd(m, o->ino, &in) == 0 && orphan_remove(m, o->ino, &in) == 0)
                free_inode(m, o->ino, &in);
        }
        struct ext4_open **pp = &m->open;
        while (*pp != o)
            pp = &(*pp)->next;
        *pp = o->next;
        free(o);
    }
    libos_ext4fs_unlock(m);
    if (!m->fs && !m->open)
        free(m); /* unmounted at exit, and this was its last open file */
    free_snap(of);
    free(of);
}

struct snap_ctx {
    struct ofile *of;
    size_t cap;
    int err;
};

static int snap_one(ext2_ino_t dir, int entry, struct ext2_dir_entry *d, int offset, int blocksize, char *buf,
                    void *priv)
{
    (void)dir, (void)entry, (void)offset, (void)blocksize, (void)buf;
    struct snap_ctx *c = priv;
    if (!d->inode)
        return 0;
    unsigned len = ext2fs_dirent_name_len(d);
    if (c->of->nents == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        struct dirent_snap **e = realloc(c->of->ents, cap * sizeof *e);
        if (!e)
            return c->err = -ENOMEM, DIRENT_ABORT;
        c->of->ents = e;
        c->cap = cap;
    }
    struct dirent_snap *s = malloc(sizeof *s + len);
    if (!s)
        return c->err = -ENOMEM, DIRENT_ABORT;
    s->ino = d->inode;
    s->len = (unsigned char)len;
    memcpy(s->name, d->name, len);
    static const unsigned char types[] = {DT_UNKNOWN, DT_REG, DT_DIR, DT_CHR, DT_BLK, DT_FIFO, DT_SOCK, DT_LNK};
    int ft = ext2fs_dirent_file_type(d);
    s->type = ft < 8 ? types[ft] : DT_UNKNOWN;
    c->of->ents[c->of->nents++] = s;
    return 0;
}

static int snapshot(struct ofile *of)
{
    struct ext4_mount *m = of->m;
    free_snap(of);
    struct snap_ctx c = {of, 0, 0};
    errcode_t e = ext2fs_dir_iterate2(m->fs, of->o->ino, 0, NULL, snap_one, &c);
    if (c.err)
        return c.err;
    if (e)
        return ERR(e);
    for (size_t i = 0; i < of->nents; i++) { /* no file type in the entry (ext2 without filetype) */
        struct dirent_snap *s = of->ents[i];
        inode_t in;
        if (s->type == DT_UNKNOWN && rd(m, s->ino, &in) == 0)
            s->type = LINUX_S_ISDIR(in.i_mode) ? DT_DIR : LINUX_S_ISLNK(in.i_mode) ? DT_LNK
                    : LINUX_S_ISREG(in.i_mode) ? DT_REG : DT_UNKNOWN;
    }
    return 0;
}

/* The entries as they were at the first readdir (or after a rewind to 0), by position. */
static int dir_readdir(struct libos_file *f, struct dirent *e)
{
    struct ofile *of = OF(f);
    if (f->pos == 0 || !of->ents) {
        int r = LOCKED(of->m, snapshot(of));
        if (r < 0)
            return r;
    }
    if (f->pos < 0 || (size_t)f->pos >= of->nents)
        return 0;
    struct dirent_snap *s = of->ents[f->pos++];
    return libos_vfs_dirent(e, s->name, s->len, s->ino, s->type);
}

static const struct libos_file_ops file_ops = {
    .read = libos_file_read_pos,
    .write = libos_file_write_pos,
    .lseek = libos_file_seek_pos,
    .pread = file_pread,
    .pwrite = file_pwrite,
    .fstat = file_fstat,
    .fsync = file_fsync,
    .ftruncate = file_ftruncate,
    .fchmod = file_fchmod,
    .fchown = file_fchown,
    .close = file_close,
};

static const struct libos_file_ops dir_ops = {
    .lseek = libos_file_seek_pos,
    .fstat = file_fstat,
    .fsync = file_fsync,
    .readdir = dir_readdir,
    .fchmod = file_fchmod,
    .fchown = file_fchown,
    .close = file_close,
};

/* --- the file system's ops ----------------------------------------------------------------------- */

static int do_lstat(struct ext4_mount *m, const char *path, struct stat *st)
{
    ext2_ino_t ino;
    int r = lookup(m, path, &ino);
    return r < 0 ? r : do_fstat(m, ino, st);
}

static int fs_lstat(void *fs, const char *path, struct stat *st)
{
    struct ext4_mount *m = fs;
    return LOCKED(m, do_lstat(m, path, st));
}

static void new_inode_fields(struct ext4_mount *m, struct ext2_inode *in, mode_t mode)
{
    memset(in, 0, sizeof *in);
    in->i_mode = (__u16)mode;
    in->i_links_count = 1;
    (void)m;
}

/* Link a new inode (written, counted in use) as name in dir; on failure give it back. */
static int link_new(struct ext4_mount *m, ext2_ino_t dir, const char *name, ext2_ino_t ino, mode_t mode)
{
    errcode_t e = ext2fs_link(m->fs, dir, name, ino, file_type(mode) | EXT2FS_LINK_EXPAND);
    m->dirty = 1;
    dc_linked(m, e, dir, name, ino);
    if (e) {
        inode_t in;
        if (rd(m, ino, &in) == 0)
            free_inode(m, ino, &in);
        return ERR(e);
    }
    return touch(m, dir);
}

/* Set a new inode's times (with nanoseconds) and owner after libext2fs wrote it. */
static int finish_new(struct ext4_mount *m, ext2_ino_t ino, mode_t mode)
{
    inode_t in;
    int r = rd(m, ino, &in);
    if (r < 0)
        return r;
    in.i_mode = (__u16)((in.i_mode & S_IFMT) | (mode & 07777));
    stamp(&in, ATIME | MTIME | CTIME);
    if (ext2fs_inode_includes(ext2fs_inode_actual_size(&in), i_crtime_extra)) {
        struct timespec t = GET_TIME(&in, i_ctime);
        SET_TIME(&in, i_crtime, t);
    }
    return wr(m, ino, &in);
}

static int create(struct ext4_mount *m, const char *path, mode_t mode, ext2_ino_t *out)
{
    ext2_filsys fs = m->fs;
    ext2_ino_t dir, ino;
    char name[NAME_MAX + 1];
    int r = parent(m, path, &dir, name);
    if (r < 0)
        return r;
    errcode_t e = ext2fs_new_inode(fs, dir, LINUX_S_IFREG | 0600, 0, &ino);
    if (e)
        return ERR(e);
    struct ext2_inode in;
    new_inode_fields(m, &in, S_IFREG | (mode & 07777));
    if (ext2fs_has_feature_extents(fs->super)) {
        struct ext3_extent_header *h = (struct ext3_extent_header *)in.i_block;
        h->eh_magic = ext2fs_cpu_to_le16(EXT3_EXT_MAGIC);
        h->eh_max = ext2fs_cpu_to_le16((sizeof in.i_block - sizeof *h) / sizeof(struct ext3_extent));
        in.i_flags |= EXT4_EXTENTS_FL;
    }
    if ((e = ext2fs_write_new_inode(fs, ino, &in)))
        return ERR(e);
    ext2fs_inode_alloc_stats2(fs, ino, +1, 0);
    m->dirty = 1;
    if ((r = finish_new(m, ino, mode)) < 0 || (r = link_new(m, dir, name, ino, S_IFREG)) < 0)
        return r;
    *out = ino;
    return 0;
}

static int do_open(struct ext4_mount *m, const char *path, int flags, mode_t mode, struct libos_file *f)
{
    ext2_ino_t ino;
    int acc = flags & O_ACCMODE;
    int r = lookup(m, path, &ino);
    if (r == -ENOENT && (flags & O_CREAT)) {
        if (m->ro)
            return -EROFS;
        r = create(m, path, mode, &ino);
    }
    if (r < 0)
        return r;
    if (m->ro && (acc != O_RDONLY || (flags & O_TRUNC)))
        return -EROFS;
    inode_t in;
    if ((r = rd(m, ino, &in)) < 0)
        return r;
    int dir = LINUX_S_ISDIR(in.i_mode);
    if (!dir && !LINUX_S_ISREG(in.i_mode) && !LINUX_S_ISLNK(in.i_mode))
        return -ENXIO; /* device nodes, fifos, sockets on the disk: nothing behind them here */
    struct ofile *of = calloc(1, sizeof *of);
    struct ext4_open *o = find_open(m, ino);
    if (!of || (!o && !(o = calloc(1, sizeof *o)))) {
        free(of);
        return -ENOMEM;
    }
    if (!o->refs && !o->ino) {
        o->ino = ino;
        o->next = m->open;
        m->open = o;
    }
    if ((flags & O_TRUNC) && acc != O_RDONLY && LINUX_S_ISREG(in.i_mode) && EXT2_I_SIZE(&in) &&
        (r = set_size(m, ino, 0)) < 0) {
        if (!o->refs) {
            m->open = o->next;
            free(o);
        }
        free(of);
        return r;
    }
    o->refs++;
    of->m = m;
    of->o = o;
    f->ops = dir ? &dir_ops : &file_ops;
    f->priv = of;
    return 0;
}

static int fs_open(void *fs, const char *path, int flags, mode_t mode, struct libos_file *f)
{
    struct ext4_mount *m = fs;
    return LOCKED(m, do_open(m, path, flags, mode, f));
}

static ssize_t do_readlink(struct ext4_mount *m, const char *path, char *buf, size_t size)
{
    ext2_ino_t ino;
    inode_t in;
    int r = lookup(m, path, &ino);
    if (r < 0 || (r = rd(m, ino, &in)) < 0)
        return r;
    if (!LINUX_S_ISLNK(in.i_mode))
        return -EINVAL;
    size_t len = (size_t)EXT2_I_SIZE(&in);
    if (len > size)
        len = size;
    if (ext2fs_is_fast_symlink((struct ext2_inode *)&in)) {
        if (len > sizeof in.i_block)
            return -EIO;
        memcpy(buf, in.i_block, len);
        return (ssize_t)len;
    }
    size_t done;
    r = via_file(m, ino, 0, buf, len, 0, &done);
    return r < 0 ? r : (ssize_t)done;
}

static ssize_t fs_readlink(void *fs, const char *path, char *buf, size_t size)
{
    struct ext4_mount *m = fs;
    return LOCKED(m, do_readlink(m, path, buf, size));
}

static int do_mkdir(struct ext4_mount *m, const char *path, mode_t mode)
{
    ext2_ino_t dir, ino;
    char name[NAME_MAX + 1];
    int r = parent(m, path, &dir, name);
    if (r < 0)
        return r;
    inode_t pin;
    if ((r = rd(m, dir, &pin)) < 0)
        return r;
    if (pin.i_links_count >= EXT2_LINK_MAX && !ext2fs_has_feature_dir_nlink(m->fs->super))
        return -EMLINK;
    errcode_t e = ext2fs_mkdir2(m->fs, dir, 0, 0, EXT2FS_LINK_EXPAND, name, &ino);
    m->dirty = 1;
    dc_linked(m, e, dir, name, ino);
    if (e)
        return ERR(e);
    if ((r = finish_new(m, ino, mode)) < 0)
        return r;
    return touch(m, dir);
}

static int fs_mkdir(void *fs, const char *path, mode_t mode)
{
    struct ext4_mount *m = fs;
    return LOCKED(m, do_mkdir(m, path, mode));
}

static int do_unlink(struct ext4_mount *m, const char *path)
{
    ext2_ino_t dir, ino;
    char name[NAME_MAX + 1];
    inode_t in;
    int r = parent(m, path, &dir, name);
    if (r < 0 || (r = lookup(m, path, &ino)) < 0 || (r = rd(m, ino, &in)) < 0)
        return r;
    if (LINUX_S_ISDIR(in.i_mode))
        return -EISDIR;
    errcode_t e = ext2fs_unlink(m->fs, dir, name, ino, 0);
    m->dirty = 1;
    dc_unlinked(m, e, dir, name);
    if (e)
        return ERR(e);
    if ((r = touch(m, dir)) < 0)
        return r;
    return drop_link(m, ino, &in);
}

static int fs_unlink(void *fs, const char *path)
{
    struct ext4_mount *m = fs;
    return LOCKED(m, do_unlink(m, path));
}

/* Whether d is "." (n 1) or ".." (n 2). */
static int is_dot(const struct ext2_dir_entry *d, unsigned n)
{
    return ext2fs_dirent_name_len(d) == (int)n && d->name[0] == '.' && (n == 1 || d->name[1] == '.');
}

struct empty_ctx {
    int entries;
    ext2_ino_t dotdot;
};

static int count_entry(ext2_ino_t dir, int entry, struct ext2_dir_entry *d, int offset, int blocksize, char *buf,
                       void *priv)
{
    (void)dir, (void)offset, (void)blocksize, (void)buf;
    (void)entry; /* an inline directory's ".." does not come as DIRENT_DOT_DOT_FILE: by name */
    struct empty_ctx *c = priv;
    if (!d->inode)
        return 0;
    if (is_dot(d, 2))
        c->dotdot = d->inode;
    else if (!is_dot(d, 1))
        c->entries++;
    return 0;
}

static int dir_entries(struct ext4_mount *m, ext2_ino_t ino, struct empty_ctx *c)
{
    *c = (struct empty_ctx){0, 0};
    errcode_t e = ext2fs_dir_iterate2(m->fs, ino, 0, NULL, count_entry, c);
    return e ? ERR(e) : 0;
}

/* The directory ino's entry "..", now dir. */
static int set_dotdot_to(ext2_ino_t dir, int entry, struct ext2_dir_entry *d, int offset, int blocksize, char *buf,
                         void *priv)
{
    (void)dir, (void)entry, (void)offset, (void)blocksize, (void)buf;
    if (!is_dot(d, 2))
        return 0;
    d->inode = *(ext2_ino_t *)priv;
    return DIRENT_CHANGED | DIRENT_ABORT;
}

/* One link fewer or more on a directory (its subdirectories' ".."): with dir_nlink, a count of
 * 1 means "too many to count" and stays. */
static int dir_links(struct ext4_mount *m, ext2_ino_t dir, int delta)
{
    inode_t in;
    int r = rd(m, dir, &in);
    if (r < 0)
        return r;
    if (delta < 0 && in.i_links_count > 2)
        in.i_links_count--;
    else if (delta > 0 && in.i_links_count != 1) {
        if (in.i_links_count >= EXT2_LINK_MAX - 1)
            in.i_links_count = 1;
        else
            in.i_links_count++;
    }
    stamp(&in, MTIME | CTIME);
    return wr(m, dir, &in);
}

static int do_rmdir(struct ext4_mount *m, const char *path)
{
    ext2_ino_t dir, ino;
    char name[NAME_MAX + 1];
    inode_t in;
    int r = parent(m, path, &dir, name);
    if (r < 0 || (r = lookup(m, path, &ino)) < 0 || (r = rd(m, ino, &in)) < 0)
        return r;
    if (!LINUX_S_ISDIR(in.i_mode))
        return -ENOTDIR;
    struct empty_ctx c;
    if ((r = dir_entries(m, ino, &c)) < 0)
        return r;
    if (c.entries)
        return -ENOTEMPTY;
    errcode_t e = ext2fs_unlink(m->fs, dir, name, ino, 0);
    m->dirty = 1;
    dc_unlinked(m, e, dir, name);
    libos_dcache_forget(&m->dc, ino);
    if (e)
        return ERR(e);
    if ((r = dir_links(m, dir, -1)) < 0)
        return r;
    return drop_link(m, ino, &in);
}

static int fs_rmdir(void *fs, const char *path)
{
    struct ext4_mount *m = fs;
    return LOCKED(m, do_rmdir(m, path));
}

static int do_rename(struct ext4_mount *m, const char *from, const char *to)
{
    ext2_filsys fs = m->fs;
    ext2_ino_t sdir, tdir, ino, old = 0;
    char sname[NAME_MAX + 1], tname[NAME_MAX + 1];
    inode_t in, oin;
    int r = parent(m, from, &sdir, sname);
    if (r < 0 || (r = lookup(m, from, &ino)) < 0 || (r = rd(m, ino, &in)) < 0 ||
        (r = parent(m, to, &tdir, tname)) < 0)
        return r;
    r = lookup(m, to, &old);
    if (r < 0 && r != -ENOENT)
        return r;
    if (r == -ENOENT)
        old = 0;
    if (old == ino)
        return 0;
    int isdir = LINUX_S_ISDIR(in.i_mode);
    if (isdir) { /* not into itself: no directory above tdir is ino */
        for (ext2_ino_t d = tdir, n = 0; d != EXT2_ROOT_INO; n++) {
            struct empty_ctx c;
            if (d == ino)
                return -EINVAL;
            if (n > 65536 || (r = dir_entries(m, d, &c)) < 0)
                return r < 0 ? r : -EIO;
            d = c.dotdot;
        }
    }
    if (old) {
        if ((r = rd(m, old, &oin)) < 0)
            return r;
        if (LINUX_S_ISDIR(oin.i_mode) && !isdir)
            return -EISDIR;
        if (!LINUX_S_ISDIR(oin.i_mode) && isdir)
            return -ENOTDIR;
        if (LINUX_S_ISDIR(oin.i_mode)) {
            struct empty_ctx c;
            if ((r = dir_entries(m, old, &c)) < 0)
                return r;
            if (c.entries)
                return -ENOTEMPTY;
        }
    }
    m->dirty = 1;
    /* Both directories' listings (and the moved or replaced directories') are read again when
     * next needed: every step below may fail half-way. */
    libos_dcache_forget(&m->dc, sdir);
    libos_dcache_forget(&m->dc, tdir);
    libos_dcache_forget(&m->dc, ino);
    if (old)
        libos_dcache_forget(&m->dc, old);
    errcode_t e;
    if (old) { /* the target's entry now names ino */
        if ((e = ext2fs_unlink(fs, tdir, tname, old, 0)))
            return ERR(e);
    }
    if ((e = ext2fs_link(fs, tdir, tname, ino, file_type(in.i_mode) | EXT2FS_LINK_EXPAND)))
        return ERR(e);
    if ((e = ext2fs_unlink(fs, sdir, sname, ino, 0)))
        return ERR(e);
    if (old) {
        if (LINUX_S_ISDIR(oin.i_mode) && (r = dir_links(m, tdir, -1)) < 0)
            return r;
        if ((r = drop_link(m, old, &oin)) < 0)
            return r;
    }
    if (isdir && sdir != tdir) { /* ".." follows, and so do the parents' link counts */
        if ((e = ext2fs_dir_iterate2(fs, ino, 0, NULL, set_dotdot_to, &tdir)))
            return ERR(e);
        if ((r = dir_links(m, sdir, -1)) < 0 || (r = dir_links(m, tdir, +1)) < 0)
            return r;
    } else {
        if ((r = touch(m, sdir)) < 0 || (tdir != sdir && (r = touch(m, tdir)) < 0))
            return r;
    }
    if ((r = rd(m, ino, &in)) < 0)
        return r;
    stamp(&in, CTIME);
    return wr(m, ino, &in);
}

static int fs_rename(void *fs, const char *from, const char *to)
{
    struct ext4_mount *m = fs;
    return LOCKED(m, do_rename(m, from, to));
}

static int do_link(struct ext4_mount *m, const char *from, const char *to)
{
    ext2_ino_t ino, dir;
    char name[NAME_MAX + 1];
    inode_t in;
    int r = lookup(m, from, &ino);
    if (r < 0 || (r = rd(m, ino, &in)) < 0 || (r = parent(m, to, &dir, name)) < 0)
        return r;
    if (in.i_links_count >= EXT2_LINK_MAX)
        return -EMLINK;
    errcode_t e = ext2fs_link(m->fs, dir, name, ino, file_type(in.i_mode) | EXT2FS_LINK_EXPAND);
    m->dirty = 1;
    dc_linked(m, e, dir, name, ino);
    if (e)
        return ERR(e);
    in.i_links_count++;
    stamp(&in, CTIME);
    if ((r = wr(m, ino, &in)) < 0)
        return r;
    return touch(m, dir);
}

static int fs_link(void *fs, const char *from, const char *to)
{
    struct ext4_mount *m = fs;
    return LOCKED(m, do_link(m, from, to));
}

static int do_symlink(struct ext4_mount *m, const char *target, const char *path)
{
    ext2_ino_t dir, ino;
    char name[NAME_MAX + 1];
    int r = parent(m, path, &dir, name);
    if (r < 0)
        return r;
    size_t len = strlen(target);
    if (len >= m->fs->blocksize || len >= PATH_MAX)
        return -ENAMETOOLONG;
    errcode_t e = ext2fs_new_inode(m->fs, dir, LINUX_S_IFLNK | 0777, 0, &ino);
    if (!e)
        e = ext2fs_symlink(m->fs, dir, ino, NULL, target); /* the inode; the name is ours */
    m->dirty = 1;
    if (e)
        return ERR(e);
    if ((r = finish_new(m, ino, 0777)) < 0)
        return r;
    return link_new(m, dir, name, ino, S_IFLNK);
}

static int fs_symlink(void *fs, const char *target, const char *path)
{
    struct ext4_mount *m = fs;
    return LOCKED(m, do_symlink(m, target, path));
}

static int do_path_chmod(struct ext4_mount *m, const char *path, mode_t mode)
{
    ext2_ino_t ino;
    int r = lookup(m, path, &ino);
    return r < 0 ? r : do_chmod(m, ino, mode);
}

static int fs_chmod(void *fs, const char *path, mode_t mode)
{
    struct ext4_mount *m = fs;
    return LOCKED(m, do_path_chmod(m, path, mode));
}

static int do_path_chown(struct ext4_mount *m, const char *path, uid_t uid, gid_t gid)
{
    ext2_ino_t ino;
    int r = lookup(m, path, &ino);
    return r < 0 ? r : do_chown(m, ino, uid, gid);
}

static int fs_chown(void *fs, const char *path, uid_t uid, gid_t gid)
{
    struct ext4_mount *m = fs;
    return LOCKED(m, do_path_chown(m, path, uid, gid));
}

static int do_truncate(struct ext4_mount *m, const char *path, off_t length)
{
    ext2_ino_t ino;
    int r = lookup(m, path, &ino);
    return r < 0 ? r : set_size(m, ino, length);
}

static int fs_truncate(void *fs, const char *path, off_t length)
{
    struct ext4_mount *m = fs;
    return LOCKED(m, do_truncate(m, path, length));
}

static int do_utimens(struct ext4_mount *m, const char *path, const struct timespec times[2])
{
    ext2_ino_t ino;
    inode_t in;
    int r = lookup(m, path, &ino);
    if (r < 0 || (r = rd(m, ino, &in)) < 0)
        return r;
    struct timespec t = now();
    if (times[0].tv_nsec != UTIME_OMIT) {
        struct timespec a = times[0].tv_nsec == UTIME_NOW ? t : times[0];
        SET_TIME(&in, i_atime, a);
    }
    if (times[1].tv_nsec != UTIME_OMIT) {
        struct timespec mt = times[1].tv_nsec == UTIME_NOW ? t : times[1];
        SET_TIME(&in, i_mtime, mt);
    }
    SET_TIME(&in, i_ctime, t);
    return wr(m, ino, &in);
}

static int fs_utimens(void *fs, const char *path, const struct timespec times[2])
{
    struct ext4_mount *m = fs;
    for (int i = 0; i < 2; i++)
        if (times[i].tv_nsec != UTIME_NOW && times[i].tv_nsec != UTIME_OMIT &&
            (times[i].tv_nsec < 0 || times[i].tv_nsec >= 1000000000L))
            return -EINVAL;
    return LOCKED(m, do_utimens(m, path, times));
}

static int do_statvfs(struct ext4_mount *m, struct statvfs *sv)
{
    struct ext2_super_block *sb = m->fs->super;
    blk64_t free = ext2fs_free_blocks_count(sb), res = ext2fs_r_blocks_count(sb);
    sv->f_bsize = sv->f_frsize = m->fs->blocksize;
    sv->f_blocks = (fsblkcnt_t)ext2fs_blocks_count(sb);
    sv->f_bfree = (fsblkcnt_t)free;
    sv->f_bavail = (fsblkcnt_t)(free > res ? free - res : 0);
    sv->f_files = sb->s_inodes_count;
    sv->f_ffree = sv->f_favail = sb->s_free_inodes_count;
    sv->f_fsid = 0x800 + m->index;
    sv->f_namemax = EXT2_NAME_LEN;
    sv->f_flag = m->ro ? ST_RDONLY : 0;
    return 0;
}

static int fs_statvfs(void *fs, struct statvfs *sv)
{
    struct ext4_mount *m = fs;
    return LOCKED(m, do_statvfs(m, sv));
}

static int fs_sync(void *fs)
{
    struct ext4_mount *m = fs;
    return LOCKED(m, libos_ext4fs_commit(m));
}

const struct libos_fs_ops libos_ext4fs_ops = {
    .lstat = fs_lstat,
    .open = fs_open,
    .readlink = fs_readlink,
    .mkdir = fs_mkdir,
    .unlink = fs_unlink,
    .rmdir = fs_rmdir,
    .rename = fs_rename,
    .link = fs_link,
    .symlink = fs_symlink,
    .chmod = fs_chmod,
    .chown = fs_chown,
    .truncate = fs_truncate,
    .utimens = fs_utimens,
    .statvfs = fs_statvfs,
    .sync = fs_sync,
};

/* Read-only: the VFS fails every change -EROFS (after ENOENT, EEXIST... where POSIX puts them
 * first); open refuses writing itself. */
const struct libos_fs_ops libos_ext4fs_ro_ops = {
    .lstat = fs_lstat,
    .open = fs_open,
    .readlink = fs_readlink,
    .statvfs = fs_statvfs,
};

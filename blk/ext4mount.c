/*
 * Mounting ext2/3/4 file systems (libos/ext4.h): the checks that decide whether a disk mounts,
 * read-write or read-only or not at all, the commit timer, the command line's libos.mount= words
 * (libos_ext4_init, the start sequence's step for DEVICES ext4), and the unmount of everything at
 * exit (an atexit handler, registered by the first mount: exit() and returning from main run
 * it; _exit() and panics do not, and the journal covers them).
 *
 * What mounts:
 * - Incompatible features libext2fs cannot keep consistent (casefold, encrypt, MMP, a journal
 *   on another device, any it does not know) refuse the mount; read-only-compatible ones it
 *   cannot keep (bigalloc, quota, verity, project, unknown ones) mount read-only. One line says
 *   which.
 * - A journal that needs recovery is replayed first (libos_ext4_recover); one on a read-only disk
 *   cannot be, and refuses the mount.
 * - Without a journal (ext2): marked not clean (s_state) while mounted read-write, clean again at
 *   unmount; one left not clean (or with errors) mounts read-only only, with a line asking for
 *   `e2fsck -p` on the host.
 */
#include <libos/blk.h>
#include <libos/boot.h>
#include <libos/ext4.h>
#include <libos/time.h>

#include "ext4fs_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The committer thread must run while the program reads the console: a reading thread then
 * blocks instead of spinning (this reference links libos/vfs/console_wait.c). */
static const char *const need_console_blocking __attribute__((used)) = &libos_console_blocking;

#define COMMIT_NS 5000000000ULL /* commit every 5 s when something changed */

static struct ext4_mount *mounts;
static unsigned next_index;

int libos_ext4fs_commit(struct ext4_mount *m)
{
    if (m->ro)
        return 0;
    int r = libos_ext4_commit(m->fs);
    if (r == 0)
        m->dirty = 0;
    return r;
}

static void committer(void *arg)
{
    struct ext4_mount *m = arg;
    while (!m->stop) {
        libos_wait(&m->timerq, libos_time_monotonic_ns() + COMMIT_NS);
        libos_ext4fs_lock(m);
        if (m->dirty && !m->stop && libos_ext4fs_commit(m) < 0)
            libos_printk("libos: ext4: %s: commit failed\n", m->disk);
        libos_ext4fs_unlock(m);
    }
}

/* "16M", "512K", "1G", "4096": bytes, or -1. */
static long long parse_size(const char *s, size_t n)
{
    long long v = 0;
    size_t i = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        if (v > (1LL << 50))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    if (i == 0)
        return -1;
    if (i + 1 == n) {
        switch (s[i]) {
        case 'K': case 'k': return v << 10;
        case 'M': case 'm': return v << 20;
        case 'G': case 'g': return v << 30;
        default: return -1;
        }
    }
    return i == n ? v : -1;
}

/* opts: "ro", "cache=SIZE", comma-separated. */
static int parse_opts(const char *disk, const char *opts, int *flags, size_t *cache)
{
    for (const char *p = opts; p && *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        long long v;
        if (n == 2 && memcmp(p, "ro", 2) == 0) {
            *flags |= LIBOS_EXT4_RDONLY;
        } else if (n > 6 && memcmp(p, "cache=", 6) == 0 && (v = parse_size(p + 6, n - 6)) >= 0) {
            *cache = (size_t)v;
        } else {
            char word[32];
            size_t k = n < sizeof word - 1 ? n : sizeof word - 1;
            memcpy(word, p, k);
            word[k] = '\0';
            libos_printk("libos: ext4: %s: unknown mount option '%s' (known: ro, cache=SIZE)\n", disk, word);
            return -EINVAL;
        }
        p = end ? end + 1 : p + n;
    }
    return 0;
}

static const struct {
    unsigned incompat, ro_compat;
    const char *name;
} refused[] = {
    {EXT4_FEATURE_INCOMPAT_CASEFOLD, 0, "casefold"},
    {EXT4_FEATURE_INCOMPAT_ENCRYPT, 0, "encrypt"},
    {EXT4_FEATURE_INCOMPAT_MMP, 0, "mmp"},
    {EXT3_FEATURE_INCOMPAT_JOURNAL_DEV, 0, "journal_dev"},
    {0, EXT4_FEATURE_RO_COMPAT_BIGALLOC, "bigalloc"},
    {0, EXT4_FEATURE_RO_COMPAT_QUOTA, "quota"},
    {0, EXT4_FEATURE_RO_COMPAT_VERITY, "verity"},
    {0, EXT4_FEATURE_RO_COMPAT_PROJECT, "project"},
    {0, EXT4_FEATURE_RO_COMPAT_SHARED_BLOCKS, "shared_blocks"},
    {0, EXT4_FEATURE_RO_COMPAT_READONLY, "read-only"},
};

/* Incompatible features libos writes and reads; anything else refuses the mount. */
#define INCOMPAT_OK                                                                                \
    (EXT2_FEATURE_INCOMPAT_FILETYPE | EXT3_FEATURE_INCOMPAT_RECOVER | EXT3_FEATURE_INCOMPAT_EXTENTS |  \
     EXT4_FEATURE_INCOMPAT_FLEX_BG | EXT4_FEATURE_INCOMPAT_64BIT | EXT4_FEATURE_INCOMPAT_INLINE_DATA | \
     EXT4_FEATURE_INCOMPAT_CSUM_SEED | EXT4_FEATURE_INCOMPAT_LARGEDIR | EXT2_FEATURE_INCOMPAT_META_BG | \
     EXT4_FEATURE_INCOMPAT_EA_INODE)
#define RO_COMPAT_OK                                                                               \
    (EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | EXT2_FEATURE_RO_COMPAT_LARGE_FILE |                     \
     EXT4_FEATURE_RO_COMPAT_HUGE_FILE | EXT4_FEATURE_RO_COMPAT_GDT_CSUM |                          \
     EXT4_FEATURE_RO_COMPAT_DIR_NLINK | EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE |                       \
     EXT4_FEATURE_RO_COMPAT_METADATA_CSUM | EXT4_FEATURE_RO_COMPAT_ORPHAN_PRESENT)

/* The superblock as it is on disk (1024 bytes at offset 1024), before libext2fs opens it. */
static int read_super(struct libos_blk *dev, struct ext2_super_block *sb)
{
    if (libos_blk_size(dev) < 2048)
        return -EIO;
    if (libos_blk_block_size(dev) > 1024) {
        char *buf = malloc(libos_blk_block_size(dev) * 2);
        if (!buf)
            return -ENOMEM;
        uint32_t bs = libos_blk_block_size(dev);
        int r = libos_blk_read(dev, 1024 / bs * bs, buf, bs * (1024 % bs ? 2 : 1));
        memcpy(sb, buf + 1024 % bs, sizeof *sb);
        free(buf);
        return r;
    }
    return libos_blk_read(dev, 1024, sb, sizeof *sb);
}

#define FAIL(fmt, ...) (libos_printk("libos: ext4: %s: cannot mount at %s: " fmt "\n", disk, path, ##__VA_ARGS__))

/* What the superblock's features allow: 0 (read-write), 1 (read-only, said why), -1 (refused). */
static int features_allow(const char *disk, const char *path, const struct ext2_super_block *sb, int want_rw)
{
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        if (sb->s_feature_incompat & refused[i].incompat) {
            FAIL("the file system has feature '%s', which libos cannot keep consistent", refused[i].name);
            return -1;
        }
    }
    unsigned unknown = sb->s_feature_incompat & ~(unsigned)INCOMPAT_OK;
    if (unknown) {
        FAIL("the file system has incompatible features libos does not know (0x%x)", unknown);
        return -1;
    }
    if (sb->s_feature_compat & EXT3_FEATURE_COMPAT_HAS_JOURNAL && sb->s_journal_inum == 0) {
        FAIL("the journal is on another device (external journals are not supported)");
        return -1;
    }
    unsigned ro = sb->s_feature_ro_compat & ~(unsigned)RO_COMPAT_OK;
    if (ro && want_rw) {
        const char *name = NULL;
        for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
            if (ro & refused[i].ro_compat)
                name = refused[i].name;
        if (name)
            libos_printk("libos: ext4: %s: mounted read-only at %s: feature '%s' cannot be kept consistent\n",
                         disk, path, name);
        else
            libos_printk("libos: ext4: %s: mounted read-only at %s: read-only features libos does not know (0x%x)\n",
                         disk, path, ro);
        return 1;
    }
    return 0;
}

static void free_mount(struct ext4_mount *m)
{
    libos_dcache_clear(&m->dc);
    if (m->fs)
        ext2fs_free(m->fs);
    free(m);
}

int libos_ext4_mount(const char *disk, const char *path, int flags, const char *opts)
{
    size_t cache = 0;
    if (!disk || !path || strlen(path) >= PATH_MAX || !libos_vfs_path_canonical(path) || strlen(disk) >= sizeof mounts->disk) {
        libos_printk("libos: ext4: cannot mount %s at %s: the mount point must be an absolute canonical path\n",
                     disk ? disk : "(null)", path ? path : "(null)");
        return -EINVAL;
    }
    if (parse_opts(disk, opts, &flags, &cache) < 0)
        return -EINVAL;
    struct libos_blk *dev = libos_blk_find(disk);
    if (!dev) {
        FAIL("no such disk (the disks are vda, vdb, ... in the runner's --disk order)");
        return -ENODEV;
    }
    for (struct ext4_mount *o = mounts; o; o = o->next)
        if (strcmp(o->disk, disk) == 0 || strcmp(o->path, path) == 0) {
            FAIL("%s is mounted already at %s", o->disk, o->path);
            return -EBUSY;
        }
    struct ext2_super_block sb;
    int r = read_super(dev, &sb);
    if (r < 0) {
        FAIL("the disk is too small or cannot be read");
        return -EIO;
    }
    if (sb.s_magic != EXT2_SUPER_MAGIC) {
        FAIL("no ext2/ext3/ext4 file system on it (no superblock magic; make one with mke2fs -t ext4)");
        return -EINVAL;
    }
    int rw = !(flags & LIBOS_EXT4_RDONLY);
    if (rw && libos_blk_read_only(dev)) {
        libos_printk("libos: ext4: %s: mounted read-only at %s: the disk is read-only\n", disk, path);
        rw = 0;
    }
    int allow = features_allow(disk, path, &sb, rw);
    if (allow < 0)
        return -EINVAL;
    if (allow > 0)
        rw = 0;
    int journal = (sb.s_feature_compat & EXT3_FEATURE_COMPAT_HAS_JOURNAL) != 0;
    if (journal && (sb.s_feature_incompat & EXT3_FEATURE_INCOMPAT_RECOVER) && libos_blk_read_only(dev)) {
        FAIL("the journal needs recovery and the disk is read-only (replay it with e2fsck -p on the host)");
        return -EROFS;
    }
    if (journal && !libos_blk_read_only(dev)) { /* replayed if it needs it, read-only mounts too */
        if ((r = libos_ext4_recover(disk)) < 0)
            return -EIO; /* it printed why */
        if (read_super(dev, &sb) < 0) {
            FAIL("the disk cannot be read after the journal's replay");
            return -EIO;
        }
    }
    if (rw && !journal && (!(sb.s_state & EXT2_VALID_FS) || (sb.s_state & EXT2_ERROR_FS))) {
        libos_printk("libos: ext4: %s: mounted read-only at %s: the file system (no journal) was not unmounted "
                     "cleanly; run `e2fsck -p` on the image on the host to mount it read-write\n", disk, path);
        rw = 0;
    }

    static int messages;
    if (!messages++)
        initialize_ext2_error_table(); /* error_message's texts */
    struct ext4_mount *m = calloc(1, sizeof *m);
    if (!m)
        return -ENOMEM;
    strcpy(m->disk, disk);
    strcpy(m->path, path);
    m->ro = !rw;
    m->lockq = (struct libos_waitq)LIBOS_WAITQ_INIT("ext4 lock", 0);
    m->timerq = (struct libos_waitq)LIBOS_WAITQ_INIT("ext4 commit timer", 0);
    struct libos_ext4io_opts io = {cache};
    libos_ext4io_set_opts(&io);
    errcode_t e = ext2fs_open2(disk, NULL, (rw ? EXT2_FLAG_RW : 0) | EXT2_FLAG_64BITS, 0, 0, libos_ext4_io_manager,
                               &m->fs);
    if (e) {
        m->fs = NULL;
        FAIL("%s", error_message(e));
        free_mount(m);
        return e == EXT2_ET_RO_UNSUPP_FEATURE ? -EROFS : -EIO;
    }
    ext2_filsys fs = m->fs;
    fs->flags |= EXT2_FLAG_MASTER_SB_ONLY; /* as the kernel: backups are mke2fs's and resize's */
    blk64_t blocks = ext2fs_blocks_count(fs->super);
    if (blocks > libos_blk_size(dev) / fs->blocksize) {
        FAIL("the image is truncated: the file system has %llu blocks of %u bytes, the disk holds %llu",
             (unsigned long long)blocks, fs->blocksize, (unsigned long long)(libos_blk_size(dev) / fs->blocksize));
        free_mount(m);
        return -EIO;
    }
    const char *why;
    if (libos_ext2fs_check(fs, &why)) { /* before anything reads more: libos/ext2fs_check.h */
        FAIL("the superblock is damaged (%s); run e2fsck on the host", why);
        free_mount(m);
        return -EIO;
    }
    if ((e = ext2fs_check_desc(fs)) || (e = ext2fs_read_bitmaps(fs))) {
        FAIL("the group descriptors or bitmaps are damaged (%s); run e2fsck on the host", error_message(e));
        free_mount(m);
        return -EIO;
    }
    struct ext2_inode root;
    if ((e = ext2fs_read_inode(fs, EXT2_ROOT_INO, &root)) || !LINUX_S_ISDIR(root.i_mode)) {
        FAIL("the root directory's inode is damaged (%s); run e2fsck on the host",
             e ? error_message(e) : "not a directory");
        free_mount(m);
        return -EIO;
    }
    if (rw) {
        if ((r = libos_ext4_journal_start(fs)) < 0 || (r = libos_ext4fs_orphans(m)) < 0) {
            FAIL("%s", r == -EIO ? "the journal or the orphan list is damaged; run e2fsck on the host"
                                 : "cannot start the journal");
            free_mount(m);
            return r;
        }
        if (!journal) {
            fs->super->s_state &= (__u16)~EXT2_VALID_FS;
            m->mark_clean = 1;
        }
        fs->super->s_mnt_count++;
        fs->super->s_mtime = (__u32)time(NULL);
        ext2fs_mark_super_dirty(fs);
        if ((r = libos_ext4fs_commit(m)) < 0) {
            FAIL("the first commit failed");
            free_mount(m);
            return r;
        }
    }
    if ((r = libos_vfs_mount(m->path, rw ? &libos_ext4fs_ops : &libos_ext4fs_ro_ops, m)) < 0) {
        FAIL("the mount table is full");
        free_mount(m);
        return r;
    }
    m->index = next_index++;
    if (rw)
        m->committer = libos_thread_create(committer, m, 0, "ext4 commit");
    if (!mounts) {
        extern void libos_ext4_exit(void);
        atexit(libos_ext4_exit);
    }
    m->next = mounts;
    mounts = m;
    if (libos_boot_verbose())
        libos_printk("libos: ext4: %s mounted at %s (%s, %u-byte blocks)\n", disk, path, rw ? "read-write" : "read-only",
                     fs->blocksize);
    return 0;
}

static int unmount(struct ext4_mount *m, int force)
{
    libos_ext4fs_lock(m);
    if (m->open && !force) {
        libos_ext4fs_unlock(m);
        return -EBUSY;
    }
    m->stop = 1;
    int r = 0;
    if (!m->ro) {
        if (m->mark_clean)
            m->fs->super->s_state |= EXT2_VALID_FS;
        ext2fs_mark_super_dirty(m->fs);
        r = libos_ext4_journal_stop(m->fs); /* the last commit: everything is home after it */
    }
    ext2fs_free(m->fs); /* not ext2fs_close2: nothing may reach the disk past the journal */
    m->fs = NULL;
    libos_dcache_clear(&m->dc);
    libos_ext4fs_unlock(m);
    if (m->committer) {
        libos_wake_all(&m->timerq);
        libos_thread_join(m->committer);
    }
    libos_vfs_unmount(m->path);
    struct ext4_mount **pp = &mounts;
    while (*pp != m)
        pp = &(*pp)->next;
    *pp = m->next;
    if (r < 0)
        libos_printk("libos: ext4: %s: unmount at %s failed: the last changes may be lost\n", m->disk, m->path);
    if (!m->open) /* else (at exit) the open files keep it, and fail EIO from now on */
        free(m);
    return r;
}

int libos_ext4_unmount(const char *path)
{
    for (struct ext4_mount *m = mounts; m; m = m->next)
        if (strcmp(m->path, path) == 0)
            return unmount(m, 0);
    return -EINVAL;
}

int libos_ext4_sync(void)
{
    int first = 0;
    for (struct ext4_mount *m = mounts; m; m = m->next) {
        libos_ext4fs_lock(m);
        int r = libos_ext4fs_commit(m);
        libos_ext4fs_unlock(m);
        if (r < 0 && !first)
            first = r;
    }
    return first;
}

/* At exit: everything committed and unmounted cleanly, open files or not. stdio's buffers go
 * first: newlib closes its FILEs only after the atexit handlers. */
void libos_ext4_exit(void)
{
    fflush(NULL);
    while (mounts)
        unmount(mounts, 1);
}

/* libos.mount=DISK:/PATH[,ro][,cache=SIZE], one word per file system: checked here, at boot. */
LIBOS_PARAM_CLAIM(mount_claim, "libos.mount=", libos_param_any);

void libos_ext4_init(void)
{
    const char *w;
    for (unsigned i = 0; (w = libos_boot_param("libos.mount", i)); i++) {
        char disk[16], path[PATH_MAX];
        const char *colon = strchr(w, ':');
        const char *comma = colon ? strchr(colon, ',') : NULL;
        size_t dn = colon ? (size_t)(colon - w) : 0;
        size_t pn = colon ? (comma ? (size_t)(comma - colon - 1) : strlen(colon + 1)) : 0;
        if (!colon || dn == 0 || dn >= sizeof disk || pn == 0 || pn >= sizeof path) {
            libos_printk("libos: boot failed: ext4: libos.mount=%s: expected libos.mount=DISK:/PATH[,ro][,cache=SIZE]\n", w);
            libos_exit(LIBOS_EXIT_PANIC);
        }
        memcpy(disk, w, dn);
        disk[dn] = '\0';
        memcpy(path, colon + 1, pn);
        path[pn] = '\0';
        if (libos_ext4_mount(disk, path, 0, comma ? comma + 1 : NULL) < 0) {
            libos_printk("libos: boot failed: ext4: libos.mount=%s did not mount (see above)\n", w);
            libos_exit(LIBOS_EXIT_PANIC);
        }
    }
}

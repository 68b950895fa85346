/*
 * The ext4 io_manager, block cache and jbd2 journal (blk/ext4io.c, bcache.c, journal.c) on
 * images made by the host's mke2fs, through the host's libext2fs built from the same source, over
 * a file-backed libos/blk.h (host/blk_file.c). Judged by the host's real tools:
 *   - our transaction, "crashed" right after its commit block: e2fsck -fy replays it, and so does
 *     libos_ext4_recover; e2fsck -fn is clean after either, debugfs shows the new file;
 *   - a torn transaction (commit block missing, or corrupted) is replayed by neither;
 *   - a journal debugfs wrote (jo/jw/jc, with a revoke) is replayed by ours as by e2fsck;
 *   - an ordinary mount, commits and unmount leave a clean disk with the files byte-exact;
 * for ext4 with metadata_csum (journal csum v3, 64bit tags), without it, with 1 KiB blocks and
 * without 64bit. Also prints the device requests and flushes of two commits (tests/bench figures).
 */
#include "blk_file.h"
#include "check.h"
#include "ext4io.h"
#include "journal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static int sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    return rc == -1 ? -1 : WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

static const char *path(const char *name)
{
    static char buf[8][128];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

/* debugfs's cat of /name equals want (len bytes). */
static int cat_is(const char *img, const char *name, const void *want, size_t len)
{
    char out[256];
    snprintf(out, sizeof out, "%s.cat", img);
    if (sh("debugfs -R 'cat /%s' %s > %s 2>/dev/null", name, img, out))
        return 0;
    FILE *f = fopen(out, "rb");
    if (!f)
        return 0;
    char *got = malloc(len + 1);
    size_t n = fread(got, 1, len + 1, f);
    fclose(f);
    int ok = n == len && !memcmp(got, want, len);
    free(got);
    return ok;
}

static int exists(const char *img, const char *name)
{
    return sh("debugfs -R 'stat /%s' %s 2>&1 | grep -q 'Inode:'", name, img) == 0;
}

static int fsck_clean(const char *img)
{
    return sh("e2fsck -fn %s >%s.fsck 2>&1", img, img) == 0;
}

static ext2_filsys mount_rw(const char *disk)
{
    ext2_filsys fs = NULL;
    errcode_t e = ext2fs_open2(disk, NULL, EXT2_FLAG_RW | EXT2_FLAG_64BITS, 0, 0,
                               libos_ext4_io_manager, &fs);
    if (!CHECK(e == 0))
        return NULL;
    fs->flags |= EXT2_FLAG_MASTER_SB_ONLY;
    CHECK_EQ(0, ext2fs_read_bitmaps(fs));
    CHECK_EQ(0, libos_ext4_journal_start(fs));
    return fs;
}

/* A regular file /name in the root, written through libext2fs (metadata) or, with data set,
 * allocated then written with libos_ext4io_write_data in runs. */
static ext2_ino_t make_file(ext2_filsys fs, const char *name, const void *buf, size_t len,
                            int data)
{
    ext2_ino_t ino;
    struct ext2_inode in;
    CHECK_EQ(0, ext2fs_new_inode(fs, EXT2_ROOT_INO, 0100644, NULL, &ino));
    errcode_t e = ext2fs_link(fs, EXT2_ROOT_INO, name, ino, EXT2_FT_REG_FILE);
    if (e == EXT2_ET_DIR_NO_SPACE) {
        CHECK_EQ(0, ext2fs_expand_dir(fs, EXT2_ROOT_INO));
        e = ext2fs_link(fs, EXT2_ROOT_INO, name, ino, EXT2_FT_REG_FILE);
    }
    CHECK_EQ(0, e);
    memset(&in, 0, sizeof in);
    in.i_mode = 0100644;
    in.i_links_count = 1;
    in.i_atime = in.i_ctime = in.i_mtime = (__u32)time(NULL);
    if (ext2fs_has_feature_extents(fs->super))
        in.i_flags |= EXT4_EXTENTS_FL;
    CHECK_EQ(0, ext2fs_write_new_inode(fs, ino, &in));
    if (ext2fs_has_feature_extents(fs->super)) {
        ext2_extent_handle_t h;
        CHECK_EQ(0, ext2fs_extent_open2(fs, ino, &in, &h));
        ext2fs_extent_free(h);
        CHECK_EQ(0, ext2fs_write_inode(fs, ino, &in));
    }
    ext2fs_inode_alloc_stats2(fs, ino, +1, 0);
    if (!data) {
        ext2_file_t f;
        unsigned got;
        CHECK_EQ(0, ext2fs_file_open(fs, ino, EXT2_FILE_WRITE, &f));
        CHECK_EQ(0, ext2fs_file_write(f, buf, (unsigned)len, &got));
        CHECK_EQ(len, got);
        CHECK_EQ(0, ext2fs_file_close(f));
        return ino;
    }
    uint32_t bs = fs->blocksize;
    blk64_t nblk = (len + bs - 1) / bs;
    CHECK_EQ(0, ext2fs_read_inode(fs, ino, &in));
    CHECK_EQ(0, ext2fs_fallocate(fs, EXT2_FALLOCATE_FORCE_INIT, ino, &in, ~0ULL, 0, nblk));
    CHECK_EQ(0, ext2fs_inode_size_set(fs, &in, len));
    CHECK_EQ(0, ext2fs_write_inode(fs, ino, &in));
    for (blk64_t l = 0; l < nblk;) {
        blk64_t p, q;
        CHECK_EQ(0, ext2fs_bmap2(fs, ino, &in, NULL, 0, l, NULL, &p));
        blk64_t run = 1;
        while (l + run < nblk && run < 1024 &&
               !ext2fs_bmap2(fs, ino, &in, NULL, 0, l + run, NULL, &q) && q == p + run)
            run++;
        CHECK_EQ(0, libos_ext4io_write_data(fs->io, p, (int)run, (const char *)buf + l * bs));
        l += run;
    }
    return ino;
}

static void crash(ext2_filsys fs, const char *disk)
{
    host_blk_freeze(disk, 1);
    libos_ext4_journal_stop(fs); /* fails: the disk is gone; frees the journal */
    ext2fs_close_free(&fs);
    host_blk_detach(disk);
}

static void unmount(ext2_filsys fs, const char *disk)
{
    CHECK_EQ(0, libos_ext4_journal_stop(fs));
    CHECK_EQ(0, ext2fs_close_free(&fs));
    host_blk_detach(disk);
}

static const char hello[] = "hello from libos's journal\n";

/* Our transaction, crashed after its commit block; torn: 0 intact, 1 commit block zeroed, 2 one
 * byte of it changed (checksummed journals only; else the magic). Replayed by e2fsck and by us. */
static void crash_case(const char *mkfs_opts, int torn)
{
    printf("-- crash after commit, mke2fs %s, torn %d\n", mkfs_opts, torn);
    const char *base = path("base.img"), *a = path("a.img"), *b = path("b.img");
    CHECK_EQ(0, sh("mke2fs -q -F -t ext4 %s %s 64M >/dev/null 2>&1", mkfs_opts, base));
    CHECK_EQ(0, host_blk_attach("vda", base));
    ext2_filsys fs = mount_rw("vda");
    if (!fs)
        return;
    int csum = ext2fs_has_feature_metadata_csum(fs->super);
    /* one ordinary transaction, checkpointed, then the one that crashes */
    make_file(fs, "first.txt", "first\n", 6, 0);
    CHECK_EQ(0, libos_ext4_commit(fs));
    make_file(fs, "hello.txt", hello, sizeof hello - 1, 0);
    libos_ext4_test_crash_after_commit = 1;
    CHECK_EQ(0, libos_ext4_commit(fs));
    uint64_t cblk = libos_ext4_last_commit.commit_blk;
    uint32_t bs = fs->blocksize;
    CHECK(cblk != 0);
    crash(fs, "vda");
    if (torn) {
        FILE *f = fopen(base, "r+b");
        uint8_t *blk = calloc(1, bs);
        if (torn == 2) {
            CHECK_EQ(0, fseeko(f, (off_t)(cblk * bs), SEEK_SET));
            CHECK_EQ(bs, fread(blk, 1, bs, f));
            if (csum)
                blk[60] ^= 0x40; /* in the commit time */
            else
                blk[1] ^= 0x40; /* the magic */
        }
        CHECK_EQ(0, fseeko(f, (off_t)(cblk * bs), SEEK_SET));
        CHECK_EQ(bs, fwrite(blk, 1, bs, f));
        fclose(f);
        free(blk);
    }
    /* Before any replay: the file is not home (the test can fail), the disk needs recovery. */
    CHECK(!exists(base, "hello.txt"));
    CHECK(exists(base, "first.txt"));
    CHECK_EQ(0, sh("dumpe2fs -h %s 2>/dev/null | grep -q needs_recovery", base));
    /* (a) e2fsck's replay */
    CHECK_EQ(0, sh("cp %s %s", base, a));
    int rc = sh("e2fsck -fy %s >%s.fix 2>&1", a, a);
    CHECK(rc == 0 || rc == 1);
    CHECK(fsck_clean(a));
    CHECK(torn ? !exists(a, "hello.txt") : cat_is(a, "hello.txt", hello, sizeof hello - 1));
    CHECK(cat_is(a, "first.txt", "first\n", 6));
    /* (b) ours */
    CHECK_EQ(0, sh("cp %s %s", base, b));
    CHECK_EQ(0, host_blk_attach("vdb", b));
    CHECK_EQ(0, libos_ext4_recover("vdb"));
    host_blk_detach("vdb");
    CHECK(fsck_clean(b));
    CHECK(torn ? !exists(b, "hello.txt") : cat_is(b, "hello.txt", hello, sizeof hello - 1));
    CHECK(cat_is(b, "first.txt", "first\n", 6));
    CHECK(sh("dumpe2fs -h %s 2>/dev/null | grep -q needs_recovery", b) != 0);
    /* and it mounts and commits again afterwards */
    CHECK_EQ(0, host_blk_attach("vdb", b));
    fs = mount_rw("vdb");
    if (fs) {
        make_file(fs, "again.txt", "again\n", 6, 0);
        unmount(fs, "vdb");
        CHECK(fsck_clean(b));
        CHECK(cat_is(b, "again.txt", "again\n", 6));
    }
}

/* Revoke: a block the previous transaction logged (a small file's block, written by libext2fs)
 * becomes file data (rewritten with write_data); the next transaction crashes after its commit
 * block, and the journal superblock is set back to the previous transaction, as if its update had
 * been lost: replay runs both, and the revoke record keeps the old copy off the new data. */
static void revoke_case(const char *mkfs_opts)
{
    printf("-- revoke, mke2fs %s\n", mkfs_opts);
    const char *base = path("r.img"), *a = path("ra.img"), *b = path("rb.img");
    CHECK_EQ(0, sh("mke2fs -q -F -t ext4 %s %s 64M >/dev/null 2>&1", mkfs_opts, base));
    CHECK_EQ(0, host_blk_attach("vda", base));
    ext2_filsys fs = mount_rw("vda");
    if (!fs)
        return;
    uint32_t bs = fs->blocksize;
    char *old = malloc(bs), *new = malloc(bs);
    memset(old, 'o', bs);
    memset(new, 'n', bs);
    ext2_ino_t ino = make_file(fs, "r.txt", old, bs, 0);
    CHECK_EQ(0, libos_ext4_commit(fs));
    unsigned long pstart = libos_ext4_last_commit.start, pseq = libos_ext4_last_commit.seq;
    blk64_t p = 0;
    CHECK_EQ(0, ext2fs_bmap2(fs, ino, NULL, NULL, 0, 0, NULL, &p));
    CHECK_EQ(0, libos_ext4io_write_data(fs->io, p, 1, new));
    make_file(fs, "s.txt", "s\n", 2, 0);
    libos_ext4_test_crash_after_commit = 1;
    CHECK_EQ(0, libos_ext4_commit(fs));
    CHECK_EQ(pseq + 1, libos_ext4_last_commit.seq);
    crash(fs, "vda");
    /* the journal superblock as before the last commit */
    ext2_filsys ro;
    CHECK_EQ(0, host_blk_attach("vda", base));
    CHECK_EQ(0, ext2fs_open2("vda", NULL, EXT2_FLAG_64BITS, 0, 0, libos_ext4_io_manager, &ro));
    blk64_t jsb = 0;
    CHECK_EQ(0, ext2fs_bmap2(ro, ro->super->s_journal_inum, NULL, NULL, 0, 0, NULL, &jsb));
    ext2fs_close_free(&ro);
    host_blk_detach("vda");
    FILE *f = fopen(base, "r+b");
    uint8_t *sb = malloc(bs);
    CHECK_EQ(0, fseeko(f, (off_t)(jsb * bs), SEEK_SET));
    CHECK_EQ(bs, fread(sb, 1, bs, f));
    uint32_t v[2] = {(uint32_t)pseq, (uint32_t)pstart};
    for (int i = 0; i < 2; i++) /* s_sequence at 0x18, s_start at 0x1c, big-endian */
        for (int k = 0; k < 4; k++)
            sb[0x18 + 4 * i + k] = (uint8_t)(v[i] >> (24 - 8 * k));
    if (sb[0x28 + 3] & 0x18) { /* csum v2/v3: the superblock checksum, crc32c at 0xfc */
        memset(sb + 0xfc, 0, 4);
        uint32_t c = ext2fs_crc32c_le(~0u, sb, 1024);
        for (int k = 0; k < 4; k++)
            sb[0xfc + k] = (uint8_t)(c >> (24 - 8 * k));
    }
    CHECK_EQ(0, fseeko(f, (off_t)(jsb * bs), SEEK_SET));
    CHECK_EQ(bs, fwrite(sb, 1, bs, f));
    fclose(f);
    free(sb);
    CHECK_EQ(0, sh("cp %s %s && cp %s %s", base, a, base, b));
    int rc = sh("e2fsck -fy %s >%s.fix 2>&1", a, a);
    CHECK(rc == 0 || rc == 1);
    CHECK(fsck_clean(a));
    CHECK(cat_is(a, "r.txt", new, bs));
    CHECK(cat_is(a, "s.txt", "s\n", 2));
    CHECK_EQ(0, host_blk_attach("vdb", b));
    CHECK_EQ(0, libos_ext4_recover("vdb"));
    host_blk_detach("vdb");
    CHECK(fsck_clean(b));
    CHECK(cat_is(b, "r.txt", new, bs));
    CHECK(cat_is(b, "s.txt", "s\n", 2));
    free(old);
    free(new);
}

static int read_raw(const char *img, uint64_t blk, uint32_t bs, void *buf)
{
    FILE *f = fopen(img, "rb");
    if (!f)
        return -1;
    int ok = fseeko(f, (off_t)(blk * bs), SEEK_SET) == 0 && fread(buf, 1, bs, f) == bs;
    fclose(f);
    return ok ? 0 : -1;
}

/* A journal debugfs wrote: two transactions, the second revoking one block of the first. */
static void debugfs_case(const char *mkfs_opts, const char *jo_opts)
{
    printf("-- debugfs-written journal, mke2fs %s, jo %s\n", mkfs_opts, jo_opts);
    const char *base = path("dbase.img"), *a = path("da.img"), *b = path("db.img");
    const char *data = path("jdata"), *cmds = path("jcmds");
    CHECK_EQ(0, sh("mke2fs -q -F -t ext4 %s %s 64M >/dev/null 2>&1", mkfs_opts, base));
    uint32_t bs = 0;
    FILE *f = popen("true", "r");
    pclose(f);
    char out[256];
    snprintf(out, sizeof out, "dumpe2fs -h %s 2>/dev/null | sed -n 's/^Block size: *//p'", base);
    f = popen(out, "r");
    CHECK(fscanf(f, "%u", &bs) == 1);
    pclose(f);
    uint64_t blk0 = 12000;
    uint8_t *pat = malloc(3 * (size_t)bs), *orig = malloc(bs), *got = malloc(bs);
    for (size_t i = 0; i < 3 * (size_t)bs; i++)
        pat[i] = (uint8_t)(i * 7 + 1);
    f = fopen(data, "wb");
    fwrite(pat, 1, 3 * (size_t)bs, f);
    fclose(f);
    CHECK_EQ(0, read_raw(base, blk0 + 1, bs, orig));
    f = fopen(cmds, "w");
    fprintf(f, "jo %s\njw -b %llu,%llu,%llu %s\njw -r %llu\njc\n", jo_opts,
            (unsigned long long)blk0, (unsigned long long)blk0 + 1, (unsigned long long)blk0 + 2,
            data, (unsigned long long)blk0 + 1);
    fclose(f);
    CHECK_EQ(0, sh("debugfs -w -f %s %s >/dev/null 2>&1", cmds, base));
    CHECK_EQ(0, sh("dumpe2fs -h %s 2>/dev/null | grep -q needs_recovery", base));
    for (int who = 0; who < 2; who++) {
        const char *img = who ? b : a;
        CHECK_EQ(0, sh("cp %s %s", base, img));
        if (who) {
            CHECK_EQ(0, host_blk_attach("vdb", img));
            CHECK_EQ(0, libos_ext4_recover("vdb"));
            host_blk_detach("vdb");
        } else {
            int rc = sh("e2fsck -fy %s >%s.fix 2>&1", img, img);
            CHECK(rc == 0 || rc == 1);
        }
        CHECK(fsck_clean(img));
        CHECK_EQ(0, read_raw(img, blk0, bs, got));
        CHECK(!memcmp(got, pat, bs));
        CHECK_EQ(0, read_raw(img, blk0 + 1, bs, got));
        CHECK(!memcmp(got, orig, bs)); /* revoked */
        CHECK_EQ(0, read_raw(img, blk0 + 2, bs, got));
        CHECK(!memcmp(got, pat + 2 * bs, bs));
    }
    free(pat);
    free(orig);
    free(got);
}

/* Ordinary use: files through libext2fs and through the data path, commits, unmount; the
 * figures of a small-file commit and of a 16 MiB one. */
static void normal_case(const char *mkfs_opts)
{
    printf("-- mount, write, commit, unmount, mke2fs %s\n", mkfs_opts);
    const char *img = path("n.img");
    CHECK_EQ(0, sh("mke2fs -q -F -t ext4 %s %s 128M >/dev/null 2>&1", mkfs_opts, img));
    CHECK_EQ(0, host_blk_attach("vda", img));
    ext2_filsys fs = mount_rw("vda");
    if (!fs)
        return;
    CHECK_EQ(0, sh("dumpe2fs -h %s 2>/dev/null | grep -q needs_recovery", img));
    struct host_blk_counts *n = host_blk_counts("vda");
    make_file(fs, "small.txt", hello, sizeof hello - 1, 0);
    unsigned long w0 = n->writes, f0 = n->flushes;
    CHECK_EQ(0, libos_ext4_commit(fs));
    printf("figure: small file create + commit: %lu device writes, %lu flushes, %lu metadata "
           "blocks, %lu log blocks\n", n->writes - w0, n->flushes - f0,
           libos_ext4_last_commit.meta_blocks, libos_ext4_last_commit.log_blocks);
    CHECK_EQ(2, n->flushes - f0);
    size_t big = 16u << 20;
    uint8_t *buf = malloc(big);
    for (size_t i = 0; i < big; i++)
        buf[i] = (uint8_t)(i * 31 + (i >> 12));
    w0 = n->writes;
    f0 = n->flushes;
    make_file(fs, "big.bin", buf, big, 1);
    CHECK_EQ(0, libos_ext4_commit(fs));
    printf("figure: 16 MiB write + commit: %lu device writes, %lu flushes, %lu metadata blocks, "
           "%lu log blocks\n", n->writes - w0, n->flushes - f0,
           libos_ext4_last_commit.meta_blocks, libos_ext4_last_commit.log_blocks);
    CHECK_EQ(2, n->flushes - f0);
    CHECK(n->writes - w0 < 40);
    /* Nothing changed: a commit writes nothing but flushes once. */
    w0 = n->writes;
    f0 = n->flushes;
    sleep(1); /* a new second: s_wtime would change if the superblock were flushed */
    CHECK_EQ(0, libos_ext4_commit(fs));
    CHECK_EQ(0, n->writes - w0);
    CHECK_EQ(1, n->flushes - f0);
    /* Data overwritten in place (fdatasync's case): the data, one flush, no transaction. */
    blk64_t pb = 0;
    ext2_ino_t bino;
    CHECK_EQ(0, ext2fs_namei(fs, EXT2_ROOT_INO, EXT2_ROOT_INO, "big.bin", &bino));
    CHECK_EQ(0, ext2fs_bmap2(fs, bino, NULL, NULL, 0, 5, NULL, &pb));
    memset(buf + 5 * fs->blocksize, 0x5a, fs->blocksize);
    CHECK_EQ(0, libos_ext4io_write_data(fs->io, pb, 1, buf + 5 * fs->blocksize));
    w0 = n->writes;
    f0 = n->flushes;
    CHECK_EQ(0, libos_ext4_commit(fs));
    printf("figure: one data block overwritten + commit: %lu device writes, %lu flushes\n",
           n->writes - w0, n->flushes - f0);
    CHECK_EQ(1, n->writes - w0);
    CHECK_EQ(1, n->flushes - f0);
    /* Many small commits wrap the log. */
    int wrapped = 0;
    for (int i = 0; i < 700; i++) {
        char nm[32];
        unsigned long before = libos_ext4_last_commit.start;
        snprintf(nm, sizeof nm, "f%03d", i);
        make_file(fs, nm, nm, strlen(nm), 0);
        CHECK_EQ(0, libos_ext4_commit(fs));
        wrapped += libos_ext4_last_commit.start < before;
    }
    CHECK(wrapped > 0);
    /* and a crash after the wrap replays */
    make_file(fs, "last.txt", hello, sizeof hello - 1, 0);
    libos_ext4_test_crash_after_commit = 1;
    CHECK_EQ(0, libos_ext4_commit(fs));
    crash(fs, "vda");
    CHECK(!exists(img, "last.txt"));
    CHECK_EQ(0, host_blk_attach("vda", img));
    CHECK_EQ(0, libos_ext4_recover("vda"));
    fs = mount_rw("vda");
    if (!fs)
        return;
    unmount(fs, "vda");
    CHECK(fsck_clean(img));
    CHECK(sh("dumpe2fs -h %s 2>/dev/null | grep -q needs_recovery", img) != 0);
    CHECK(cat_is(img, "small.txt", hello, sizeof hello - 1));
    CHECK(cat_is(img, "big.bin", buf, big));
    CHECK(cat_is(img, "f699", "f699", 4));
    CHECK(cat_is(img, "last.txt", hello, sizeof hello - 1));
    free(buf);
}

int main(void)
{
    if (sh("mke2fs -V >/dev/null 2>&1 && e2fsck -V >/dev/null 2>&1 && debugfs -V >/dev/null 2>&1")) {
        printf("mke2fs, e2fsck and debugfs are needed\n");
        return 1;
    }
    snprintf(dir, sizeof dir, "/tmp/unit_journal.%d", (int)getpid());
    sh("mkdir -p %s", dir);
    static const char *const configs[] = {"", "-O ^metadata_csum", "-b 1024", "-O ^64bit"};
    for (unsigned c = 0; c < sizeof configs / sizeof *configs; c++)
        for (int torn = 0; torn < 3; torn++)
            crash_case(configs[c], torn);
    revoke_case("");
    revoke_case("-b 1024 -O ^metadata_csum,^64bit");
    debugfs_case("", "-c -v 3");
    debugfs_case("-b 1024 -O ^metadata_csum", "");
    debugfs_case("-O ^64bit", "-c -v 2");
    normal_case("");
    normal_case("-b 1024 -O ^metadata_csum");
    if (!check_failed && !getenv("UNIT_JOURNAL_KEEP"))
        sh("rm -rf %s", dir);
    else
        printf("images left in %s\n", dir);
    return CHECK_DONE();
}

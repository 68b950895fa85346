/*
 * jbd2 journal writer and replay (journal.h), written from the format as the kernel's
 * Documentation/filesystems/ext4/journal.rst describes it (our own structures, by offset: every
 * journal field is big-endian).
 *
 * Log layout of one of our transactions (one per libos_ext4_commit), in log blocks, wrapping from
 * s_maxlen-1 to s_first:
 *     descriptor (tags) | its blocks' copies | ... | revoke block(s) | commit block
 * Every commit writes its blocks home right after (checkpoint), so at most the last committed
 * transaction (and, while the next one commits, the one before it) can need replay: the journal
 * superblock's s_start moves to each transaction as it commits. Revoke records are written for
 * blocks of the previous transaction that became file data since (docs/ext4.md says why).
 */
#include "journal.h"

#include "bcache.h"
#include "ext4io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int libos_ext4_test_crash_after_commit;
struct libos_ext4_commit_stats libos_ext4_last_commit;

/* Block header: magic, blocktype, sequence. */
#define JMAGIC 0xC03B3998u
#define JT_DESC 1
#define JT_COMMIT 2
#define JT_SB1 3
#define JT_SB2 4
#define JT_REVOKE 5
/* Journal superblock offsets. */
#define JSB_BLOCKSIZE 0x0C
#define JSB_MAXLEN 0x10
#define JSB_FIRST 0x14
#define JSB_SEQUENCE 0x18
#define JSB_START 0x1C
#define JSB_COMPAT 0x24
#define JSB_INCOMPAT 0x28
#define JSB_UUID 0x30
#define JSB_NR_USERS 0x40
#define JSB_CSUM_TYPE 0x50
#define JSB_NUM_FC 0x54
#define JSB_CHECKSUM 0xFC
#define JSB_SIZE 1024
/* Features. */
#define JI_REVOKE 0x1
#define JI_64BIT 0x2
#define JI_ASYNC_COMMIT 0x4
#define JI_CSUM_V2 0x8
#define JI_CSUM_V3 0x10
#define JI_FAST_COMMIT 0x20
#define JI_KNOWN (JI_REVOKE | JI_64BIT | JI_ASYNC_COMMIT | JI_CSUM_V2 | JI_CSUM_V3)
#define JC_CHECKSUM 0x1
#define CSUM_CRC32C 4
/* Tag flags. */
#define TF_ESCAPE 1
#define TF_SAME_UUID 2
#define TF_DELETED 4
#define TF_LAST 8
/* Commit block: h_chksum_type at 12, h_chksum_size 13, h_chksum[0] at 16, commit_sec 48 (be64),
 * commit_nsec 56. */
#define CB_CSUM 16
#define CB_SEC 48
#define CB_NSEC 56

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

struct jrun {
    uint32_t lblk, len;
    uint64_t pblk;
};

struct journal {
    ext2_filsys fs;
    struct bcache *bc;
    uint32_t bs;
    struct jrun *runs;
    size_t nruns;
    uint8_t *sb;              /* the journal superblock's block, as on disk */
    uint32_t first, maxlen;   /* log blocks [first, maxlen) */
    uint32_t incompat;
    int csum;                 /* 0, 2 or 3 */
    uint32_t seed;            /* crc32c of the journal's UUID */
    uint32_t seq;             /* the next transaction's sequence */
    uint32_t head;            /* the next free log block */
    uint32_t prev_start, prev_len; /* the last committed transaction's log blocks */
    uint64_t *prev;           /* its home blocks, ascending */
    size_t nprev;
    uint64_t *revoke;         /* revoke records of the running transaction */
    size_t nrevoke, caprevoke;
};

static uint32_t crc(uint32_t seed, const void *p, size_t n)
{
    return ext2fs_crc32c_le(seed, p, n);
}

static uint64_t log_to_phys(const struct journal *j, uint32_t lblk)
{
    for (size_t i = 0; i < j->nruns; i++)
        if (lblk >= j->runs[i].lblk && lblk < j->runs[i].lblk + j->runs[i].len)
            return j->runs[i].pblk + (lblk - j->runs[i].lblk);
    return 0;
}

/* Longest physically contiguous stretch from log block lblk, at most max. */
static uint32_t phys_run(const struct journal *j, uint32_t lblk, uint32_t max)
{
    for (size_t i = 0; i < j->nruns; i++)
        if (lblk >= j->runs[i].lblk && lblk < j->runs[i].lblk + j->runs[i].len) {
            uint32_t n = j->runs[i].lblk + j->runs[i].len - lblk;
            return n < max ? n : max;
        }
    return 0;
}

static uint32_t wrap(const struct journal *j, uint32_t lblk)
{
    return lblk >= j->maxlen ? j->first + (lblk - j->maxlen) : lblk;
}

/* The device writes for n log blocks from log block at (wrapping), physically contiguous ones
 * coalesced, into io (room for max); their count, or -EIO. */
static int log_ios(const struct journal *j, uint32_t at, uint32_t n, const uint8_t *buf,
                   struct bcache_io *io, unsigned max)
{
    unsigned k = 0;
    while (n) {
        uint32_t lim = j->maxlen - at < n ? j->maxlen - at : n;
        uint32_t c = phys_run(j, at, lim);
        if (!c || k == max)
            return -EIO;
        io[k++] = (struct bcache_io){log_to_phys(j, at), c, buf};
        buf += (size_t)c * j->bs;
        n -= c;
        at = wrap(j, at + c);
    }
    return (int)k;
}

/* Write n log blocks from log block at (wrapping), coalescing physically contiguous ones. */
static int log_write(struct journal *j, uint32_t at, uint32_t n, const uint8_t *buf)
{
    while (n) {
        uint32_t lim = j->maxlen - at < n ? j->maxlen - at : n;
        uint32_t k = phys_run(j, at, lim);
        if (!k)
            return -EIO;
        int rc = libos_bcache_dev_write(j->bc, log_to_phys(j, at), k, buf);
        if (rc)
            return rc;
        buf += (size_t)k * j->bs;
        n -= k;
        at = wrap(j, at + k);
    }
    return 0;
}

static int log_read(struct journal *j, uint32_t at, uint8_t *buf)
{
    uint64_t p = log_to_phys(j, at);
    return p ? libos_bcache_dev_read(j->bc, p, 1, buf) : -EIO;
}

static uint32_t tag_bytes(const struct journal *j)
{
    if (j->csum == 3)
        return 16; /* the v3 tag keeps its blocknr_high word even without 64BIT */
    uint32_t sz = 12 + (j->csum == 2 ? 2 : 0);
    return j->incompat & JI_64BIT ? sz : sz - 4;
}

static void sb_csum_set(struct journal *j)
{
    if (!j->csum)
        return;
    put32(j->sb + JSB_CHECKSUM, 0);
    put32(j->sb + JSB_CHECKSUM, crc(~0u, j->sb, JSB_SIZE));
}

static void tail_csum_set(const struct journal *j, uint8_t *blk)
{
    if (!j->csum)
        return;
    put32(blk + j->bs - 4, 0);
    put32(blk + j->bs - 4, crc(j->seed, blk, j->bs));
}

static int tail_csum_ok(const struct journal *j, uint8_t *blk)
{
    if (!j->csum)
        return 1;
    uint32_t want = get32(blk + j->bs - 4);
    put32(blk + j->bs - 4, 0);
    int ok = crc(j->seed, blk, j->bs) == want;
    put32(blk + j->bs - 4, want);
    return ok;
}

static uint32_t block_csum(const struct journal *j, uint32_t seq, const uint8_t *data)
{
    uint8_t s[4];
    put32(s, seq);
    return crc(crc(j->seed, s, 4), data, j->bs);
}

static void journal_free(struct journal *j)
{
    if (!j)
        return;
    free(j->runs);
    free(j->sb);
    free(j->prev);
    free(j->revoke);
    free(j);
}

/* Find and check the journal of fs: map the inode's blocks, read its superblock. who names the
 * caller in error lines (NULL: no line). */
static int journal_load(ext2_filsys fs, struct journal **out, const char *who)
{
    struct ext2_super_block *s = fs->super;
    *out = NULL;
    if (!ext2fs_has_feature_journal(s))
        return 0;
    if (s->s_journal_inum == 0 || ext2fs_has_feature_journal_dev(s)) {
        if (who)
            printf("libos: ext4: %s: %s: the journal is on another device (external journals are not "
                   "supported)\n", fs->device_name, who);
        return -EINVAL;
    }
    struct journal *j = calloc(1, sizeof *j);
    if (!j)
        return -ENOMEM;
    j->fs = fs;
    j->bc = libos_ext4io_cache(fs->io);
    j->bs = fs->blocksize;
    struct ext2_inode inode;
    errcode_t e = ext2fs_read_inode(fs, s->s_journal_inum, &inode);
    uint64_t nblk = e ? 0 : EXT2_I_SIZE(&inode) / j->bs;
    if (e || nblk < 1024 || nblk > (1u << 30) || !j->bc) {
        if (who)
            printf("libos: ext4: %s: %s: the journal inode %u is unusable\n", fs->device_name, who,
                   s->s_journal_inum);
        journal_free(j);
        return -EINVAL;
    }
    size_t cap = 0;
    for (uint64_t l = 0; l < nblk; l++) {
        blk64_t p = 0;
        e = ext2fs_bmap2(fs, s->s_journal_inum, &inode, NULL, 0, l, NULL, &p);
        if (e || !p || p >= ext2fs_blocks_count(s)) {
            if (who)
                printf("libos: ext4: %s: %s: journal block %llu is not mapped\n", fs->device_name, who,
                       (unsigned long long)l);
            journal_free(j);
            return -EINVAL;
        }
        struct jrun *r = j->nruns ? &j->runs[j->nruns - 1] : NULL;
        if (r && r->pblk + r->len == p) {
            r->len++;
            continue;
        }
        if (j->nruns == cap) {
            cap = cap ? cap * 2 : 8;
            struct jrun *nr = realloc(j->runs, cap * sizeof *nr);
            if (!nr) {
                journal_free(j);
                return -ENOMEM;
            }
            j->runs = nr;
        }
        j->runs[j->nruns++] = (struct jrun){(uint32_t)l, 1, p};
    }
    j->sb = malloc(j->bs);
    if (!j->sb || log_read(j, 0, j->sb)) {
        int rc = j->sb ? -EIO : -ENOMEM;
        journal_free(j);
        return rc;
    }
    uint8_t *b = j->sb;
    uint32_t type = get32(b + 4);
    j->maxlen = get32(b + JSB_MAXLEN);
    j->first = get32(b + JSB_FIRST);
    j->incompat = type == JT_SB2 ? get32(b + JSB_INCOMPAT) : 0;
    const char *bad = NULL;
    if (get32(b) != JMAGIC || (type != JT_SB1 && type != JT_SB2))
        bad = "no jbd2 superblock";
    else if (get32(b + JSB_BLOCKSIZE) != j->bs)
        bad = "its block size is not the file system's";
    else if (j->maxlen > nblk || j->first < 1 || j->first + 16 > j->maxlen)
        bad = "its size does not fit its inode";
    else if (j->incompat & ~(uint32_t)JI_KNOWN)
        bad = j->incompat & JI_FAST_COMMIT ? "fast commits are not supported"
                                           : "unknown incompatible features";
    else if (type == JT_SB2 && get32(b + JSB_NR_USERS) > 1)
        bad = "it is shared by several file systems";
    j->csum = j->incompat & JI_CSUM_V3 ? 3 : j->incompat & JI_CSUM_V2 ? 2 : 0;
    if (!bad && j->csum) {
        uint32_t want = get32(b + JSB_CHECKSUM);
        if (b[JSB_CSUM_TYPE] != CSUM_CRC32C)
            bad = "unknown checksum type";
        else {
            put32(b + JSB_CHECKSUM, 0);
            if (crc(~0u, b, JSB_SIZE) != want)
                bad = "bad superblock checksum";
            put32(b + JSB_CHECKSUM, want);
        }
    }
    if (bad) {
        if (who)
            printf("libos: ext4: %s: %s: unusable journal: %s\n", fs->device_name, who, bad);
        journal_free(j);
        return -EINVAL;
    }
    j->seed = crc(~0u, b + JSB_UUID, 16);
    j->seq = get32(b + JSB_SEQUENCE);
    j->head = j->first;
    *out = j;
    return 0;
}

/* ---- replay ---- */

struct revtab {
    uint64_t *blk;
    uint32_t *seq;
    size_t n, cap;
};

static struct revtab rt;

static int rev_add(uint64_t blk, uint32_t seq)
{
    for (size_t i = 0; i < rt.n; i++)
        if (rt.blk[i] == blk) {
            if ((int32_t)(seq - rt.seq[i]) > 0)
                rt.seq[i] = seq;
            return 0;
        }
    if (rt.n == rt.cap) {
        size_t cap = rt.cap ? rt.cap * 2 : 64;
        uint64_t *b = realloc(rt.blk, cap * sizeof *b);
        if (b)
            rt.blk = b;
        uint32_t *s = realloc(rt.seq, cap * sizeof *s);
        if (s)
            rt.seq = s;
        if (!b || !s)
            return -ENOMEM;
        rt.cap = cap;
    }
    rt.blk[rt.n] = blk;
    rt.seq[rt.n++] = seq;
    return 0;
}

static int rev_hit(uint64_t blk, uint32_t seq)
{
    for (size_t i = 0; i < rt.n; i++)
        if (rt.blk[i] == blk)
            return (int32_t)(rt.seq[i] - seq) >= 0;
    return 0;
}

enum { P_SCAN, P_REVOKE, P_REPLAY };

/* One pass over the log from s_start (jbd2's three: find the end, gather revokes, write the
 * blocks home). end: in the scan, the first sequence without a valid commit; later passes stop
 * there. */
static int pass(struct journal *j, int which, uint32_t *end, unsigned long *replayed)
{
    uint32_t at = get32(j->sb + JSB_START), seq = get32(j->sb + JSB_SEQUENCE);
    uint8_t *blk = malloc(j->bs), *data = malloc(j->bs);
    uint32_t tb = tag_bytes(j), steps = 0, logsize = j->maxlen - j->first;
    int rc = 0;
    if (!blk || !data) {
        rc = -ENOMEM;
        goto out;
    }
    for (;;) {
        if (which != P_SCAN && seq == *end)
            break;
        if (++steps > logsize || log_read(j, at, blk))
            break;
        if (get32(blk) != JMAGIC || get32(blk + 8) != seq)
            break;
        uint32_t type = get32(blk + 4);
        if (type == JT_DESC) {
            if (!tail_csum_ok(j, blk))
                break;
            uint32_t lim = j->bs - (j->csum ? 4 : 0), off = 12, n = 0;
            uint32_t data_at = wrap(j, at + 1);
            while (off + tb <= lim) {
                const uint8_t *t = blk + off;
                uint32_t flags = j->csum == 3 ? get32(t + 4) : get16(t + 6);
                uint64_t home = get32(t);
                if (j->incompat & JI_64BIT)
                    home |= (uint64_t)get32(t + 8) << 32;
                off += tb + (flags & TF_SAME_UUID ? 0 : 16);
                if (which == P_REPLAY && !rev_hit(home, seq)) {
                    uint32_t la = wrap(j, data_at + n);
                    if (log_read(j, la, data)) {
                        rc = -EIO;
                        goto out;
                    }
                    int ok = 1;
                    if (j->csum == 3)
                        ok = block_csum(j, seq, data) == get32(t + 12);
                    else if (j->csum == 2)
                        ok = (block_csum(j, seq, data) & 0xffff) == get16(t + 4);
                    if (!ok) {
                        printf("libos: ext4: %s: recover: block %llu of transaction %u has a bad "
                               "checksum, not replayed\n", j->fs->device_name,
                               (unsigned long long)home, seq);
                    } else if (home >= ext2fs_blocks_count(j->fs->super)) {
                        printf("libos: ext4: %s: recover: transaction %u names block %llu, past the "
                               "end\n", j->fs->device_name, seq, (unsigned long long)home);
                    } else {
                        if (flags & TF_ESCAPE)
                            put32(data, JMAGIC);
                        if ((rc = libos_bcache_dev_write(j->bc, home, 1, data)))
                            goto out;
                        ++*replayed;
                    }
                }
                n++;
                if (flags & TF_LAST)
                    break;
            }
            at = wrap(j, at + 1 + n);
            continue;
        }
        if (type == JT_COMMIT) {
            if (j->csum && which == P_SCAN) {
                uint32_t want = get32(blk + CB_CSUM);
                put32(blk + CB_CSUM, 0);
                if (crc(j->seed, blk, j->bs) != want)
                    break; /* a torn commit: the transaction ends the log, unreplayed */
            }
            seq++;
            at = wrap(j, at + 1);
            if (which == P_SCAN)
                *end = seq;
            continue;
        }
        if (type == JT_REVOKE) {
            if (!tail_csum_ok(j, blk))
                break;
            uint32_t used = get32(blk + 12), rs = j->incompat & JI_64BIT ? 8 : 4;
            if (which == P_REVOKE && used <= j->bs)
                for (uint32_t o = 16; o + rs <= used; o += rs) {
                    uint64_t b = rs == 8 ? (uint64_t)get32(blk + o) << 32 | get32(blk + o + 4)
                                         : get32(blk + o);
                    if ((rc = rev_add(b, seq)))
                        goto out;
                }
            at = wrap(j, at + 1);
            continue;
        }
        break;
    }
out:
    free(blk);
    free(data);
    return rc;
}

/* The fs superblock's RECOVER flag, written straight to the disk (not journaled). */
static int write_recover_flag(ext2_filsys fs, struct bcache *bc, int set)
{
    uint32_t bs = fs->blocksize, b = 1024 / bs, off = 1024 % bs;
    uint8_t *buf = malloc(bs);
    if (!buf)
        return -ENOMEM;
    int rc = libos_bcache_dev_read(bc, b, 1, buf);
    if (!rc) {
        struct ext2_super_block *s = (struct ext2_super_block *)(buf + off);
        if (set)
            s->s_feature_incompat |= EXT3_FEATURE_INCOMPAT_RECOVER;
        else
            s->s_feature_incompat &= ~EXT3_FEATURE_INCOMPAT_RECOVER;
        if (ext2fs_has_feature_metadata_csum(s))
            s->s_checksum = crc(~0u, s, offsetof(struct ext2_super_block, s_checksum));
        rc = libos_bcache_dev_write(bc, b, 1, buf);
    }
    free(buf);
    if (set)
        fs->super->s_feature_incompat |= EXT3_FEATURE_INCOMPAT_RECOVER;
    else
        fs->super->s_feature_incompat &= ~EXT3_FEATURE_INCOMPAT_RECOVER;
    return rc;
}

static void set_jsb(struct journal *j, uint32_t start, uint32_t seq)
{
    put32(j->sb + JSB_START, start);
    put32(j->sb + JSB_SEQUENCE, seq);
    sb_csum_set(j);
}

static int write_jsb(struct journal *j, uint32_t start, uint32_t seq)
{
    set_jsb(j, start, seq);
    return log_write(j, 0, 1, j->sb);
}

int libos_ext4_recover(const char *disk)
{
    /* A file system that does not open, or a journal that cannot be read while the file system
     * does not say it needs recovery, is the mount's to report (its open fails, or the journal's
     * start does): nothing to replay here. */
    ext2_filsys fs;
    errcode_t e = ext2fs_open2(disk, NULL, EXT2_FLAG_64BITS, 0, 0, libos_ext4_io_manager, &fs);
    if (e)
        return 0;
    struct journal *j;
    int needs = ext2fs_has_feature_journal_needs_recovery(fs->super);
    int rc = journal_load(fs, &j, needs ? "recover" : NULL);
    if (!needs)
        rc = 0;
    if (rc || !j)
        goto out;
    if (!ext2fs_has_feature_journal_needs_recovery(fs->super) && !get32(j->sb + JSB_START))
        goto out;
    uint32_t end = get32(j->sb + JSB_SEQUENCE);
    unsigned long replayed = 0;
    if (get32(j->sb + JSB_START)) {
        rt.n = 0;
        if (!(rc = pass(j, P_SCAN, &end, &replayed)) && !(rc = pass(j, P_REVOKE, &end, &replayed)))
            rc = pass(j, P_REPLAY, &end, &replayed);
        free(rt.blk);
        free(rt.seq);
        memset(&rt, 0, sizeof rt);
        if (rc)
            goto out;
        printf("libos: ext4: %s: recover: replayed %u transaction(s), %lu block(s)\n", disk,
               end - get32(j->sb + JSB_SEQUENCE), replayed);
    }
    /* Home blocks durable, then the journal empty (the next sequence skips any torn one's), then
     * RECOVER cleared. */
    if (!(rc = libos_bcache_dev_flush(j->bc)) && !(rc = write_jsb(j, 0, end + 1)) &&
        !(rc = libos_bcache_dev_flush(j->bc)) && !(rc = write_recover_flag(fs, j->bc, 0)))
        rc = libos_bcache_dev_flush(j->bc);
out:
    journal_free(j);
    ext2fs_close_free(&fs);
    return rc;
}

/* ---- writer ---- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* A data write: blocks the last committed transaction logged must not come back by replay. */
static void data_hook(void *arg, uint64_t blk, uint32_t count)
{
    struct journal *j = arg;
    for (uint32_t i = 0; i < count && j->nprev; i++) {
        uint64_t b = blk + i;
        if (!bsearch(&b, j->prev, j->nprev, sizeof b, cmp_u64))
            continue;
        size_t k;
        for (k = 0; k < j->nrevoke && j->revoke[k] != b; k++)
            ;
        if (k < j->nrevoke)
            continue;
        if (j->nrevoke == j->caprevoke) {
            size_t cap = j->caprevoke ? j->caprevoke * 2 : 64;
            uint64_t *r = realloc(j->revoke, cap * sizeof *r);
            if (!r)
                continue; /* XXX: without memory the revoke is lost; see docs/ext4.md */
            j->revoke = r;
            j->caprevoke = cap;
        }
        j->revoke[j->nrevoke++] = b;
    }
}

static int commit_meta(struct journal *j);

static int early_commit(void *arg)
{
    return commit_meta(arg);
}

static void count_start(struct journal *j, struct bcache_stats *st)
{
    *st = j->bc->st;
}

static void count_end(struct journal *j, const struct bcache_stats *st, unsigned long meta,
                      unsigned long logb)
{
    libos_ext4_last_commit.writes = (unsigned long)(j->bc->st.dev_writes - st->dev_writes);
    libos_ext4_last_commit.flushes = (unsigned long)(j->bc->st.dev_flushes - st->dev_flushes);
    libos_ext4_last_commit.meta_blocks = meta;
    libos_ext4_last_commit.log_blocks = logb;
    if (!logb)
        libos_ext4_last_commit.commit_blk = 0;
}

/* The cache's dirty metadata as one transaction, then home. */
static int commit_meta(struct journal *j)
{
    struct bcache *bc = j->bc;
    struct bcache_stats st0;
    count_start(j, &st0);
    struct bcache_ent **v;
    long n = libos_bcache_dirty_meta(bc, &v);
    if (n < 0)
        return (int)n;
    /* A block logged again now is not revoked (a revoke would cancel this copy too). */
    size_t nr = 0;
    for (size_t i = 0; i < j->nrevoke; i++) {
        int logged = 0;
        for (long k = 0; k < n && !logged; k++)
            logged = v[k]->blk == j->revoke[i];
        if (!logged)
            j->revoke[nr++] = j->revoke[i];
    }
    j->nrevoke = nr;
    int rc;
    if (!n && !nr) {
        free(v);
        if (!(rc = libos_bcache_writeback(bc, BC_DATA)))
            rc = libos_bcache_dev_flush(bc);
        count_end(j, &st0, 0, 0);
        return rc;
    }
    uint32_t bs = j->bs, tb = tag_bytes(j), tail = j->csum ? 4 : 0;
    uint32_t rs = j->incompat & JI_64BIT ? 8 : 4;
    uint32_t per_rev = (bs - 16 - tail) / rs;
    /* Count descriptor blocks: the first tag of each carries the UUID. */
    uint32_t ndesc = 0;
    for (long i = 0; i < n;) {
        uint32_t off = 12 + tb + 16, lim = bs - tail;
        i++;
        while (i < n && off + tb <= lim) {
            off += tb;
            i++;
        }
        ndesc++;
    }
    uint32_t nrev = nr ? (uint32_t)((nr + per_rev - 1) / per_rev) : 0;
    uint32_t total = ndesc + (uint32_t)n + nrev + 1, logsize = j->maxlen - j->first;
    if (total > logsize / 2) {
        printf("libos: ext4: %s: commit: a transaction of %u blocks does not fit the journal (%u "
               "blocks)\n", j->fs->device_name, total, logsize);
        free(v);
        return -EFBIG;
    }
    /* The previous transaction's log blocks are kept until its home writes are durable: if this
     * one would reach them, make them durable and the journal empty first. */
    if (j->prev_len && total > logsize - j->prev_len) {
        if ((rc = libos_bcache_dev_flush(bc)) || (rc = write_jsb(j, 0, j->seq)) ||
            (rc = libos_bcache_dev_flush(bc))) {
            free(v);
            return rc;
        }
        j->prev_len = 0;
        j->nprev = 0;
    }
    uint8_t *buf = calloc(total, bs);
    if (!buf) {
        free(v);
        return -ENOMEM;
    }
    uint32_t seq = j->seq, start = j->head, k = 0;
    for (long i = 0; i < n;) {
        uint8_t *d = buf + (size_t)k++ * bs;
        put32(d, JMAGIC);
        put32(d + 4, JT_DESC);
        put32(d + 8, seq);
        uint32_t off = 12, lim = bs - tail;
        int firsttag = 1;
        uint8_t *lasttag = NULL;
        while (i < n && off + tb + (firsttag ? 16 : 0) <= lim) {
            uint8_t *copy = buf + (size_t)k++ * bs, *t = d + off;
            memcpy(copy, v[i]->data, bs);
            uint32_t flags = firsttag ? 0 : TF_SAME_UUID;
            if (get32(copy) == JMAGIC) {
                put32(copy, 0);
                flags |= TF_ESCAPE;
            }
            put32(t, (uint32_t)v[i]->blk);
            if (j->incompat & JI_64BIT)
                put32(t + 8, (uint32_t)(v[i]->blk >> 32));
            if (j->csum == 3) {
                put32(t + 4, flags);
                put32(t + 12, block_csum(j, seq, copy));
            } else {
                put16(t + 6, (uint16_t)flags);
                if (j->csum == 2)
                    put16(t + 4, (uint16_t)block_csum(j, seq, copy));
            }
            off += tb;
            if (firsttag) {
                memcpy(d + off, j->sb + JSB_UUID, 16);
                off += 16;
            }
            firsttag = 0;
            lasttag = t;
            i++;
        }
        if (j->csum == 3)
            put32(lasttag + 4, get32(lasttag + 4) | TF_LAST);
        else
            put16(lasttag + 6, get16(lasttag + 6) | TF_LAST);
        tail_csum_set(j, d);
    }
    for (size_t r = 0; r < nr;) {
        uint8_t *d = buf + (size_t)k++ * bs;
        put32(d, JMAGIC);
        put32(d + 4, JT_REVOKE);
        put32(d + 8, seq);
        uint32_t off = 16;
        for (uint32_t c = 0; c < per_rev && r < nr; c++, r++, off += rs) {
            if (rs == 8) {
                put32(d + off, (uint32_t)(j->revoke[r] >> 32));
                put32(d + off + 4, (uint32_t)j->revoke[r]);
            } else {
                put32(d + off, (uint32_t)j->revoke[r]);
            }
        }
        put32(d + 12, off);
        tail_csum_set(j, d);
    }
    uint8_t *cb = buf + (size_t)k * bs;
    put32(cb, JMAGIC);
    put32(cb + 4, JT_COMMIT);
    put32(cb + 8, seq);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    put32(cb + CB_SEC, (uint32_t)((uint64_t)now.tv_sec >> 32));
    put32(cb + CB_SEC + 4, (uint32_t)now.tv_sec);
    put32(cb + CB_NSEC, (uint32_t)now.tv_nsec);
    if (j->csum)
        put32(cb + CB_CSUM, crc(j->seed, cb, bs));
    /* The data written back and the log blocks, in flight together; FLUSH: data, these blocks
     * and the previous transaction's home writes are durable. Then the commit block and s_start
     * moved here (together), FLUSH: committed. */
    struct bcache_io io[BC_BATCH];
    int pieces = log_ios(j, start, total - 1, buf, io, BC_BATCH - 1);
    if (pieces < 0) { /* the log in more pieces than a call takes: one piece at a time */
        if (!(rc = libos_bcache_writeback(bc, BC_DATA)))
            rc = log_write(j, start, total - 1, buf);
    } else {
        rc = libos_bcache_writeback_with(bc, BC_DATA, io, (unsigned)pieces);
    }
    if (!rc && !(rc = libos_bcache_dev_flush(bc))) {
        set_jsb(j, start, seq);
        int c = log_ios(j, wrap(j, start + total - 1), 1, cb, io, 1);
        int s0 = c == 1 ? log_ios(j, 0, 1, j->sb, io + 1, 1) : -EIO;
        if (c != 1 || s0 != 1)
            rc = -EIO;
        else if (!(rc = libos_bcache_dev_writev(bc, io, 2)))
            rc = libos_bcache_dev_flush(bc);
    }
    free(buf);
    if (rc) {
        free(v);
        return rc;
    }
    uint64_t *prev = realloc(j->prev, (size_t)(n ? n : 1) * sizeof *prev);
    if (prev) {
        for (long i = 0; i < n; i++)
            prev[i] = v[i]->blk;
        j->prev = prev;
        j->nprev = (size_t)n;
    } else {
        j->nprev = 0; /* XXX: no revokes for it then; see docs/ext4.md */
    }
    j->prev_start = start;
    j->prev_len = total;
    j->head = wrap(j, start + total);
    j->seq = seq + 1;
    j->nrevoke = 0;
    libos_ext4_last_commit.commit_blk = log_to_phys(j, wrap(j, start + total - 1));
    libos_ext4_last_commit.start = start;
    libos_ext4_last_commit.seq = seq;
    free(v);
    if (libos_ext4_test_crash_after_commit) {
        libos_ext4_test_crash_after_commit = 0;
        libos_bcache_drop_meta(bc);
        count_end(j, &st0, (unsigned long)n, total);
        return 0;
    }
    /* Checkpoint: home, durable at the next commit's first FLUSH (or at stop). */
    rc = libos_bcache_writeback(bc, BC_META);
    count_end(j, &st0, (unsigned long)n, total);
    return rc;
}

static struct journal *attached(ext2_filsys fs)
{
    return libos_ext4io_journal(fs->io);
}

/* libext2fs's in-memory superblock, descriptors and bitmaps into the cache. */
static int flush_fs(ext2_filsys fs)
{
    /* Nothing of it changed: no flush (it would only move s_wtime, a block to journal). */
    if (!(fs->flags & (EXT2_FLAG_DIRTY | EXT2_FLAG_BB_DIRTY | EXT2_FLAG_IB_DIRTY)))
        return 0;
    int saved = fs->flags;
    fs->flags |= EXT2_FLAG_MASTER_SB_ONLY;
    errcode_t e = ext2fs_flush2(fs, EXT2_FLAG_FLUSH_NO_SYNC);
    fs->flags = (fs->flags & ~EXT2_FLAG_MASTER_SB_ONLY) | (saved & EXT2_FLAG_MASTER_SB_ONLY);
    return e ? -EIO : 0;
}

int libos_ext4_journal_start(ext2_filsys fs)
{
    if (!(fs->flags & EXT2_FLAG_RW))
        return -EROFS;
    struct journal *j;
    int rc = journal_load(fs, &j, "mount");
    if (rc || !j)
        return rc;
    if (get32(j->sb + JSB_START)) {
        printf("libos: ext4: %s: mount: the journal needs recovery (libos_ext4_recover first)\n",
               fs->device_name);
        journal_free(j);
        return -EINVAL;
    }
    /* The journal features Linux turns on when it loads the journal of such a file system:
     * revoke records, 64-bit tags on a 64bit one, v3 checksums with metadata_csum. */
    uint32_t inc = j->incompat | JI_REVOKE;
    if (ext2fs_has_feature_64bit(fs->super))
        inc |= JI_64BIT;
    if (ext2fs_has_feature_metadata_csum(fs->super))
        inc = (inc & ~(uint32_t)JI_CSUM_V2) | JI_CSUM_V3;
    if (inc != j->incompat && get32(j->sb + 4) == JT_SB2) {
        j->incompat = inc;
        put32(j->sb + JSB_INCOMPAT, inc);
        if (inc & JI_CSUM_V3) {
            put32(j->sb + JSB_COMPAT, get32(j->sb + JSB_COMPAT) & ~(uint32_t)JC_CHECKSUM);
            j->sb[JSB_CSUM_TYPE] = CSUM_CRC32C;
            j->csum = 3;
        }
        if ((rc = write_jsb(j, 0, j->seq))) {
            journal_free(j);
            return rc;
        }
    }
    /* Everything the open wrote goes home first; RECOVER is set straight on disk, as Linux does
     * while it has the journal loaded. */
    if ((rc = libos_bcache_writeback(j->bc, BC_ALL)) || (rc = write_recover_flag(fs, j->bc, 1)) ||
        (rc = libos_bcache_dev_flush(j->bc))) {
        journal_free(j);
        return rc;
    }
    /* What the cache holds of the superblock block is now the disk's (write_recover_flag went
     * through bcache_dev_write); libext2fs's copy has RECOVER too, so its flushes keep it. */
    j->bc->early_commit = early_commit;
    j->bc->data_hook = data_hook;
    j->bc->hook_arg = j;
    /* A transaction stays under half the log (commit_meta's limit), descriptors included. */
    j->bc->max_meta = (j->maxlen - j->first) / 2 - (j->maxlen - j->first) / 16;
    libos_ext4io_set_journal(fs->io, j);
    return 0;
}

int libos_ext4_commit(ext2_filsys fs)
{
    struct bcache *bc = libos_ext4io_cache(fs->io);
    if (!bc)
        return -EINVAL;
    if (!(fs->flags & EXT2_FLAG_RW))
        return 0;
    int rc = flush_fs(fs);
    if (rc)
        return rc;
    struct journal *j = attached(fs);
    if (!j) {
        if (!(rc = libos_bcache_writeback(bc, BC_ALL)))
            rc = libos_bcache_dev_flush(bc);
        return rc;
    }
    bc->in_commit = 1;
    rc = commit_meta(j);
    bc->in_commit = 0;
    return rc;
}

int libos_ext4_journal_stop(ext2_filsys fs)
{
    struct journal *j = attached(fs);
    if (!j)
        return libos_ext4_commit(fs);
    int rc = libos_ext4_commit(fs);
    /* Home writes durable, then the journal empty and RECOVER cleared (straight to disk). */
    if (!rc && !(rc = libos_bcache_dev_flush(j->bc)) && !(rc = write_jsb(j, 0, j->seq)) &&
        !(rc = write_recover_flag(fs, j->bc, 0)))
        rc = libos_bcache_dev_flush(j->bc);
    j->bc->early_commit = NULL;
    j->bc->data_hook = NULL;
    j->bc->hook_arg = NULL;
    j->bc->max_meta = 0;
    libos_ext4io_set_journal(fs->io, NULL);
    journal_free(j);
    return rc;
}

/*
 * The block cache (blk/bcache.c) against a memory disk that counts its requests: coalescing,
 * unchanged rewrites skipped, the memory bound (with and without dirty metadata), readahead, the
 * data bypass kept coherent with cached copies, write-back.
 */
#include "bcache.h"
#include "check.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define BS 1024
#define NBLK 4096

static uint8_t disk[(size_t)NBLK * BS];
static unsigned long reads, writes, flushes, written_blocks;

static int mread(void *ctx, uint64_t blk, uint32_t count, uint32_t bsize, void *buf)
{
    (void)ctx;
    reads++;
    memcpy(buf, disk + blk * bsize, (size_t)count * bsize);
    return 0;
}

static unsigned long write_calls, max_batch; /* device calls, and the most writes in one */

static int mwrite(void *ctx, const struct bcache_io *io, unsigned n, uint32_t bsize)
{
    (void)ctx;
    write_calls++;
    if (n > max_batch)
        max_batch = n;
    if (n == 0 || n > BC_BATCH)
        return -EINVAL;
    for (unsigned i = 0; i < n; i++) {
        writes++;
        written_blocks += io[i].count;
        memcpy(disk + io[i].blk * bsize, io[i].buf, (size_t)io[i].count * bsize);
    }
    return 0;
}

static int mflush(void *ctx)
{
    (void)ctx;
    flushes++;
    return 0;
}

static const struct bcache_dev dev = {NULL, mread, mwrite, mflush, sizeof disk};

static void fill(uint8_t *b, unsigned v)
{
    memset(b, (int)(v & 0xff), BS);
    b[0] = (uint8_t)(v >> 8);
}

static void reset(void)
{
    for (unsigned i = 0; i < NBLK; i++)
        fill(disk + (size_t)i * BS, i);
    reads = writes = flushes = written_blocks = write_calls = max_batch = 0;
}

static void test_coalescing(void)
{
    struct bcache bc;
    uint8_t b[BS];
    reset();
    libos_bcache_init(&bc, &dev, BS, 1 << 20);
    /* 100 adjacent blocks written one at a time, then a gap, then 10 more: two requests. */
    for (unsigned i = 0; i < 100; i++) {
        fill(b, 5000 + i);
        CHECK_EQ(0, libos_bcache_write(&bc, 200 + i, 1, b, BC_DIRTY_DATA));
    }
    for (unsigned i = 0; i < 10; i++) {
        fill(b, 6000 + i);
        CHECK_EQ(0, libos_bcache_write(&bc, 400 + i, 1, b, BC_DIRTY_META));
    }
    CHECK_EQ(0, writes);
    CHECK_EQ(0, libos_bcache_writeback(&bc, BC_DATA));
    CHECK_EQ(1, writes);
    CHECK_EQ(0, libos_bcache_writeback(&bc, BC_ALL));
    CHECK_EQ(2, writes);
    CHECK_EQ(110, written_blocks);
    fill(b, 5000 + 42);
    CHECK(!memcmp(disk + 242 * BS, b, BS));
    fill(b, 6009);
    CHECK(!memcmp(disk + 409 * BS, b, BS));
    /* Runs longer than BC_RUN_MAX are split. */
    for (unsigned i = 0; i < BC_RUN_MAX + 10; i++) {
        fill(b, 7000 + i);
        libos_bcache_write(&bc, 1000 + i, 1, b, BC_DIRTY_META);
    }
    writes = 0;
    CHECK_EQ(0, libos_bcache_writeback(&bc, BC_ALL));
    CHECK_EQ(2, writes);
    libos_bcache_destroy(&bc);
}

/* Scattered blocks go BC_BATCH writes to a device call; copied runs at most BC_RUN_MAX blocks a
 * call; the extra raw writes ride in the first call and update the cached copies. */
static void test_batching(void)
{
    struct bcache bc;
    uint8_t b[BS], x[2 * BS];
    reset();
    libos_bcache_init(&bc, &dev, BS, 4 << 20);
    for (unsigned i = 0; i < 40; i++) { /* 40 single blocks, none adjacent */
        fill(b, 9000 + i);
        CHECK_EQ(0, libos_bcache_write(&bc, 100 + 2 * i, 1, b, BC_DIRTY_META));
    }
    for (unsigned r = 0; r < 3; r++) /* three runs of 200 */
        for (unsigned i = 0; i < 200; i++) {
            fill(b, 10000 + r * 1000 + i);
            CHECK_EQ(0, libos_bcache_write(&bc, 1000 + r * 300 + i, 1, b, BC_DIRTY_META));
        }
    CHECK_EQ(0, libos_bcache_read(&bc, 3000, 1, b)); /* cached (clean), then written raw */
    fill(x, 77);
    fill(x + BS, 78);
    struct bcache_io extra[2] = {{3000, 1, x}, {3500, 1, x + BS}};
    CHECK_EQ(0, libos_bcache_writeback_with(&bc, BC_ALL, extra, 2));
    CHECK_EQ(45, writes);
    CHECK(max_batch <= BC_BATCH);
    /* 42 single writes need 3 calls; 3 runs of 200 copied blocks need 3: at least 3, at most 6 */
    CHECK(write_calls >= 3 && write_calls <= 6);
    CHECK_EQ(40 + 600 + 2, written_blocks);
    for (unsigned i = 0; i < 40; i++) {
        fill(b, 9000 + i);
        CHECK(!memcmp(disk + (size_t)(100 + 2 * i) * BS, b, BS));
    }
    for (unsigned r = 0; r < 3; r++)
        for (unsigned i = 0; i < 200; i += 37) {
            fill(b, 10000 + r * 1000 + i);
            CHECK(!memcmp(disk + (size_t)(1000 + r * 300 + i) * BS, b, BS));
        }
    CHECK(!memcmp(disk + (size_t)3000 * BS, x, BS) && !memcmp(disk + (size_t)3500 * BS, x + BS, BS));
    CHECK_EQ(0, libos_bcache_read(&bc, 3000, 1, b));
    CHECK(!memcmp(b, x, BS)); /* the cached copy took the raw write */
    writes = 0;
    CHECK_EQ(0, libos_bcache_writeback(&bc, BC_ALL)); /* all clean now */
    CHECK_EQ(0, writes);
    /* extra alone, nothing dirty: still written */
    fill(x, 79);
    CHECK_EQ(0, libos_bcache_writeback_with(&bc, BC_ALL, extra, 1));
    CHECK_EQ(1, writes);
    CHECK(!memcmp(disk + (size_t)3000 * BS, x, BS));
    libos_bcache_destroy(&bc);
}

static void test_unchanged(void)
{
    struct bcache bc;
    uint8_t b[BS];
    reset();
    libos_bcache_init(&bc, &dev, BS, 1 << 20);
    for (unsigned i = 0; i < 50; i++) {
        CHECK_EQ(0, libos_bcache_read(&bc, 10 + i, 1, b));
        CHECK_EQ(0, libos_bcache_write(&bc, 10 + i, 1, b, BC_DIRTY_META)); /* as ext2fs_flush does */
    }
    CHECK_EQ(50, bc.st.skipped);
    CHECK_EQ(0, bc.n_meta);
    writes = 0;
    CHECK_EQ(0, libos_bcache_writeback(&bc, BC_ALL));
    CHECK_EQ(0, writes);
    /* One changed among them: one write of one block. */
    libos_bcache_read(&bc, 30, 1, b);
    b[7] ^= 1;
    libos_bcache_write(&bc, 30, 1, b, BC_DIRTY_META);
    CHECK_EQ(1, bc.n_meta);
    CHECK_EQ(0, libos_bcache_writeback(&bc, BC_ALL));
    CHECK_EQ(1, writes);
    CHECK_EQ(1, written_blocks);
    libos_bcache_destroy(&bc);
}

static int commits;
static struct bcache *ecbc;
static int early(void *arg)
{
    (void)arg;
    commits++;
    return libos_bcache_writeback(ecbc, BC_META);
}

static void test_bound(void)
{
    struct bcache bc;
    uint8_t b[BS];
    reset();
    libos_bcache_init(&bc, &dev, BS, 200 * BS);
    CHECK_EQ(200, bc.max_blocks);
    for (unsigned i = 0; i < 2000; i += 3) {
        libos_bcache_read(&bc, i, 1, b);
        CHECK(bc.n <= 200);
    }
    /* Dirty data beyond the bound is written back, never lost. */
    for (unsigned i = 0; i < 1000; i++) {
        fill(b, 9000 + i);
        libos_bcache_write(&bc, 2000 + i * 2, 1, b, BC_DIRTY_DATA);
        CHECK(bc.n <= 200);
    }
    CHECK_EQ(0, bc.st.over_bound);
    /* Dirty metadata: kept, then the early commit makes room. */
    ecbc = &bc;
    bc.early_commit = early;
    for (unsigned i = 0; i < 500; i++) {
        fill(b, 11000 + i);
        libos_bcache_write(&bc, 100 + i, 1, b, BC_DIRTY_META);
        CHECK(bc.n <= 200);
    }
    CHECK(commits >= 2);
    CHECK_EQ(0, bc.st.over_bound);
    CHECK_EQ(0, libos_bcache_writeback(&bc, BC_ALL));
    int ok = 1;
    for (unsigned i = 0; i < 1000; i++) {
        fill(b, 9000 + i);
        ok &= !memcmp(disk + (size_t)(2000 + i * 2) * BS, b, BS);
    }
    for (unsigned i = 0; i < 500; i++) {
        fill(b, 11000 + i);
        ok &= !memcmp(disk + (size_t)(100 + i) * BS, b, BS);
    }
    CHECK(ok);
    /* Without an early commit, metadata is never dropped: the cache grows past the bound. */
    bc.early_commit = NULL;
    for (unsigned i = 0; i < 300; i++) {
        fill(b, 13000 + i);
        libos_bcache_write(&bc, 1000 + i, 1, b, BC_DIRTY_META);
    }
    CHECK_EQ(300, bc.n_meta);
    CHECK(bc.st.over_bound > 0);
    libos_bcache_destroy(&bc);
}

static void test_readahead(void)
{
    struct bcache bc;
    uint8_t b[BS], want[BS];
    reset();
    libos_bcache_init(&bc, &dev, BS, 1 << 20);
    int ok = 1;
    for (unsigned i = 0; i < 1000; i++) {
        libos_bcache_read(&bc, 500 + i, 1, b);
        fill(want, 500 + i);
        ok &= !memcmp(b, want, BS);
    }
    CHECK(ok);
    /* 4+8+16+32 then 64 at a time: about 20 requests for 1000 blocks, not 1000. */
    CHECK(reads <= 24);
    CHECK(reads >= 15);
    /* Random reads do not read ahead. */
    reads = 0;
    unsigned long before = bc.st.readahead;
    for (unsigned i = 0; i < 20; i++)
        libos_bcache_read(&bc, 3000 + i * 37, 1, b);
    CHECK_EQ(20, reads);
    CHECK_EQ(before, bc.st.readahead);
    /* Readahead never replaces a newer cached copy. */
    fill(b, 0xbeef);
    libos_bcache_write(&bc, 3505, 1, b, BC_DIRTY_DATA);
    for (unsigned i = 3500; i < 3510; i++)
        libos_bcache_read(&bc, i, 1, want);
    libos_bcache_read(&bc, 3505, 1, want);
    CHECK(!memcmp(b, want, BS));
    libos_bcache_destroy(&bc);
}

static void test_bypass(void)
{
    struct bcache bc;
    uint8_t b[BS], *run = malloc(64 * BS), *got = malloc(64 * BS);
    reset();
    libos_bcache_init(&bc, &dev, BS, 1 << 20);
    /* A cached dirty data copy and a dirty metadata one inside a large data run. */
    fill(b, 0x1111);
    libos_bcache_write(&bc, 105, 1, b, BC_DIRTY_DATA);
    fill(b, 0x2222);
    libos_bcache_write(&bc, 110, 1, b, BC_DIRTY_META);
    for (unsigned i = 0; i < 64; i++)
        fill(run + (size_t)i * BS, 0x3000 + i);
    writes = 0;
    CHECK_EQ(0, libos_bcache_write(&bc, 100, 64, run, BC_DIRTY_DATA));
    CHECK_EQ(1, writes);
    CHECK_EQ(0, bc.n_meta); /* the data write took 110 out of the transaction */
    CHECK_EQ(0, bc.n_data);
    libos_bcache_read(&bc, 105, 1, b);
    CHECK(!memcmp(b, run + 5 * BS, BS));
    CHECK_EQ(0, libos_bcache_writeback(&bc, BC_ALL));
    CHECK_EQ(1, writes); /* nothing stale written over the run */
    CHECK(!memcmp(disk + 100 * BS, run, 64 * BS));
    /* A large read sees newer cached copies. */
    fill(b, 0x4444);
    libos_bcache_write(&bc, 130, 1, b, BC_DIRTY_DATA);
    CHECK_EQ(0, libos_bcache_read(&bc, 100, 64, got));
    CHECK(!memcmp(got + 30 * BS, b, BS));
    CHECK(!memcmp(got, run, 30 * BS));
    /* A small data write over a dirty metadata block also takes it out. */
    fill(b, 0x5555);
    libos_bcache_write(&bc, 300, 1, b, BC_DIRTY_META);
    CHECK_EQ(1, bc.n_meta);
    fill(b, 0x6666);
    libos_bcache_write(&bc, 300, 1, b, BC_DIRTY_DATA);
    CHECK_EQ(0, bc.n_meta);
    /* The data hook hears of every data write. */
    libos_bcache_destroy(&bc);
    free(run);
    free(got);
}

static void test_writeback_flush(void)
{
    struct bcache bc;
    uint8_t b[BS];
    reset();
    libos_bcache_init(&bc, &dev, BS, 1 << 20);
    fill(b, 0x7777);
    libos_bcache_write(&bc, 50, 1, b, BC_DIRTY_DATA);
    CHECK(memcmp(disk + 50 * BS, b, BS));
    CHECK_EQ(0, libos_bcache_writeback(&bc, BC_DATA));
    CHECK_EQ(0, libos_bcache_dev_flush(&bc));
    CHECK(!memcmp(disk + 50 * BS, b, BS));
    CHECK_EQ(1, flushes);
    /* set_bsize writes everything back and starts over. */
    fill(b, 0x8888);
    libos_bcache_write(&bc, 60, 1, b, BC_DIRTY_META);
    CHECK_EQ(0, libos_bcache_set_bsize(&bc, 2 * BS));
    CHECK(!memcmp(disk + 60 * BS, b, BS));
    CHECK_EQ(0, bc.n);
    libos_bcache_destroy(&bc);
}

int main(void)
{
    test_batching();
    test_coalescing();
    test_unchanged();
    test_bound();
    test_readahead();
    test_bypass();
    test_writeback_flush();
    return CHECK_DONE();
}

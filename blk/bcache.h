/*
 * The block cache under the ext4 io_manager (blk/ext4io.c) and the journal (blk/journal.c).
 * Pure logic over a device ops table, so tests/unit/test_bcache.c runs this very file on the host.
 *
 * Blocks of one size (the channel's) keyed by number. Each cached block is CLEAN (same bytes as
 * the disk), DIRTY_META (written by libext2fs: belongs to the running journal transaction and is
 * written home only by libos_bcache_writeback(BC_META), after its commit) or DIRTY_DATA (file contents:
 * never journaled, written back before each commit's journal blocks, or earlier when memory is
 * short). Contract:
 *   - Errors are negative errno values from the device (or -ENOMEM). Single-threaded: the caller
 *     (the file system's per-mount lock) serialises every call.
 *   - A write whose bytes equal the cached copy changes nothing (counted in stats.skipped): this is
 *     what keeps ext2fs_flush's rewrite of every bitmap and descriptor block off the disk.
 *   - Memory: at most max_blocks cached blocks. Eviction takes the least recently used CLEAN block;
 *     DIRTY_DATA is written back (all of it, coalesced) to make room; DIRTY_META is never evicted:
 *     when only it is left, the early-commit callback runs (the journal commits what is dirty now)
 *     and then the oldest block goes. Without a callback (or if it fails) the cache grows past the
 *     bound rather than lose metadata (stats.over_bound counts that).
 *   - Reads return the newest copy. A miss right after the previous read's last block reads ahead,
 *     the window doubling from 4 to BC_RA_MAX blocks, in one device request.
 *   - A data run of BC_BYPASS blocks or more goes to (or comes from) the device directly; cached
 *     copies of its blocks are updated (and become CLEAN) so the cache stays coherent.
 *   - A data write to a block drops its DIRTY_META state (the block left the metadata), and is
 *     reported to the data_hook (the journal revokes the block if the last commit logged it).
 */
#ifndef LIBOS_BLK_BCACHE_H
#define LIBOS_BLK_BCACHE_H

#include <stddef.h>
#include <stdint.h>

#define BC_RA_MAX 64     /* blocks: the longest readahead */
#define BC_BYPASS 32     /* blocks: data runs at least this long skip the cache */
#define BC_RUN_MAX 256   /* blocks: the longest coalesced device write */
#define BC_BATCH 16      /* device writes handed over in one call (bcache_dev.write) */

enum { BC_CLEAN = 0, BC_DIRTY_META = 1, BC_DIRTY_DATA = 2 };
enum { BC_META = 1, BC_DATA = 2, BC_ALL = 3 }; /* masks for bcache_writeback */

/* One device write: count blocks from blk, out of buf. */
struct bcache_io {
    uint64_t blk;
    uint32_t count;
    const void *buf;
};

struct bcache_dev {
    void *ctx;
    int (*read)(void *ctx, uint64_t blk, uint32_t count, uint32_t bsize, void *buf);
    /* n (at most BC_BATCH) writes of ranges that do not overlap, done in any order, all of them
     * when it returns: the device can have them in flight together. */
    int (*write)(void *ctx, const struct bcache_io *io, unsigned n, uint32_t bsize);
    int (*flush)(void *ctx);
    uint64_t size; /* bytes */
};

struct bcache_stats {
    uint64_t dev_reads, dev_writes, dev_flushes; /* device requests */
    uint64_t blocks_read, blocks_written;
    uint64_t hits, misses, skipped, readahead, early_commits, over_bound;
};

struct bcache_ent {
    uint64_t blk;
    struct bcache_ent *hnext;        /* hash chain */
    struct bcache_ent *older, *newer; /* LRU list */
    uint8_t state;
    uint8_t *data;
};

struct bcache {
    struct bcache_dev dev;
    uint32_t bsize;
    size_t cache_bytes, max_blocks, n, n_meta, n_data;
    struct bcache_ent **hash;
    size_t nhash;
    struct bcache_ent *oldest, *newest;
    uint64_t ra_next;
    uint32_t ra_win;
    int (*early_commit)(void *arg);
    void (*data_hook)(void *arg, uint64_t blk, uint32_t count);
    void *hook_arg;
    size_t max_meta; /* early commit when this many blocks are DIRTY_META (0: only when full) */
    int in_commit;
    struct bcache_stats st;
};

int libos_bcache_init(struct bcache *bc, const struct bcache_dev *dev, uint32_t bsize, size_t cache_bytes);
/* Frees everything, writing nothing. */
void libos_bcache_destroy(struct bcache *bc);
/* Writes every dirty block back, empties the cache and changes the block size. */
int libos_bcache_set_bsize(struct bcache *bc, uint32_t bsize);

int libos_bcache_read(struct bcache *bc, uint64_t blk, uint32_t count, void *buf);
/* kind: BC_DIRTY_META or BC_DIRTY_DATA. */
int libos_bcache_write(struct bcache *bc, uint64_t blk, uint32_t count, const void *buf, int kind);
/* Prefetch up to count blocks from blk into the cache (clean), in one request. */
int libos_bcache_prefetch(struct bcache *bc, uint64_t blk, uint32_t count);

/* Write the dirty blocks whose kind is in mask (BC_META, BC_DATA) home, ascending, adjacent ones
 * in one request, up to BC_BATCH requests in each device call; they become CLEAN. No flush. */
int libos_bcache_writeback(struct bcache *bc, int mask);
/* The same, and the n raw writes in extra (as libos_bcache_dev_writev) in its first device call. */
int libos_bcache_writeback_with(struct bcache *bc, int mask, const struct bcache_io *extra, unsigned n);
/* The DIRTY_META blocks in ascending order: *out is malloc'ed (the caller frees it); their data
 * stays valid until the next call that changes the cache. Returns the count or -ENOMEM. */
long libos_bcache_dirty_meta(struct bcache *bc, struct bcache_ent ***out);
/* Forget DIRTY_META state (a test's crash, or a failed commit): those blocks are dropped. */
void libos_bcache_drop_meta(struct bcache *bc);

/* The device, counted, for the journal's own blocks: a raw write keeps cached copies coherent. */
int libos_bcache_dev_read(struct bcache *bc, uint64_t blk, uint32_t count, void *buf);
int libos_bcache_dev_write(struct bcache *bc, uint64_t blk, uint32_t count, const void *buf);
/* n (at most BC_BATCH) raw writes in one device call. */
int libos_bcache_dev_writev(struct bcache *bc, const struct bcache_io *io, unsigned n);
int libos_bcache_dev_flush(struct bcache *bc);

#endif

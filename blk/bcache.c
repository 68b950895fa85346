/*
 * The block cache (bcache.h): a hash table of blocks on an LRU list, write-back, coalescing,
 * unchanged-rewrite skipping, readahead and a hard bound on memory. Pure logic over the device
 * ops: tests/unit/test_bcache.c runs it on the host against a file.
 */
#include "bcache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static size_t hslot(const struct bcache *bc, uint64_t blk)
{
    return (size_t)((blk * 0x9E3779B97F4A7C15ull) >> 32) & (bc->nhash - 1);
}

static struct bcache_ent *lookup(const struct bcache *bc, uint64_t blk)
{
    for (struct bcache_ent *e = bc->hash[hslot(bc, blk)]; e; e = e->hnext)
        if (e->blk == blk)
            return e;
    return NULL;
}

static void lru_unlink(struct bcache *bc, struct bcache_ent *e)
{
    if (e->older)
        e->older->newer = e->newer;
    else
        bc->oldest = e->newer;
    if (e->newer)
        e->newer->older = e->older;
    else
        bc->newest = e->older;
    e->older = e->newer = NULL;
}

static void lru_touch(struct bcache *bc, struct bcache_ent *e)
{
    if (bc->newest == e)
        return;
    lru_unlink(bc, e);
    e->older = bc->newest;
    if (bc->newest)
        bc->newest->newer = e;
    else
        bc->oldest = e;
    bc->newest = e;
}

static void set_state(struct bcache *bc, struct bcache_ent *e, int state)
{
    if (e->state == BC_DIRTY_META)
        bc->n_meta--;
    else if (e->state == BC_DIRTY_DATA)
        bc->n_data--;
    e->state = (uint8_t)state;
    if (state == BC_DIRTY_META)
        bc->n_meta++;
    else if (state == BC_DIRTY_DATA)
        bc->n_data++;
}

static void free_ent(struct bcache *bc, struct bcache_ent *e)
{
    struct bcache_ent **p = &bc->hash[hslot(bc, e->blk)];
    while (*p != e)
        p = &(*p)->hnext;
    *p = e->hnext;
    lru_unlink(bc, e);
    set_state(bc, e, BC_CLEAN);
    bc->n--;
    free(e->data);
    free(e);
}

int libos_bcache_dev_read(struct bcache *bc, uint64_t blk, uint32_t count, void *buf)
{
    if ((blk + count) * bc->bsize > bc->dev.size)
        return -EINVAL;
    bc->st.dev_reads++;
    bc->st.blocks_read += count;
    return bc->dev.read(bc->dev.ctx, blk, count, bc->bsize, buf);
}

/* n (at most BC_BATCH) device writes in one call, counted. */
static int raw_writev(struct bcache *bc, const struct bcache_io *io, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if ((io[i].blk + io[i].count) * bc->bsize > bc->dev.size)
            return -EINVAL;
        bc->st.dev_writes++;
        bc->st.blocks_written += io[i].count;
    }
    return n ? bc->dev.write(bc->dev.ctx, io, n, bc->bsize) : 0;
}

/* Cached copies of blocks written around the cache take the new bytes and become CLEAN. */
static void cover(struct bcache *bc, uint64_t blk, uint32_t count, const void *buf)
{
    if (!bc->n)
        return;
    for (uint32_t i = 0; i < count; i++) {
        struct bcache_ent *e = lookup(bc, blk + i);
        if (e) {
            memcpy(e->data, (const uint8_t *)buf + (size_t)i * bc->bsize, bc->bsize);
            set_state(bc, e, BC_CLEAN);
        }
    }
}

int libos_bcache_dev_writev(struct bcache *bc, const struct bcache_io *io, unsigned n)
{
    int rc = raw_writev(bc, io, n);
    for (unsigned i = 0; i < n; i++)
        cover(bc, io[i].blk, io[i].count, io[i].buf);
    return rc;
}

int libos_bcache_dev_write(struct bcache *bc, uint64_t blk, uint32_t count, const void *buf)
{
    return libos_bcache_dev_writev(bc, &(struct bcache_io){blk, count, buf}, 1);
}

int libos_bcache_dev_flush(struct bcache *bc)
{
    bc->st.dev_flushes++;
    return bc->dev.flush(bc->dev.ctx);
}

int libos_bcache_init(struct bcache *bc, const struct bcache_dev *dev, uint32_t bsize, size_t cache_bytes)
{
    memset(bc, 0, sizeof *bc);
    bc->dev = *dev;
    bc->cache_bytes = cache_bytes;
    bc->bsize = bsize;
    bc->max_blocks = cache_bytes / bsize;
    if (bc->max_blocks < 2 * BC_RA_MAX)
        bc->max_blocks = 2 * BC_RA_MAX;
    bc->nhash = 64;
    while (bc->nhash < bc->max_blocks)
        bc->nhash <<= 1;
    bc->hash = calloc(bc->nhash, sizeof *bc->hash);
    return bc->hash ? 0 : -ENOMEM;
}

void libos_bcache_destroy(struct bcache *bc)
{
    while (bc->oldest)
        free_ent(bc, bc->oldest);
    free(bc->hash);
    bc->hash = NULL;
}

int libos_bcache_set_bsize(struct bcache *bc, uint32_t bsize)
{
    if (bsize == bc->bsize)
        return 0;
    int rc = libos_bcache_writeback(bc, BC_ALL);
    if (rc)
        return rc;
    struct bcache_dev dev = bc->dev;
    struct bcache_stats st = bc->st;
    int (*ec)(void *) = bc->early_commit;
    void (*dh)(void *, uint64_t, uint32_t) = bc->data_hook;
    void *arg = bc->hook_arg;
    libos_bcache_destroy(bc);
    rc = libos_bcache_init(bc, &dev, bsize, bc->cache_bytes);
    bc->st = st;
    bc->early_commit = ec;
    bc->data_hook = dh;
    bc->hook_arg = arg;
    return rc;
}

static int cmp_ent(const void *a, const void *b)
{
    uint64_t x = (*(struct bcache_ent *const *)a)->blk, y = (*(struct bcache_ent *const *)b)->blk;
    return x < y ? -1 : x > y;
}

static long collect(struct bcache *bc, int state, struct bcache_ent ***out)
{
    size_t want = state == BC_DIRTY_META ? bc->n_meta : bc->n_data, k = 0;
    *out = NULL;
    if (!want)
        return 0;
    struct bcache_ent **v = malloc(want * sizeof *v);
    if (!v)
        return -ENOMEM;
    for (struct bcache_ent *e = bc->oldest; e; e = e->newer)
        if (e->state == state)
            v[k++] = e;
    qsort(v, k, sizeof *v, cmp_ent);
    *out = v;
    return (long)k;
}

long libos_bcache_dirty_meta(struct bcache *bc, struct bcache_ent ***out)
{
    return collect(bc, BC_DIRTY_META, out);
}

void libos_bcache_drop_meta(struct bcache *bc)
{
    struct bcache_ent *e = bc->oldest, *next;
    for (; e; e = next) {
        next = e->newer;
        if (e->state == BC_DIRTY_META)
            free_ent(bc, e);
    }
}

/* Write the sorted entries v[0..n) home, runs of adjacent blocks (up to BC_RUN_MAX) in one
 * request each, BC_BATCH requests a device call, the first call with the raw writes in extra
 * (*nextra of them, set to 0 once they are written). A single block goes from its cache copy;
 * longer runs are copied together, at most BC_RUN_MAX blocks of copies a call. */
static int write_runs(struct bcache *bc, struct bcache_ent **v, size_t n, const struct bcache_io *extra,
                      unsigned *nextra)
{
    uint8_t *buf = NULL;
    struct bcache_io io[BC_BATCH];
    int rc = 0;
    for (size_t i = 0; (i < n || *nextra) && !rc;) {
        unsigned k = 0;
        for (; k < *nextra; k++) {
            io[k] = extra[k];
            cover(bc, extra[k].blk, extra[k].count, extra[k].buf);
        }
        size_t first = i, copied = 0;
        while (i < n && k < BC_BATCH) {
            size_t j = i + 1;
            while (j < n && j - i < BC_RUN_MAX && v[j]->blk == v[j - 1]->blk + 1)
                j++;
            if (j - i == 1) {
                io[k++] = (struct bcache_io){v[i]->blk, 1, v[i]->data};
            } else {
                if (copied + (j - i) > BC_RUN_MAX)
                    break; /* the next call's */
                if (!buf && !(buf = malloc((size_t)BC_RUN_MAX * bc->bsize)))
                    return -ENOMEM;
                uint8_t *dst = buf + copied * bc->bsize;
                for (size_t m = i; m < j; m++)
                    memcpy(dst + (m - i) * bc->bsize, v[m]->data, bc->bsize);
                io[k++] = (struct bcache_io){v[i]->blk, (uint32_t)(j - i), dst};
                copied += j - i;
            }
            i = j;
        }
        rc = raw_writev(bc, io, k);
        *nextra = 0;
        if (!rc)
            for (size_t m = first; m < i; m++)
                set_state(bc, v[m], BC_CLEAN);
    }
    free(buf);
    return rc;
}

int libos_bcache_writeback_with(struct bcache *bc, int mask, const struct bcache_io *extra, unsigned nextra)
{
    for (int state = BC_DIRTY_META; state <= BC_DIRTY_DATA; state++) {
        if (!(mask & state))
            continue;
        struct bcache_ent **v;
        long n = collect(bc, state, &v);
        if (n < 0)
            return (int)n;
        int rc = write_runs(bc, v, (size_t)n, extra, &nextra);
        free(v);
        if (rc)
            return rc;
    }
    return nextra ? libos_bcache_dev_writev(bc, extra, nextra) : 0;
}

int libos_bcache_writeback(struct bcache *bc, int mask)
{
    return libos_bcache_writeback_with(bc, mask, NULL, 0);
}

/* Room for one more block: see the eviction order in bcache.h. */
static int make_room(struct bcache *bc)
{
    if (bc->n < bc->max_blocks)
        return 0;
    for (int pass = 0; pass < 3; pass++) {
        for (struct bcache_ent *e = bc->oldest; e; e = e->newer) {
            if (e->state == BC_CLEAN) {
                free_ent(bc, e);
                return 0;
            }
        }
        if (pass == 0 && bc->n_data) {
            int rc = libos_bcache_writeback(bc, BC_DATA);
            if (rc)
                return rc;
        } else if (pass == 1 && bc->n_meta && bc->early_commit && !bc->in_commit) {
            bc->st.early_commits++;
            bc->in_commit = 1;
            int rc = bc->early_commit(bc->hook_arg);
            bc->in_commit = 0;
            if (rc)
                break;
        }
    }
    bc->st.over_bound++;
    return 0;
}

static struct bcache_ent *insert(struct bcache *bc, uint64_t blk, const void *src, int state)
{
    if (make_room(bc))
        return NULL;
    struct bcache_ent *e = calloc(1, sizeof *e);
    if (!e || !(e->data = malloc(bc->bsize))) {
        free(e);
        return NULL;
    }
    e->blk = blk;
    memcpy(e->data, src, bc->bsize);
    size_t h = hslot(bc, blk);
    e->hnext = bc->hash[h];
    bc->hash[h] = e;
    e->older = bc->newest;
    if (bc->newest)
        bc->newest->newer = e;
    else
        bc->oldest = e;
    bc->newest = e;
    bc->n++;
    set_state(bc, e, state);
    return e;
}

/* Read [blk, blk+count) from the device into the cache, stopping before the first block already
 * cached (its copy may be newer than the disk's). */
static int fill(struct bcache *bc, uint64_t blk, uint32_t count)
{
    uint64_t end = bc->dev.size / bc->bsize;
    uint32_t n = 0;
    while (n < count && blk + n < end && (n == 0 || !lookup(bc, blk + n)))
        n++;
    if (!n)
        return -EINVAL;
    uint8_t *buf = malloc((size_t)n * bc->bsize);
    if (!buf)
        return -ENOMEM;
    int rc = libos_bcache_dev_read(bc, blk, n, buf);
    for (uint32_t i = 0; !rc && i < n; i++)
        if (!lookup(bc, blk + i) && !insert(bc, blk + i, buf + (size_t)i * bc->bsize, BC_CLEAN))
            rc = -ENOMEM;
    free(buf);
    return rc;
}

int libos_bcache_prefetch(struct bcache *bc, uint64_t blk, uint32_t count)
{
    if (count > BC_RA_MAX)
        count = BC_RA_MAX;
    if (!count || lookup(bc, blk))
        return 0;
    bc->st.readahead += count;
    return fill(bc, blk, count);
}

int libos_bcache_read(struct bcache *bc, uint64_t blk, uint32_t count, void *buf)
{
    uint8_t *out = buf;
    if (count >= BC_BYPASS) {
        int rc = libos_bcache_dev_read(bc, blk, count, buf);
        if (rc)
            return rc;
        for (uint32_t i = 0; bc->n_meta + bc->n_data && i < count; i++) {
            struct bcache_ent *e = lookup(bc, blk + i);
            if (e && e->state != BC_CLEAN)
                memcpy(out + (size_t)i * bc->bsize, e->data, bc->bsize);
        }
        bc->ra_next = blk + count;
        return 0;
    }
    for (uint32_t i = 0; i < count; i++) {
        struct bcache_ent *e = lookup(bc, blk + i);
        if (e) {
            bc->st.hits++;
        } else {
            bc->st.misses++;
            uint32_t want = count - i;
            if (blk + i == bc->ra_next) {
                bc->ra_win = bc->ra_win ? bc->ra_win * 2 : 4;
                if (bc->ra_win > BC_RA_MAX)
                    bc->ra_win = BC_RA_MAX;
                if (want < bc->ra_win) {
                    bc->st.readahead += bc->ra_win - want;
                    want = bc->ra_win;
                }
            } else {
                bc->ra_win = 0;
            }
            int rc = fill(bc, blk + i, want);
            if (rc)
                return rc;
            if (!(e = lookup(bc, blk + i)))
                return -ENOMEM;
        }
        memcpy(out + (size_t)i * bc->bsize, e->data, bc->bsize);
        lru_touch(bc, e);
    }
    bc->ra_next = blk + count;
    return 0;
}

int libos_bcache_write(struct bcache *bc, uint64_t blk, uint32_t count, const void *buf, int kind)
{
    const uint8_t *in = buf;
    if (kind == BC_DIRTY_DATA && bc->data_hook)
        bc->data_hook(bc->hook_arg, blk, count);
    if (kind == BC_DIRTY_DATA && count >= BC_BYPASS)
        return libos_bcache_dev_write(bc, blk, count, buf);
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *src = in + (size_t)i * bc->bsize;
        struct bcache_ent *e = lookup(bc, blk + i);
        if (e) {
            lru_touch(bc, e);
            if (!memcmp(e->data, src, bc->bsize)) {
                bc->st.skipped++;
                /* same bytes; a data write still takes the block out of the transaction */
                if (kind == BC_DIRTY_DATA && e->state == BC_DIRTY_META)
                    set_state(bc, e, BC_DIRTY_DATA);
                continue;
            }
            memcpy(e->data, src, bc->bsize);
            set_state(bc, e, kind);
        } else if (!insert(bc, blk + i, src, kind)) {
            return -ENOMEM;
        }
    }
    if (kind == BC_DIRTY_META && bc->max_meta && bc->n_meta >= bc->max_meta && bc->early_commit &&
        !bc->in_commit) {
        bc->st.early_commits++;
        bc->in_commit = 1;
        int rc = bc->early_commit(bc->hook_arg);
        bc->in_commit = 0;
        return rc;
    }
    return 0;
}

/*
 * Boot test of the block-device API (libos/blk.h) on real virtio-blk devices; run by
 * tests/boot/blktest.py, which makes the disk images, and checks afterwards what the guest wrote.
 *   vda  8 MiB, read-write: [0, 1 MiB) holds the host's pattern; the guest writes its patterns
 *        to [1 MiB, 2 MiB) (one call), [2 MiB, 6 MiB) (one 4 MiB call, split into requests),
 *        [6 MiB, 7 MiB) (8 threads, 4 KiB at a time)
 *   vdb  1 MiB, read-only, the host's pattern throughout
 *   vdc  (with --eio) 1 MiB whose sector 100 fails every read (QEMU's blkdebug)
 * Prints "FAIL ..." for each failed check and "blk: all checks passed" at the end.
 */
#include <libos/blk.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MiB (1024u * 1024u)
#define THREADS 8
#define THREAD_BLOCKS 32 /* 4 KiB each: 128 KiB a thread */

static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("FAIL line %d: %s\n", __LINE__, #cond);                                         \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* The patterns, as blktest.py computes them: a byte per absolute disk offset. */
static unsigned char host_pat(uint64_t o) { return (unsigned char)(o * 131 + (o >> 9)); }
static unsigned char guest_pat(uint64_t o) { return (unsigned char)(o * 29 + 7 + (o >> 12)); }
static unsigned char big_pat(uint64_t o) { return (unsigned char)(o * 13 + 3 + (o >> 16)); }
static unsigned char thread_pat(uint64_t o, unsigned t)
{
    return (unsigned char)(o * 3 + t * 50 + (o >> 12));
}

static size_t mismatches(const unsigned char *buf, uint64_t base, size_t len,
                         unsigned char (*pat)(uint64_t))
{
    size_t bad = 0;
    for (size_t i = 0; i < len; i++)
        bad += buf[i] != pat(base + i);
    return bad;
}

static struct libos_blk *vda;

struct worker {
    unsigned id;
    int errors;
};

static size_t thread_mismatches(const unsigned char *buf, uint64_t base, size_t len, unsigned t)
{
    size_t bad = 0;
    for (size_t i = 0; i < len; i++)
        bad += buf[i] != thread_pat(base + i, t);
    return bad;
}

/* Write this thread's blocks in a scattered order, reading back the one before after each. */
static void *worker(void *arg)
{
    struct worker *w = arg;
    static unsigned char bufs[THREADS][2][4096];
    unsigned char *wb = bufs[w->id][0], *rb = bufs[w->id][1];
    uint64_t base = 6 * MiB + (uint64_t)w->id * THREAD_BLOCKS * 4096;
    for (unsigned k = 0; k < THREAD_BLOCKS; k++) {
        unsigned blk = (k * 7) % THREAD_BLOCKS; /* 7 is prime to 32: each block once */
        uint64_t off = base + blk * 4096u;
        for (unsigned i = 0; i < 4096; i++)
            wb[i] = thread_pat(off + i, w->id);
        if (libos_blk_write(vda, off, wb, 4096) != 0)
            w->errors++;
        unsigned prev = k ? ((k - 1) * 7) % THREAD_BLOCKS : blk;
        uint64_t poff = base + prev * 4096u;
        if (libos_blk_read(vda, poff, rb, 4096) != 0 || thread_mismatches(rb, poff, 4096, w->id))
            w->errors++;
    }
    return NULL;
}

int main(void)
{
    unsigned n = libos_blk_count();
    for (unsigned i = 0; i < n; i++) {
        struct libos_blk *d = libos_blk_get(i);
        printf("disk %s: %llu bytes, block %u, %s, %s\n", libos_blk_name(d),
               (unsigned long long)libos_blk_size(d), (unsigned)libos_blk_block_size(d),
               libos_blk_read_only(d) ? "read-only" : "read-write",
               libos_blk_can_flush(d) ? "flush" : "no flush");
    }
    vda = libos_blk_find("vda");
    struct libos_blk *vdb = libos_blk_find("vdb"), *vdc = libos_blk_find("vdc");
    CHECK(vda && vdb);
    if (!vda || !vdb)
        return 1;
    CHECK(libos_blk_size(vda) == 8 * MiB && !libos_blk_read_only(vda));
    CHECK(libos_blk_size(vdb) == 1 * MiB && libos_blk_read_only(vdb));
    CHECK(libos_blk_get(n) == NULL && libos_blk_find("vdz") == NULL);

    unsigned char *buf = malloc(4 * MiB), *back = malloc(4 * MiB);
    CHECK(buf && back);

    /* The host's pattern, read in one call. */
    CHECK(libos_blk_read(vda, 0, buf, MiB) == 0);
    CHECK(mismatches(buf, 0, MiB, host_pat) == 0);
    printf("read: 1 MiB of the host's pattern\n");

    /* Our pattern, written in one call, flushed, read back in pieces. */
    for (uint64_t i = 0; i < MiB; i++)
        buf[i] = guest_pat(MiB + i);
    CHECK(libos_blk_write(vda, MiB, buf, MiB) == 0);
    CHECK(libos_blk_flush(vda) == 0);
    for (uint64_t o = 0; o < MiB; o += 64 * 1024) {
        memset(back, 0, 64 * 1024);
        CHECK(libos_blk_read(vda, MiB + o, back, 64 * 1024) == 0);
        CHECK(mismatches(back, MiB + o, 64 * 1024, guest_pat) == 0);
    }
    printf("write: 1 MiB written, flushed, read back\n");

    /* 4 MiB in one call each way: more than one request can carry. */
    for (uint64_t i = 0; i < 4 * MiB; i++)
        buf[i] = big_pat(2 * MiB + i);
    CHECK(libos_blk_write(vda, 2 * MiB, buf, 4 * MiB) == 0);
    memset(back, 0, 4 * MiB);
    CHECK(libos_blk_read(vda, 2 * MiB, back, 4 * MiB) == 0);
    CHECK(mismatches(back, 2 * MiB, 4 * MiB, big_pat) == 0);
    printf("big: 4 MiB written and read back in one call each\n");

    /* Out of range and misaligned: EINVAL, and nothing happens. Empty: 0. */
    uint64_t end = libos_blk_size(vda);
    CHECK(libos_blk_read(vda, end, buf, 512) == -EINVAL);
    CHECK(libos_blk_read(vda, end - 512, buf, 1024) == -EINVAL);
    CHECK(libos_blk_write(vda, end + 4096, buf, 512) == -EINVAL);
    CHECK(libos_blk_read(vda, UINT64_MAX - 511, buf, 1024) == -EINVAL);
    CHECK(libos_blk_read(vda, 1, buf, 512) == -EINVAL);
    CHECK(libos_blk_read(vda, 0, buf, 100) == -EINVAL);
    CHECK(libos_blk_read(vda, end - 512, buf, 512) == 0);
    CHECK(libos_blk_read(vda, 0, buf, 0) == 0);
    printf("bounds: EINVAL past the end and when misaligned\n");

    /* The read-only disk refuses writes, and still reads. */
    CHECK(libos_blk_write(vdb, 0, buf, 512) == -EROFS);
    CHECK(libos_blk_read(vdb, 0, back, MiB) == 0);
    CHECK(mismatches(back, 0, MiB, host_pat) == 0);
    printf("read-only: EROFS, reads intact\n");

    /* A device error is EIO for the caller, and the disk goes on working. */
    if (vdc) {
        CHECK(libos_blk_read(vdc, 100 * 512, buf, 512) == -EIO);
        CHECK(libos_blk_read(vdc, 96 * 512, buf, 8192) == -EIO); /* a request covering it */
        CHECK(libos_blk_read(vdc, 0, buf, 512) == 0);
        CHECK(mismatches(buf, 0, 512, host_pat) == 0);
        printf("device error: EIO\n");
    }

    /* 8 threads at once, each its own 128 KiB. */
    pthread_t t[THREADS];
    struct worker w[THREADS];
    for (unsigned i = 0; i < THREADS; i++) {
        w[i] = (struct worker){i, 0};
        CHECK(pthread_create(&t[i], NULL, worker, &w[i]) == 0);
    }
    for (unsigned i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        CHECK(w[i].errors == 0);
    }
    for (unsigned i = 0; i < THREADS; i++) {
        uint64_t base = 6 * MiB + (uint64_t)i * THREAD_BLOCKS * 4096;
        CHECK(libos_blk_read(vda, base, back, THREAD_BLOCKS * 4096) == 0);
        CHECK(thread_mismatches(back, base, THREAD_BLOCKS * 4096, i) == 0);
    }
    CHECK(libos_blk_flush(vda) == 0);
    printf("threads: %d threads wrote and read back their blocks\n", THREADS);

    if (failures)
        return 1;
    printf("blk: all checks passed\n");
    return 0;
}

/*
 * bench_malloc: what malloc, free and realloc cost, in nanoseconds per operation. The same source
 * is built as a libos image (newlib's malloc) and as a Linux program (glibc's malloc, or any
 * other allocator linked or preloaded in front of it), so allocators can be compared on one
 * workload; tests/bench/malloc.py runs them.
 *
 *   small    malloc(32) and its free at once, the allocator's fastest path (ns per pair)
 *   churn    a working set of 1024 live blocks of random sizes, 16 B to 4 KiB: each step frees
 *            a random one and allocates a new one in its place, so blocks of every size are
 *            split, coalesced and reused (ns per malloc+free pair)
 *   realloc  16 buffers growing side by side from 16 B to 64 KiB by 1 to 256 bytes per call, as
 *            a string builder does; blocks must move when a neighbour is in the way (ns per call)
 *
 * Sizes come from a fixed-seed generator, so every run and every allocator sees the same
 * sequence. Each block's first and last bytes are written, as a user would. Output: one line per
 * figure, "name ns_per_op count", then "checksum N" (so the work cannot be optimized away).
 * "bench_malloc SCALE" multiplies the operation counts (default 1).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../bench.h"

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t next_random(void) /* xorshift64 */
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static unsigned long checksum;

static void *use(void *p, size_t size)
{
    if (!p) {
        printf("bench_malloc: out of memory after %lu\n", checksum);
        exit(1);
    }
    unsigned char *b = p;
    b[0] = (unsigned char)size;
    b[size - 1] = (unsigned char)size;
    checksum += b[0];
    return p;
}

static void bench_small(long rounds)
{
    double t0 = now_ns();
    for (long i = 0; i < rounds; i++) {
        void *p = use(malloc(32), 32);
        __asm__ volatile("" : : "r"(p) : "memory");
        free(p);
    }
    report("small", now_ns() - t0, rounds);
}

#define LIVE 1024

static void bench_churn(long rounds)
{
    static void *live[LIVE];
    for (int i = 0; i < LIVE; i++) {
        size_t size = 16 + next_random() % (4096 - 16 + 1);
        live[i] = use(malloc(size), size);
    }
    double t0 = now_ns();
    for (long i = 0; i < rounds; i++) {
        unsigned slot = next_random() % LIVE;
        size_t size = 16 + next_random() % (4096 - 16 + 1);
        free(live[slot]);
        live[slot] = use(malloc(size), size);
    }
    report("churn", now_ns() - t0, rounds);
    for (int i = 0; i < LIVE; i++)
        free(live[i]);
}

#define BUFFERS 16
#define GROW_TO (64 * 1024)

static void bench_realloc(long rounds)
{
    long calls = 0;
    double t0 = now_ns();
    for (long r = 0; r < rounds; r++) {
        void *buf[BUFFERS] = {0};
        size_t len[BUFFERS] = {0};
        for (int done = 0; done < BUFFERS;) {
            done = 0;
            for (int i = 0; i < BUFFERS; i++) {
                if (len[i] >= GROW_TO) {
                    done++;
                    continue;
                }
                len[i] += len[i] ? 1 + next_random() % 256 : 16;
                buf[i] = use(realloc(buf[i], len[i]), len[i]);
                calls++;
            }
        }
        for (int i = 0; i < BUFFERS; i++)
            free(buf[i]);
    }
    report("realloc", now_ns() - t0, calls);
}

int main(int argc, char **argv)
{
    long scale = argc > 1 ? atol(argv[1]) : 1;
    if (scale < 1)
        scale = 1;
    bench_small(200000 * scale);
    bench_churn(100000 * scale);
    bench_realloc(2 * scale);
    printf("checksum %lu\n", checksum);
    return 0;
}

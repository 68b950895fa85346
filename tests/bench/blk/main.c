/*
 * Block throughput through libos/blk.h on vda (tests/bench/blk.py attaches a 64 MiB image):
 *   seqwrite  1 MiB writes over the first 32 MiB, then one flush (ns per MiB, flush included)
 *   seqread   1 MiB reads over the same 32 MiB (ns per MiB)
 *   randqd1   4 KiB reads at random aligned offsets, one thread (ns per read)
 *   randqd32  the same from 32 threads at once (ns per read, all threads together)
 * One line per figure, "<name> <ns per operation> <operations>" (bench.h).
 */
#include "bench.h"

#include <libos/blk.h>

#include <pthread.h>
#include <stdlib.h>

#define MiB (1024 * 1024)
#define SEQ_MIB 32
#define RAND_READS 2048
#define THREADS 32

static struct libos_blk *vda;
static int errors;

static void random_reads(unsigned seed, int n)
{
    static unsigned char bufs[THREADS][4096];
    unsigned char *buf = bufs[seed % THREADS];
    uint64_t blocks = libos_blk_size(vda) / 4096;
    for (int i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        errors += libos_blk_read(vda, (uint64_t)((seed >> 8) % blocks) * 4096, buf, 4096) != 0;
    }
}

static void *reader(void *arg)
{
    random_reads((unsigned)(uintptr_t)arg, RAND_READS / THREADS);
    return NULL;
}

int main(void)
{
    vda = libos_blk_find("vda");
    if (!vda || libos_blk_size(vda) < SEQ_MIB * MiB) {
        printf("bench_blk: needs a disk vda of at least %d MiB\n", SEQ_MIB);
        return 1;
    }
    unsigned char *buf = malloc(MiB);
    for (int i = 0; i < MiB; i++)
        buf[i] = (unsigned char)i;

    double t0 = now_ns();
    for (int i = 0; i < SEQ_MIB; i++)
        errors += libos_blk_write(vda, (uint64_t)i * MiB, buf, MiB) != 0;
    errors += libos_blk_flush(vda) != 0;
    report("seqwrite", now_ns() - t0, SEQ_MIB);

    t0 = now_ns();
    for (int i = 0; i < SEQ_MIB; i++)
        errors += libos_blk_read(vda, (uint64_t)i * MiB, buf, MiB) != 0;
    report("seqread", now_ns() - t0, SEQ_MIB);

    t0 = now_ns();
    random_reads(1, RAND_READS);
    report("randqd1", now_ns() - t0, RAND_READS);

    pthread_t t[THREADS];
    t0 = now_ns();
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, reader, (void *)(uintptr_t)(i + 1));
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    report("randqd32", now_ns() - t0, RAND_READS / THREADS * THREADS);

    if (errors)
        printf("bench_blk: %d calls failed\n", errors);
    return errors != 0;
}

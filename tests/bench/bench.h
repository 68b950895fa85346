/*
 * bench.h: what the benchmark programs share. Each is one source built both as a libos image and
 * natively for Linux, and prints one line per figure, "<name> <ns per operation> <operations>",
 * which tests/bench/benchlib.py's parse_figures reads.
 */
#ifndef LIBOS_BENCH_H
#define LIBOS_BENCH_H

#include <stdio.h>
#include <time.h>

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void report(const char *name, double ns, long count)
{
    printf("%s %.1f %ld\n", name, ns / count, count);
}

#endif

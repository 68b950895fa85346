/* hosted: what compiling an app as hosted C (builtins on) changes, timed inside the guest.
 * Loops: sqrt (an sqrtsd instruction when builtins are on, a call into newlib's libm when not),
 * fabs (inlined either way: the control), small constant-size memcpy and memset (inlined moves
 * when builtins are on, calls otherwise), and a data-moving loop (4 KiB memcpy, a call either
 * way: newlib's x86_64 memcpy.S). Prints one "name seconds" line per loop. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define N 5000000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static volatile double sink;
static unsigned char src[4096], dst[4096];

int main(void)
{
    double t, s = 0;
    t = now();
    for (int i = 0; i < N; i++)
        s += sqrt((double)i);
    sink = s;
    printf("sqrt %.3f\n", now() - t);
    s = 0;
    t = now();
    for (int i = 0; i < N; i++)
        s += fabs((double)(i - N / 2));
    sink = s;
    printf("fabs %.3f\n", now() - t);
    t = now();
    for (int i = 0; i < N; i++) {
        memcpy(dst + (i & 255), src + (i & 127), 16);
        __asm__ volatile("" ::: "memory");
    }
    printf("memcpy16 %.3f\n", now() - t);
    t = now();
    for (int i = 0; i < N; i++) {
        memset(dst + (i & 255), i, 32);
        __asm__ volatile("" ::: "memory");
    }
    printf("memset32 %.3f\n", now() - t);
    t = now();
    for (int i = 0; i < N / 50; i++) {
        memcpy(dst, src, sizeof dst);
        __asm__ volatile("" ::: "memory");
    }
    printf("memcpy4k %.3f\n", now() - t);
    return dst[7] == 255;
}

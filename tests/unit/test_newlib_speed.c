/*
 * Host test of newlib's speed-build functions of our own (toolchain/newlib-speed/: memcpy.c,
 * memset.c, memmove.c), compiled from the same files under other names (libos_speed_memcpy, ...;
 * memmove.c then calls this memcpy), against byte-at-a-time references:
 *   memcpy, memset  every size from 0 to 600 at every alignment of destination and source (0-7),
 *                   with the bytes around the destination unchanged and the right return value;
 *   memmove         every size from 0 to 300 and every distance from -40 to 40 between
 *                   destination and source (overlapping both ways, and disjoint), at several
 *                   alignments, and disjoint buffers far apart.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void *libos_speed_memcpy(void *dst, const void *src, size_t n);
void *libos_speed_memset(void *dst, int c, size_t n);
void *libos_speed_memmove(void *dst, const void *src, size_t n);

static unsigned char buf[2048], ref[2048];
static unsigned long cases, failures;

static void fill(unsigned seed)
{
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = ref[i] = (unsigned char)(i * 7 + seed);
}

static void verdict(int ok, const char *what, size_t n, long a, long b)
{
    cases++;
    if (!ok && failures++ < 8)
        printf("FAIL: %s n %zu (%ld, %ld)\n", what, n, a, b);
}

static void reference_move(unsigned char *b, size_t dst, size_t src, size_t n)
{
    unsigned char tmp[2048];
    for (size_t i = 0; i < n; i++)
        tmp[i] = b[src + i];
    for (size_t i = 0; i < n; i++)
        b[dst + i] = tmp[i];
}

int main(void)
{
    for (size_t n = 0; n <= 600; n++)
        for (size_t da = 0; da < 8; da++)
            for (size_t sa = 0; sa < 8; sa++) {
                size_t dst = 64 + da, src = 1024 + sa;
                fill((unsigned)n);
                reference_move(ref, dst, src, n);
                void *r = libos_speed_memcpy(buf + dst, buf + src, n);
                verdict(r == buf + dst && memcmp(buf, ref, sizeof buf) == 0, "memcpy", n, (long)da, (long)sa);
            }
    for (size_t n = 0; n <= 600; n++)
        for (size_t da = 0; da < 8; da++) {
            size_t dst = 64 + da;
            int c = (int)(n * 13 + da) | (n & 1 ? 0x80 : 0); /* bytes with the top bit too */
            fill((unsigned)n);
            for (size_t i = 0; i < n; i++)
                ref[dst + i] = (unsigned char)c;
            void *r = libos_speed_memset(buf + dst, c | (n & 2 ? 0x100 : 0), n); /* only the low byte counts */
            verdict(r == buf + dst && memcmp(buf, ref, sizeof buf) == 0, "memset", n, (long)da, c);
        }
    for (size_t n = 0; n <= 300; n++)
        for (int dist = -40; dist <= 40; dist++)
            for (size_t align = 0; align < 8; align += 3) {
                size_t src = 200 + align, dst = (size_t)((long)src + dist);
                fill((unsigned)n);
                reference_move(ref, dst, src, n);
                void *r = libos_speed_memmove(buf + dst, buf + src, n);
                verdict(r == buf + dst && memcmp(buf, ref, sizeof buf) == 0, "memmove", n, dist, (long)align);
            }
    for (size_t n = 0; n <= 300; n++) { /* disjoint and far apart: memmove's memcpy path */
        fill((unsigned)n * 5);
        reference_move(ref, 1500, 3, n);
        libos_speed_memmove(buf + 1500, buf + 3, n);
        verdict(memcmp(buf, ref, sizeof buf) == 0, "memmove disjoint", n, 1500, 3);
    }
    printf("newlib speed functions: %lu cases, %lu failed\n", cases, failures);
    return failures != 0;
}

/*
 * Host test of toolchain/newlib-speed/memmove.c (newlib's speed build links it), compiled from the
 * same file under another name: every size from 0 to 300, every distance from -40 to 40 between
 * destination and source (overlapping both ways, and disjoint), at several alignments, against a
 * byte-at-a-time reference. The bytes around the destination must stay as they were.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void *libos_speed_memmove(void *dst, const void *src, size_t n);

static unsigned char buf[1024], ref[1024];

static void reference(unsigned char *b, size_t dst, size_t src, size_t n)
{
    unsigned char tmp[1024];
    for (size_t i = 0; i < n; i++)
        tmp[i] = b[src + i];
    for (size_t i = 0; i < n; i++)
        b[dst + i] = tmp[i];
}

int main(void)
{
    unsigned long cases = 0, failures = 0;
    for (size_t n = 0; n <= 300; n++)
        for (int dist = -40; dist <= 40; dist++)
            for (size_t align = 0; align < 8; align += 3) {
                size_t src = 200 + align, dst = (size_t)((long)src + dist);
                for (size_t i = 0; i < sizeof buf; i++)
                    buf[i] = ref[i] = (unsigned char)(i * 7 + n);
                reference(ref, dst, src, n);
                void *r = libos_speed_memmove(buf + dst, buf + src, n);
                cases++;
                if (r != buf + dst || memcmp(buf, ref, sizeof buf) != 0) {
                    if (failures++ < 5)
                        printf("FAIL: n %zu distance %d alignment %zu\n", n, dist, align);
                }
            }
    /* Disjoint and far apart: the memcpy path. */
    for (size_t n = 0; n <= 300; n++) {
        for (size_t i = 0; i < sizeof buf; i++)
            buf[i] = ref[i] = (unsigned char)(i * 5 + n);
        reference(ref, 700, 3, n);
        libos_speed_memmove(buf + 700, buf + 3, n);
        cases++;
        if (memcmp(buf, ref, sizeof buf) != 0 && failures++ < 5)
            printf("FAIL: disjoint n %zu\n", n);
    }
    printf("memmove: %lu cases, %lu failed\n", cases, failures);
    return failures != 0;
}

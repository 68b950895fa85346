/*
 * memcpy for newlib's speed build (toolchain/build-newlib replaces newlib's memcpy.S with it).
 * Written for QEMU's TCG, where each iteration of a `rep` string instruction is a round through
 * the translated loop (figure 16 in tests/bench/README.md: `rep movsb` costs 2-3.5 ns a byte,
 * `rep movsq` a few ns a step, a straight run of 8-byte moves much less). newlib's memcpy.S copies
 * fewer than 16 bytes, its alignment head and, above 256 bytes, its last n % 128 bytes with
 * `rep movsb`. Here: fewer than 16 bytes by two overlapping moves of the largest size that fits;
 * more by 128 bytes a step of plain 8-byte moves, then `rep movsq` for the remaining whole words,
 * and the last 8 bytes by one overlapping move (loaded first: the buffers do not overlap).
 * tests/unit/test_newlib_speed.c checks every size to 600 at every alignment.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint64_t u64 __attribute__((may_alias, aligned(1)));
typedef uint32_t u32 __attribute__((may_alias, aligned(1)));
typedef uint16_t u16 __attribute__((may_alias, aligned(1)));

/* No loop here may become a call to memcpy; no SSE moves either: under TCG a 16-byte SSE move costs
 * more than two 8-byte moves of general registers (figure 16). */
__attribute__((optimize("no-tree-loop-distribute-patterns", "no-tree-vectorize", "no-tree-slp-vectorize")))
void *memcpy(void *__restrict dst, const void *__restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (n < 16) {
        if (n >= 8) {
            uint64_t a = *(const u64 *)s, b = *(const u64 *)(s + n - 8);
            *(u64 *)d = a;
            *(u64 *)(d + n - 8) = b;
        } else if (n >= 4) {
            uint32_t a = *(const u32 *)s, b = *(const u32 *)(s + n - 4);
            *(u32 *)d = a;
            *(u32 *)(d + n - 4) = b;
        } else if (n >= 2) {
            uint16_t a = *(const u16 *)s, b = *(const u16 *)(s + n - 2);
            *(u16 *)d = a;
            *(u16 *)(d + n - 2) = b;
        } else if (n) {
            *d = *s;
        }
        return dst;
    }
    uint64_t last = *(const u64 *)(s + n - 8);
    unsigned char *end = d + n - 8;
    for (; n >= 128; n -= 128, d += 128, s += 128)
#pragma GCC unroll 16 /* one straight run per step: TCG pays per loop iteration */
        for (int i = 0; i < 16; i++)
            ((u64 *)d)[i] = ((const u64 *)s)[i];
    size_t words = n / 8;
    __asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
    *(u64 *)end = last;
    return dst;
}

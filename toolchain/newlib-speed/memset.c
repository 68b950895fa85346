/*
 * memset for newlib's speed build (toolchain/build-newlib replaces newlib's memset.S with it), for
 * the same reason as memcpy.c beside it: newlib's memset.S stores fewer than 16 bytes, its
 * alignment head and, above 256 bytes, its last n % 128 bytes with `rep stosb`, 2-3.5 ns a byte
 * under TCG. Here: fewer than 16 bytes by two overlapping stores of the largest size that fits;
 * more by 128 bytes a step of plain 8-byte stores, `rep stosq` for the remaining whole words, and
 * the last 8 bytes by one overlapping store. tests/unit/test_newlib_speed.c checks it.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint64_t u64 __attribute__((may_alias, aligned(1)));
typedef uint32_t u32 __attribute__((may_alias, aligned(1)));
typedef uint16_t u16 __attribute__((may_alias, aligned(1)));

/* No loop here may become a call to memset; no SSE stores either (see memcpy.c). */
__attribute__((optimize("no-tree-loop-distribute-patterns", "no-tree-vectorize", "no-tree-slp-vectorize")))
void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    uint64_t v = (unsigned char)c * 0x0101010101010101ull;
    if (n < 16) {
        if (n >= 8) {
            *(u64 *)d = v;
            *(u64 *)(d + n - 8) = v;
        } else if (n >= 4) {
            *(u32 *)d = (uint32_t)v;
            *(u32 *)(d + n - 4) = (uint32_t)v;
        } else if (n >= 2) {
            *(u16 *)d = (uint16_t)v;
            *(u16 *)(d + n - 2) = (uint16_t)v;
        } else if (n) {
            *d = (unsigned char)c;
        }
        return dst;
    }
    unsigned char *end = d + n - 8;
    for (; n >= 128; n -= 128, d += 128)
#pragma GCC unroll 16 /* one straight run per step: TCG pays per loop iteration */
        for (int i = 0; i < 16; i++)
            ((u64 *)d)[i] = v;
    size_t words = n / 8;
    __asm__ volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(v) : "memory");
    *(u64 *)end = v;
    return dst;
}

/*
 * memmove for newlib's speed build (toolchain/build-newlib replaces newlib's member with this one).
 * newlib's C memmove copies a move to a higher, overlapping address a byte at a time, at -O2 too:
 * under QEMU's TCG that is about 2-5.7 ns a byte here. This one leaves moves between disjoint
 * buffers to memcpy (memcpy.c beside it), and does overlapping ones with `rep movsq` (8 bytes a
 * step) and `rep movsb` for the bytes beyond the last whole word: forwards when the destination
 * is below the source, backwards (the direction flag set, then cleared) when it is above. A rep
 * string instruction moves element after element, each read before it is written, so a forward
 * move to a lower address and a backward move to a higher one never read a byte they already
 * overwrote. A page fault (a stack growing) or an exception may arrive while the direction flag is
 * set (device interrupts arrive only in libos_irq_poll/idle, at a call): libos's entry
 * stubs clear it (cld) before any C runs, and iret restores it. Figure 16 (tests/bench) times it;
 * tests/unit/test_newlib_speed.c checks every size to 300 and distance to 40, both ways.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

void *memmove(void *dst, const void *src, size_t n)
{
    uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;
    if (d - s >= n && s - d >= n) /* disjoint (n == 0 too) */
        return memcpy(dst, src, n);
    size_t words = n / 8, tail = n % 8;
    void *dp = dst;
    const void *sp = src;
    if (d < s) {
        __asm__ volatile("rep movsq\n\t"
                         "mov %[tail], %%rcx\n\t"
                         "rep movsb"
                         : "+D"(dp), "+S"(sp), "+c"(words)
                         : [tail] "r"(tail)
                         : "memory");
    } else {
        dp = (char *)dst + n - 1;
        sp = (const char *)src + n - 1;
        __asm__ volatile("std\n\t"
                         "rep movsb\n\t" /* the tail bytes, from the last one down */
                         "sub $7, %%rsi\n\t"
                         "sub $7, %%rdi\n\t" /* the last whole word */
                         "mov %[words], %%rcx\n\t"
                         "rep movsq\n\t"
                         "cld"
                         : "+D"(dp), "+S"(sp), "+c"(tail)
                         : [words] "r"(words)
                         : "memory", "cc");
    }
    return dst;
}

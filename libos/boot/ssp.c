/*
 * What the compiler's and newlib's overflow checks call: the stack protector's guard value and
 * failure function (-fstack-protector-strong with -mstack-protector-guard=global: libos has no
 * TLS, so the guard is one global, which is right on one CPU with one address space), and the
 * failure function of _FORTIFY_SOURCE's checked calls (newlib's __memcpy_chk and friends). Both
 * end in a panic report naming the function at fault, instead of newlib's one-line messages.
 * libos::boot is the first archive the linker searches, so these definitions win over newlib's.
 */
#include <libos/boot.h>
#include <libos/x86.h>

uintptr_t __stack_chk_guard;

/*
 * A new guard at every boot: RDRAND where the CPU has it (one try: on failure it gives 0), mixed
 * with the TSC (at the PVH entry and now; the host's cycle counter under TCG) and the CMOS clock.
 * The low byte is zero, so a string copy that runs over a buffer
 * stops short of reproducing the guard. Runs first in the start sequence; the one function active
 * then (libos_boot_main) never returns, so nothing checks the old value.
 */
__attribute__((no_stack_protector)) void libos_stack_guard_init(void)
{
    uint64_t z = libos_boot_info.tsc_entry ^ (x86_rdtsc() << 21), hw = 0;
    uint32_t r[4];
    x86_cpuid(1, 0, r);
    if (r[2] & (1u << 30))
        __asm__ volatile("rdrand %0" : "=r"(hw)::"cc");
    for (uint8_t reg = 0; reg <= 9; reg += 2) { /* seconds, minutes, hours, day, year */
        x86_outb(0x70, reg);
        z = z * 0x100000001b3ull + x86_inb(0x71);
    }
    /* One multiplication spreads the TSC's fast-changing low bits over the word; the shift then
     * zeroes the low byte without dropping them. */
    __stack_chk_guard = (uintptr_t)(((z ^ hw) * 0x9e3779b97f4a7c15ull) << 8);
}

static const char *function_at(uintptr_t addr)
{
    const char *name = libos_symbolize(addr).name;
    return name ? name : "an unknown function";
}

/* Called by a function's epilogue, before it restores its frame: our caller is the victim. */
_Noreturn void __stack_chk_fail(void)
{
    libos_panic("stack smashing detected in %s: a buffer on its stack overflowed",
                function_at((uintptr_t)__builtin_return_address(0) - 1));
}

/* Called by newlib's __memcpy_chk, __strcpy_chk, ...: their caller made the call that overflows.
 * Its return address is one frame up the frame-pointer chain (newlib keeps frame pointers). */
_Noreturn void __chk_fail(void)
{
    const uintptr_t *chk = *(const uintptr_t *const *)__builtin_frame_address(0); /* __*_chk's frame */
    libos_panic("buffer overflow detected in %s: a _FORTIFY_SOURCE checked call would write past "
                "the end of its destination",
                function_at(chk[1] - 1));
}

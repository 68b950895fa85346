/*
 * test_crash: one way of crashing per run, chosen by argv[1]. Each crash happens in a noinline
 * function with a distinctive name, so the harness can check that the panic report names it.
 * The program must never get past the crash: if it does, it says so and exits 1.
 */
#undef NDEBUG /* Release defines it; this file needs a live assert() */
#include <alloca.h>
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline, noclone))

/* Hide a value's origin from the optimizer, so it cannot prove a crash and rewrite it. */
#define LAUNDER(x) __asm__ volatile("" : "+r"(x))

NOINLINE static int crash_null_read(void)
{
    volatile int *p = NULL;
    LAUNDER(p);
    return *p;
}

NOINLINE static int crash_null_write(void)
{
    volatile int *p = NULL;
    LAUNDER(p);
    *p = 42;
    return 0;
}

NOINLINE static int crash_recurse_forever(int depth)
{
    volatile char frame[256];
    frame[0] = (char)depth;
    return crash_recurse_forever(depth + 1) + frame[0];
}

NOINLINE static int crash_call_abort(void)
{
    abort();
}

NOINLINE static int crash_failed_assert(int two)
{
    assert(two + two == 5);
    return two;
}

NOINLINE static int crash_write_string_literal(void)
{
    char *s = (char *)"a string literal";
    LAUNDER(s);
    s[0] = 'X';
    return s[0];
}

NOINLINE static int crash_write_code(void)
{
    volatile unsigned char *code = (volatile unsigned char *)(uintptr_t)&crash_write_code;
    LAUNDER(code);
    code[0] = 0xc3;
    return 0;
}

/* Call bytes in writable memory: 0xc3 is "ret", harmless if W^X were missing. */
NOINLINE static int crash_execute_data(unsigned char *buf)
{
    buf[0] = 0xc3;
    void (*fn)(void) = (void (*)(void))(uintptr_t)buf;
    LAUNDER(fn);
    fn();
    return 0;
}

NOINLINE static int crash_execute_stack(void)
{
    unsigned char buf[64];
    return crash_execute_data(buf);
}

NOINLINE static int crash_execute_heap(void)
{
    unsigned char *buf = malloc(64);
    if (!buf)
        return printf("malloc failed\n"), 1;
    return crash_execute_data(buf);
}

NOINLINE static int crash_divide_by_zero(void)
{
    volatile int zero = 0, ten = 10;
    return ten / zero;
}

/* A stack buffer overrun by a plain loop (no libc call for _FORTIFY_SOURCE to check): the stack
 * protector's guard catches it when the function returns. */
NOINLINE static int crash_smash_stack(void)
{
    char buf[16];
    volatile char *p = buf; /* laundered: the compiler cannot see the overrun, so cannot drop it */
    LAUNDER(p);
    for (size_t i = 0; i < 64; i++)
        p[i] = 'A';
    return buf[1];
}

/* memcpy and strcpy past the end of a buffer of known size: _FORTIFY_SOURCE's checked calls. */
NOINLINE static int crash_fortify_memcpy(void)
{
    char dst[8];
    static const char src[64] = "sixty-four bytes of source";
    size_t n = sizeof src;
    LAUNDER(n);
    memcpy(dst, src, n);
    LAUNDER(dst[0]);
    return dst[0];
}

NOINLINE static int crash_fortify_strcpy(void)
{
    char dst[8];
    const char *src = "a string longer than eight bytes";
    LAUNDER(src);
    strcpy(dst, src);
    LAUNDER(dst[0]);
    return dst[0];
}

/* Stack allocations larger than the guard page: probes must fault in the guard page rather than
 * jump over it into whatever lies below the stack. */
NOINLINE static int crash_alloca(size_t n)
{
    volatile char *p = alloca(n);
    p[0] = 1;
    return p[0];
}

/* Low addresses: NULL plus a structure offset, and the page that used to hold the page tables. */
NOINLINE static int crash_null_offset_read(void)
{
    volatile int *p = (volatile int *)0x4010;
    LAUNDER(p);
    return *p;
}

NOINLINE static int crash_write_low_page(void)
{
    volatile int *p = (volatile int *)0x1000;
    LAUNDER(p);
    *p = 0;
    return 0;
}

/* A bad buffer handed to a call: a page fault inside it (libos checks no pointers: see
 * docs/architecture.md), whose report names the call and its caller. */
NOINLINE static int crash_write_bad_pointer(void)
{
    const void *p = (const void *)1;
    LAUNDER(p);
    return (int)write(1, p, 10);
}

/* The CPU's descriptor tables and the page tables, found where the CPU finds them. */
NOINLINE static int crash_write_idt(void)
{
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } idtr;
    __asm__ volatile("sidt %0" : "=m"(idtr));
    *(volatile uint64_t *)(uintptr_t)idtr.base = 0;
    return 0;
}

NOINLINE static int crash_write_page_tables(void)
{
    uint64_t cr3;
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    *(volatile uint64_t *)(uintptr_t)(cr3 & ~0xfffull) = 0;
    return 0;
}

static const struct {
    const char *name;
    int (*fn)(void);
} crashes[] = {
    {"write-idt", crash_write_idt},         {"write-page-tables", crash_write_page_tables},
    {"write-bad-pointer", crash_write_bad_pointer},
    {"stack-smash", crash_smash_stack},     {"fortify-memcpy", crash_fortify_memcpy},
    {"fortify-strcpy", crash_fortify_strcpy}, {"null-offset", crash_null_offset_read},
    {"write-low-page", crash_write_low_page},
    {"null-read", crash_null_read},         {"null-write", crash_null_write},
    {"abort", crash_call_abort},            {"write-rodata", crash_write_string_literal},
    {"write-code", crash_write_code},       {"exec-stack", crash_execute_stack},
    {"exec-heap", crash_execute_heap},      {"div0", crash_divide_by_zero},
};

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    printf("crashing: %s\n", what);
    fflush(stdout);
    int r = -1;
    if (strcmp(what, "guard") == 0) { /* not a crash: the stack protector's guard of this boot */
        extern uintptr_t __stack_chk_guard;
        printf("stack guard: %016lx\n", (unsigned long)__stack_chk_guard);
        return 0;
    }
    if (strcmp(what, "sse") == 0) { /* not a crash here: one SSE instruction (see runner tests) */
        __asm__ volatile("xorps %%xmm0, %%xmm0" ::: "xmm0");
        printf("after SSE\n");
        return 0;
    }
    if (strcmp(what, "alloca") == 0 && argc > 2) /* alloca N */
        r = crash_alloca(strtoul(argv[2], NULL, 0));
    if (strcmp(what, "stack-overflow") == 0)
        r = crash_recurse_forever(0);
    else if (strcmp(what, "assert") == 0)
        r = crash_failed_assert(argc); /* argc is 2: the assertion fails */
    for (size_t i = 0; i < sizeof crashes / sizeof crashes[0]; i++)
        if (strcmp(what, crashes[i].name) == 0)
            r = crashes[i].fn();
    printf("test_crash: '%s' did not crash (result %d)\n", what, r);
    return 1;
}

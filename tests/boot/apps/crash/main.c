/*
 * test_crash: one way of crashing per run, chosen by argv[1]. Each crash happens in a noinline
 * function with a distinctive name, so the harness can check that the panic report names it.
 * The program must never get past the crash: if it does, it says so and exits 1.
 */
#undef NDEBUG /* Release defines it; this file needs a live assert() */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static const struct {
    const char *name;
    int (*fn)(void);
} crashes[] = {
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

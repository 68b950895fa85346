/*
 * Host tests of libos/boot/printk.c: libos_vsnprintk's conversions, flags and truncation, and
 * libos_printk's path to the console (a stub here that records what it is given).
 */
#include "check.h"

#include <libos/boot.h>
#include <libos/console.h>

#include <limits.h>
#include <sys/types.h>
#include <stdint.h>

static char console[1024];
static size_t console_len, console_calls;

void libos_console_write(const char *buf, size_t n)
{
    if (console_len + n < sizeof console) {
        memcpy(console + console_len, buf, n);
        console_len += n;
        console[console_len] = '\0';
    }
    console_calls++;
}

static char out[128];
static int out_ret;

static void fmt(size_t size, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    memset(out, 'Z', sizeof out);
    out_ret = libos_vsnprintk(out, size, f, ap);
    va_end(ap);
}

/* Format into a large buffer; expect the text, and a return value of its length. */
#define CHECK_FMT(expected, ...)                                                                   \
    do {                                                                                           \
        fmt(sizeof out, __VA_ARGS__);                                                              \
        CHECK_STR(expected, out);                                                                  \
        CHECK_EQ(strlen(expected), out_ret);                                                       \
    } while (0)

static void test_conversions(void)
{
    CHECK_FMT("", "");
    CHECK_FMT("plain text", "plain text");
    CHECK_FMT("100%", "100%%");
    CHECK_FMT("[hello]", "[%s]", "hello");
    CHECK_FMT("(null)", "%s", (char *)NULL);
    CHECK_FMT("x=A", "x=%c", 'A');
    CHECK_FMT("0 -1 42 2147483647 -2147483648", "%d %d %i %d %d", 0, -1, 42, INT_MAX, INT_MIN);
    CHECK_FMT("4294967295 ffffffff 0", "%u %x %x", UINT_MAX, UINT_MAX, 0u);
    CHECK_FMT("-9223372036854775808 9223372036854775807", "%ld %lld", (long)INT64_MIN, (long long)INT64_MAX);
    CHECK_FMT("18446744073709551615 ffffffffffffffff", "%lu %llx", (unsigned long)UINT64_MAX,
              (unsigned long long)UINT64_MAX);
    CHECK_FMT("123456789012 -5", "%zu %zd", (size_t)123456789012ull, (ssize_t)-5);
    CHECK_FMT("0xdeadbeef 0x0", "%p %p", (void *)0xdeadbeef, (void *)0);
    CHECK_FMT("0xffff800000001000", "%p", (void *)0xffff800000001000ull);
    /* An argument of int size after a 64-bit one: the va_list stays in step. */
    CHECK_FMT("1 2 3", "%lu %d %lx", 1ul, 2, 3ul);
}

static void test_width_and_flags(void)
{
    CHECK_FMT("[   42]", "[%5d]", 42);
    CHECK_FMT("[42   ]", "[%-5d]", 42);
    CHECK_FMT("[00042]", "[%05d]", 42);
    CHECK_FMT("[  -42]", "[%5d]", -42);
    CHECK_FMT("[-0042]", "[%05d]", -42);
    CHECK_FMT("[-42  ]", "[%-5d]", -42);
    CHECK_FMT("[0000beef]", "[%08x]", 0xbeef);
    CHECK_FMT("[000000000000002a]", "[%016lx]", 42ul);
    CHECK_FMT("[  ab]", "[%4s]", "ab");
    CHECK_FMT("[ab  ]", "[%-4s]", "ab");
    CHECK_FMT("[abcdef]", "[%3s]", "abcdef"); /* width is a minimum */
    CHECK_FMT("[   x]", "[%4c]", 'x');
    CHECK_FMT("[123456]", "[%2d]", 123456);
}

static void test_unknown_conversions(void)
{
    /* Printed as they are; no argument consumed. */
    CHECK_FMT("%q 5", "%q %d", 5);
    CHECK_FMT("end %", "end %");
}

static void test_truncation(void)
{
    /* The result is cut to size - 1 characters and terminated; the return value is the full
     * length, as snprintf's. */
    fmt(6, "hello, world");
    CHECK_STR("hello", out);
    CHECK_EQ(12, out_ret);
    CHECK_EQ('Z', out[6]);

    fmt(1, "abc");
    CHECK_STR("", out);
    CHECK_EQ(3, out_ret);

    fmt(0, "abc");
    CHECK_EQ('Z', out[0]); /* size 0: nothing written */
    CHECK_EQ(3, out_ret);

    fmt(4, "%d", -123456);
    CHECK_STR("-12", out);
    CHECK_EQ(7, out_ret);

    fmt(5, "%08x", 0xabu);
    CHECK_STR("0000", out);
    CHECK_EQ(8, out_ret);
}

static void test_printk(void)
{
    /* libos_printk formats into 256 bytes and writes them in one call. */
    console_len = console_calls = 0;
    libos_printk("boot: %s %d\n", "ok", 7);
    CHECK_STR("boot: ok 7\n", console);
    CHECK_EQ(1, console_calls);

    /* Longer output is cut at 255 characters, never overruns. */
    char long_arg[400];
    memset(long_arg, 'x', sizeof long_arg - 1);
    long_arg[sizeof long_arg - 1] = '\0';
    console_len = console_calls = 0;
    libos_printk("<%s>", long_arg);
    CHECK_EQ(255, console_len);
    CHECK_EQ('<', console[0]);
    CHECK_EQ('x', console[254]);
}

int main(void)
{
    test_conversions();
    test_width_and_flags();
    test_unknown_conversions();
    test_truncation();
    test_printk();
    return CHECK_DONE();
}

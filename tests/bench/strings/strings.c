/* strings: newlib's string and memory functions timed inside the guest, for figure 16
 * (tests/bench/strings.py builds this with libos-cc twice: -libos-optimize=size, newlib at -Os,
 * and speed, newlib at -O2). Also x86_64 candidates written here, so the figure shows what
 * `rep movsb` / `rep stosb` and plain loops cost under the same TCG: rep_movsb, rep_movsq (8 bytes
 * a step, then the tail bytewise), loop16 (two 8-byte loads and stores a step), rep_stosb.
 * Each function is called through a volatile pointer, so gcc neither inlines nor folds the calls.
 * Prints one line per case, "<function> <bytes> <ns per call>". */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define WORK (4u << 20) /* bytes per case */

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static unsigned char a[65536 + 64], b[65536 + 64], c[65536 + 64];

static void *rep_movsb(void *d, const void *s, size_t n)
{
    void *r = d;
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
    return r;
}

static void *rep_movsq(void *d, const void *s, size_t n)
{
    void *r = d;
    size_t q = n / 8, t = n % 8;
    __asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(q) : : "memory");
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(t) : : "memory");
    return r;
}

static void *loop16(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;
    for (; n >= 16; n -= 16, p += 16, q += 16) {
        uint64_t x, y;
        __builtin_memcpy(&x, q, 8);
        __builtin_memcpy(&y, q + 8, 8);
        __builtin_memcpy(p, &x, 8);
        __builtin_memcpy(p + 8, &y, 8);
        __asm__("" ::: "memory"); /* keep it a loop, not a call to memcpy */
    }
    while (n--)
        *p++ = *q++;
    return d;
}

static void *rep_stosb(void *d, int c, size_t n)
{
    void *r = d;
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return r;
}

typedef void *(*copy_fn)(void *, const void *, size_t);
typedef void *(*set_fn)(void *, int, size_t);
static volatile uintptr_t sink;

static long reps(size_t n) { return WORK / n < 2000 ? 2000 : (long)(WORK / n); }

static void report(const char *name, size_t n, long count, double t0)
{
    printf("%s %zu %.1f\n", name, n, (now_ns() - t0) / count);
}

static void copy(const char *name, copy_fn f, size_t n, size_t doff)
{
    long count = reps(n);
    double t0 = now_ns();
    for (long i = 0; i < count; i++)
        sink += (uintptr_t)f(b + doff, a, n);
    report(name, n, count, t0);
}

static void set(const char *name, set_fn f, size_t n)
{
    long count = reps(n);
    double t0 = now_ns();
    for (long i = 0; i < count; i++)
        sink += (uintptr_t)f(b, (int)i, n);
    report(name, n, count, t0);
}

static const size_t sizes[] = {8, 64, 512, 4096, 65536};
#define EACH_SIZE for (size_t k = 0, n; k < sizeof sizes / sizeof *sizes && (n = sizes[k], 1); k++)

int main(void)
{
    copy_fn volatile memcpy_p = memcpy, memmove_p = memmove;
    set_fn volatile memset_p = memset;
    int (*volatile memcmp_p)(const void *, const void *, size_t) = memcmp;
    void *(*volatile memchr_p)(const void *, int, size_t) = memchr;
    size_t (*volatile strlen_p)(const char *) = strlen;
    char *(*volatile strchr_p)(const char *, int) = strchr;
    int (*volatile strcmp_p)(const char *, const char *) = strcmp;
    int (*volatile strncmp_p)(const char *, const char *, size_t) = strncmp;
    char *(*volatile strcpy_p)(char *, const char *) = strcpy;

    for (size_t i = 0; i < sizeof a; i++)
        a[i] = b[i] = (unsigned char)(i % 251 + 1);
    EACH_SIZE {
        copy("memcpy", memcpy_p, n, 0);
        copy("rep_movsb", rep_movsb, n, 0);
        copy("rep_movsq", rep_movsq, n, 0);
        copy("loop16", loop16, n, 0);
        copy("memcpy_unaligned", memcpy_p, n, 3);
        set("memset", memset_p, n);
        set("rep_stosb", rep_stosb, n);
    }
    EACH_SIZE {
        long count = reps(n);
        double t0 = now_ns();
        for (long i = 0; i < count; i++)
            sink += (uintptr_t)memmove_p(a + 1, a, n); /* overlapping: copies backwards */
        report("memmove", n, count, t0);
    }
    for (size_t i = 0; i < sizeof a; i++)
        a[i] = b[i] = (unsigned char)(i % 251 + 1);
    EACH_SIZE {
        long count = reps(n);
        double t0 = now_ns();
        for (long i = 0; i < count; i++)
            sink += (uintptr_t)memcmp_p(a, b, n);
        report("memcmp", n, count, t0);
        t0 = now_ns();
        for (long i = 0; i < count; i++)
            sink += (uintptr_t)memchr_p(a, 0, n);
        report("memchr", n, count, t0);
    }
    /* Strings of n - 1 bytes in a and b (equal), NUL-terminated. */
    EACH_SIZE {
        long count = reps(n);
        a[n - 1] = b[n - 1] = 0;
        double t0 = now_ns();
        for (long i = 0; i < count; i++)
            sink += strlen_p((char *)a);
        report("strlen", n, count, t0);
        t0 = now_ns();
        for (long i = 0; i < count; i++)
            sink += (uintptr_t)strchr_p((char *)a, 0xff);
        report("strchr", n, count, t0);
        t0 = now_ns();
        for (long i = 0; i < count; i++)
            sink += (uintptr_t)strcmp_p((char *)a, (char *)b);
        report("strcmp", n, count, t0);
        t0 = now_ns();
        for (long i = 0; i < count; i++)
            sink += (uintptr_t)strncmp_p((char *)a, (char *)b, n);
        report("strncmp", n, count, t0);
        t0 = now_ns();
        for (long i = 0; i < count; i++)
            sink += (uintptr_t)strcpy_p((char *)c, (char *)a);
        report("strcpy", n, count, t0);
        a[n - 1] = b[n - 1] = (unsigned char)((n - 1) % 251 + 1);
    }
    return 0;
}

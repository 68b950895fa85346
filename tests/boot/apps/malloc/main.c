/*
 * test_malloc: the allocator's size checks and heap checks, one case per run, chosen by argv[1].
 *   calloc, sizes   overflowing size computations return NULL with ENOMEM (or EINVAL for a bad
 *                   alignment) and the heap stays usable; prints "<case>: all checks passed".
 *   the others      a heap bug (double free, a pointer malloc never returned, an overflow into
 *                   the next block's header, realloc of a freed block) that must end in a panic
 *                   report; each happens in a noinline function with a distinctive name, which
 *                   the harness looks for in the backtrace. Getting past it prints "survived".
 * What newlib's checks cover: toolchain/newlib-patches/mallocr-checks.patch, docs/memory.md.
 */
/* The huge sizes are the point: gcc warns about each of them. */
#pragma GCC diagnostic ignored "-Walloc-size-larger-than="

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOINLINE __attribute__((noinline, noclone))

/* Hide a pointer's origin from the optimizer (and from gcc's free() warnings), so the bug
 * happens as written. */
#define LAUNDER(x) __asm__ volatile("" : "+r"(x))
/* Make the bytes at p count as read, so a store before free() is not dropped as dead. */
#define KEEP(p) __asm__ volatile("" : : "r"(p) : "memory")

static int failed;

static void check(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    failed |= !ok;
}

/* p is NULL and errno is err; frees p otherwise. */
static void expect_null(void *p, int err, const char *what)
{
    char line[160];
    snprintf(line, sizeof line, "%s = NULL, errno %d (got %p, errno %d)", what, err, p, errno);
    check(p == NULL && errno == err, line);
    free(p);
}

#define EXPECT_NULL(call, err) (errno = 0, expect_null((call), (err), #call))

static int calloc_checks(void)
{
    EXPECT_NULL(calloc(SIZE_MAX / 2 + 2, 2), ENOMEM);    /* the product wraps to 2 */
    EXPECT_NULL(calloc((size_t)1 << 33, (size_t)1 << 33), ENOMEM); /* wraps to 0 */
    EXPECT_NULL(calloc(SIZE_MAX, SIZE_MAX), ENOMEM);
    EXPECT_NULL(calloc(2, SIZE_MAX / 2 + 1), ENOMEM);
    EXPECT_NULL(calloc(1, SIZE_MAX), ENOMEM);

    /* A normal calloc still zeroes, also when it reuses a dirty block. */
    unsigned char *dirty = malloc(200);
    memset(dirty, 0xa5, 200);
    free(dirty);
    unsigned char *z = calloc(25, 8);
    int zero = z != NULL;
    for (int i = 0; z && i < 200; i++)
        zero &= z[i] == 0;
    check(zero, "calloc(25, 8) is 200 zero bytes, over a freed block full of 0xa5");
    free(z);
    check(calloc(0, 16) != NULL || errno == ENOMEM, "calloc(0, 16) is a block or NULL");
    return failed;
}

static void *thread_malloc(void *arg)
{
    void *p = malloc(64);
    free(p);
    return arg;
}

static int size_checks(void)
{
    EXPECT_NULL(malloc(SIZE_MAX), ENOMEM);
    EXPECT_NULL(malloc(SIZE_MAX - 15), ENOMEM);

    /* realloc: NULL with ENOMEM, and the old block is untouched and still owned. */
    char *p = malloc(32);
    strcpy(p, "still here");
    EXPECT_NULL(realloc(p, SIZE_MAX), ENOMEM);
    EXPECT_NULL(realloc(p, SIZE_MAX - 8), ENOMEM);
    EXPECT_NULL(realloc(p, (size_t)INT32_MAX + 1), ENOMEM);
    check(strcmp(p, "still here") == 0, "the block survives a failed realloc");
    EXPECT_NULL(realloc(NULL, SIZE_MAX), ENOMEM);
    EXPECT_NULL(reallocarray(p, SIZE_MAX / 2 + 2, 2), ENOMEM);
    EXPECT_NULL(reallocarray(p, (size_t)1 << 33, (size_t)1 << 33), ENOMEM);
    check(strcmp(p, "still here") == 0, "the block survives a failed reallocarray");
    p = realloc(p, 4000);
    check(p && strcmp(p, "still here") == 0, "realloc growth keeps the contents");
    free(p);

    /* A failed realloc used to leave the malloc lock held: another thread's malloc then waited
     * for ever (the deadlock report). */
    pthread_t t;
    void *ret = NULL;
    check(pthread_create(&t, NULL, thread_malloc, &t) == 0 && pthread_join(t, &ret) == 0 && ret == &t,
          "another thread can allocate after a failed realloc");

    /* memalign and its relatives: a wrapping alignment or padding is refused. */
    EXPECT_NULL(memalign(SIZE_MAX, 16), EINVAL);        /* not a power of two: padding wrapped */
    EXPECT_NULL(memalign(SIZE_MAX - 31, 16), EINVAL);
    EXPECT_NULL(memalign(48, 16), EINVAL);
    EXPECT_NULL(memalign((size_t)1 << 63, 16), ENOMEM);
    EXPECT_NULL(memalign(4096, SIZE_MAX), ENOMEM);
    EXPECT_NULL(memalign(4096, SIZE_MAX - 4096 - 64), ENOMEM);
    EXPECT_NULL(valloc(SIZE_MAX), ENOMEM);
    EXPECT_NULL(valloc(SIZE_MAX - 4096), ENOMEM);
    EXPECT_NULL(pvalloc(SIZE_MAX), ENOMEM);
    EXPECT_NULL(pvalloc(SIZE_MAX - 4096), ENOMEM);
    EXPECT_NULL(aligned_alloc(4096, SIZE_MAX), ENOMEM);
    EXPECT_NULL(aligned_alloc((size_t)1 << 63, 4096), ENOMEM);
    EXPECT_NULL(aligned_alloc(SIZE_MAX, 16), EINVAL);
    void *q = (void *)1;
    check(posix_memalign(&q, 64, SIZE_MAX) == ENOMEM && q == (void *)1, "posix_memalign(64, SIZE_MAX) = ENOMEM");
    check(posix_memalign(&q, (size_t)1 << 63, 64) == ENOMEM, "posix_memalign(1 << 63, 64) = ENOMEM");
    check(posix_memalign(&q, SIZE_MAX, 64) == EINVAL, "posix_memalign(SIZE_MAX, 64) = EINVAL");

    /* And the working cases still work. */
    void *a = memalign(4096, 100);
    check(a && ((uintptr_t)a & 4095) == 0, "memalign(4096, 100) is 4096-aligned");
    void *b = aligned_alloc(64, 128);
    check(b && ((uintptr_t)b & 63) == 0, "aligned_alloc(64, 128) is 64-aligned");
    free(a);
    free(b);
    return failed;
}

/* ---- heap bugs: each must end in a panic report ------------------------------------------ */

static void survived(void) { printf("survived: the bug went unnoticed\n"); }

NOINLINE static void free_twice(void)
{
    char *a = malloc(40), *guard = malloc(40);
    LAUNDER(a);
    free(a);
    free(a);
    survived();
    free(guard);
}

/* The last block before top merges into top when freed: the second free finds it in top. */
/* A block larger than any free fragment comes from the top of the heap, whatever allocated
 * before main (a thread or interrupt stack's memalign leaves fragments): freeing it merges it
 * into the top. */
#define FROM_TOP (1 << 20)

NOINLINE static void free_twice_merged(void)
{
    char *a = malloc(FROM_TOP);
    LAUNDER(a);
    free(a);
    free(a);
    survived();
}

NOINLINE static void free_stack_address(void)
{
    char buf[64];
    char *p = buf + 16;
    LAUNDER(p);
    free(p);
    survived();
}

static char global_buffer[64];

NOINLINE static void free_global_address(void)
{
    char *p = global_buffer + 16;
    LAUNDER(p);
    free(p);
    survived();
}

NOINLINE static void free_interior_pointer(void)
{
    char *a = calloc(1, 64);
    char *p = a + 32;
    LAUNDER(p);
    free(p);
    survived();
}

NOINLINE static void free_misaligned_pointer(void)
{
    char *a = malloc(64);
    char *p = a + 1;
    LAUNDER(p);
    free(p);
    survived();
}

/* Writing 8 bytes past a's 40 usable bytes overwrites the size in b's header. */
NOINLINE static void overflow_then_free(void)
{
    char *a = malloc(40), *b = malloc(40), *c = malloc(40);
    LAUNDER(a);
    memset(a, 'x', 48);
    KEEP(a);
    free(a);
    survived();
    free(b);
    free(c);
}

/* The same overflow into a block that is free: the malloc that would hand it out sees it. */
NOINLINE static void overflow_into_free_block(void)
{
    char *a = malloc(40), *b = malloc(40), *c = malloc(40);
    free(b);
    LAUNDER(a);
    memset(a, 'x', 48);
    KEEP(a);
    char *d = malloc(40);
    LAUNDER(d);
    survived();
    free(c);
}

/* The last block's overflow reaches top's header: the next malloc from top sees it. */
NOINLINE static void overflow_into_top(void)
{
    char *a = malloc(FROM_TOP);
    LAUNDER(a);
    memset(a, 'x', FROM_TOP + 16); /* its usable size is FROM_TOP + 8: 8 more reach top's size */
    KEEP(a);
    char *d = malloc(FROM_TOP); /* from the top again: no free fragment is this large */
    LAUNDER(d);
    survived();
}

NOINLINE static void realloc_after_free(void)
{
    char *a = malloc(40), *guard = malloc(40);
    LAUNDER(a);
    free(a);
    a = realloc(a, 100);
    LAUNDER(a);
    survived();
    free(guard);
}

static const struct {
    const char *name;
    void (*run)(void);
} bugs[] = {
    {"double-free", free_twice},
    {"double-free-merged", free_twice_merged},
    {"free-stack", free_stack_address},
    {"free-global", free_global_address},
    {"free-interior", free_interior_pointer},
    {"free-misaligned", free_misaligned_pointer},
    {"overflow-next", overflow_then_free},
    {"overflow-free-block", overflow_into_free_block},
    {"overflow-top", overflow_into_top},
    {"realloc-freed", realloc_after_free},
};

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    if (strcmp(what, "calloc") == 0 || strcmp(what, "sizes") == 0) {
        int bad = what[0] == 'c' ? calloc_checks() : size_checks();
        printf("%s: %s\n", what, bad ? "FAILED" : "all checks passed");
        return bad;
    }
    for (size_t i = 0; i < sizeof bugs / sizeof bugs[0]; i++) {
        if (strcmp(what, bugs[i].name) == 0) {
            bugs[i].run();
            return 1;
        }
    }
    printf("test_malloc: unknown case '%s'\n", what);
    return 2;
}

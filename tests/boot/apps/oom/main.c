/*
 * test_oom: running out of memory is an error return, not a crash, and freed memory comes back.
 *   1. malloc of sizes far beyond RAM returns NULL with errno ENOMEM.
 *   2. malloc of 1 MiB blocks (each written to) until NULL; prints the total obtained, which the
 *      harness compares with the machine's RAM.
 *   3. free everything; the same number of blocks can be allocated again, and one block as big
 *      as half of everything obtained can be allocated too.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK (1u << 20)
#define MAX_BLOCKS 4096

static void *blocks[MAX_BLOCKS];
static int failed;

static void check(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    failed |= !ok;
}

static void huge(size_t size)
{
    errno = 0;
    void *p = malloc(size);
    char what[96];
    snprintf(what, sizeof what, "malloc(%zu) = NULL, errno ENOMEM (got %p, errno %d)", size, p, errno);
    check(p == NULL && errno == ENOMEM, what);
    free(p);
}

/* Allocate 1 MiB blocks until malloc fails; every block is written so the memory is real. */
static size_t fill(void)
{
    size_t n = 0;
    while (n < MAX_BLOCKS && (blocks[n] = malloc(BLOCK)) != NULL) {
        memset(blocks[n], (int)n, BLOCK);
        n++;
    }
    return n;
}

static void release(size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char *b = blocks[i];
        if (b[0] != (unsigned char)i || b[BLOCK - 1] != (unsigned char)i) {
            check(0, "block contents survived");
            break;
        }
        free(b);
    }
}

int main(void)
{
    huge(SIZE_MAX);
    huge(SIZE_MAX / 2);
    huge((size_t)64 << 30);

    size_t first = fill();
    printf("obtained %zu KiB in 1 MiB blocks\n", first * (BLOCK >> 10));
    errno = 0;
    check(first < MAX_BLOCKS && malloc(BLOCK) == NULL && errno == ENOMEM,
          "malloc(1 MiB) after exhaustion = NULL with ENOMEM");
    release(first);

    size_t second = fill();
    printf("after free: obtained %zu KiB again\n", second * (BLOCK >> 10));
    check(second >= first, "freed memory can be allocated again");
    release(second);

    size_t half = first / 2 * BLOCK;
    void *big = malloc(half);
    printf("one block of %zu KiB: %s\n", half >> 10, big ? "ok" : "NULL");
    check(big != NULL, "one big block after freeing everything");
    if (big)
        memset(big, 1, half);
    free(big);

    printf("%s\n", failed ? "oom: FAILED" : "oom: all checks passed");
    return failed;
}

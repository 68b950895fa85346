/*
 * Host tests of libos/mm/memmap.c: which pages of a firmware memory map are free RAM.
 */
#include "mm_logic.h"
#include "check.h"

#include <libos/boot.h>

#define KiB 1024ull
#define MiB (1024 * KiB)
#define GiB (1024 * MiB)

#define MAX 16
static struct libos_range out[MAX];

/* Expect exactly the ranges given as start, end pairs. */
#define CHECK_RANGES(n, ...)                                                                       \
    do {                                                                                           \
        const uint64_t want_[] = {__VA_ARGS__};                                                    \
        size_t nwant_ = sizeof want_ / sizeof want_[0] / 2;                                        \
        CHECK_EQ(nwant_, (n));                                                                     \
        for (size_t k_ = 0; k_ < nwant_ && k_ < (n); k_++) {                                       \
            CHECK_EQ(want_[2 * k_], out[k_].start);                                                \
            CHECK_EQ(want_[2 * k_ + 1], out[k_].end);                                              \
        }                                                                                          \
    } while (0)

static size_t free_of(const struct libos_memmap_entry *map, size_t n, const struct libos_range *ex, size_t nex)
{
    memset(out, 0xa5, sizeof out);
    return libos_memmap_free(map, n, ex, nex, out, MAX);
}

/* q35 with 32 MiB, as QEMU 7.2 reports it (PVH start info). */
static void test_q35(void)
{
    const struct libos_memmap_entry map[] = {
        {0, 0x9fc00, 1},
        {0x9fc00, 0x400, 2},
        {0xf0000, 0x10000, 2},
        {0x100000, 0x1ee0000, 1},
        {0x1fe0000, 0x20000, 2},
        {0xb0000000, 0x10000000, 2},
        {0xfed1c000, 0x4000, 2},
        {0xfffc0000, 0x40000, 2},
        {0xfd00000000, 0x300000000, 2},
    };
    const struct libos_range exclude[] = {{0, 4096}, {0x100000, 0x133a2d}};
    size_t n = free_of(map, 9, exclude, 2);
    /* Low RAM without page 0, the partial page at 0x9f000 dropped; RAM after the image (its
     * end rounded up to a page). */
    CHECK_RANGES(n, 0x1000, 0x9f000, 0x134000, 0x1fe0000);
}

/* microvm ends its map with an all-zero entry, which boot drops; with it, nothing changes. */
static void test_microvm(void)
{
    const struct libos_memmap_entry map[] = {
        {0, 0x9fc00, 1}, {0x9fc00, 0x400, 2}, {0xd0000, 0x20000, 4}, {0xf0000, 0x10000, 2},
        {0x100000, 63 * MiB, 1}, {0, 0, 0},
    };
    size_t n = free_of(map, 6, NULL, 0);
    CHECK_RANGES(n, 0, 0x9f000, 0x100000, 64 * MiB);
}

static void test_alignment(void)
{
    /* Entries shrink to whole pages; one that holds no whole page disappears. */
    const struct libos_memmap_entry map[] = {
        {0x1001, 0x2fff, 1},  /* [0x1001, 0x4000): pages 0x2000-0x4000 */
        {0x10800, 0x800, 1},  /* no whole page */
        {0x20000, 0xfff, 1},  /* no whole page */
        {0x30000, 0x1000, 1}, /* exactly one page */
    };
    size_t n = free_of(map, 4, NULL, 0);
    CHECK_RANGES(n, 0x2000, 0x4000, 0x30000, 0x31000);

    /* Reserved entries and exclusions grow to whole pages. */
    const struct libos_memmap_entry map2[] = {{0, 1 * MiB, 1}, {0x10010, 0x10, 2}};
    const struct libos_range ex[] = {{0x20fff, 0x21001}};
    n = free_of(map2, 2, ex, 1);
    CHECK_RANGES(n, 0, 0x10000, 0x11000, 0x20000, 0x22000, 1 * MiB);
}

static void test_sort_and_merge(void)
{
    /* Out of order, overlapping and touching RAM entries become sorted, merged ranges. */
    const struct libos_memmap_entry map[] = {
        {4 * GiB, 1 * GiB, 1},
        {2 * MiB, 2 * MiB, 1},
        {0, 1 * MiB, 1},
        {1 * MiB, 1 * MiB, 1},   /* touches both neighbours */
        {3 * MiB, 2 * MiB, 1},   /* overlaps */
        {16 * MiB, 1 * MiB, 3},  /* ACPI: not RAM */
        {8 * MiB, 1 * MiB, 1},
    };
    size_t n = free_of(map, 7, NULL, 0);
    CHECK_RANGES(n, 0, 5 * MiB, 8 * MiB, 9 * MiB, 4 * GiB, 5 * GiB);
}

static void test_reserved_wins(void)
{
    /* A reserved entry overlapping RAM wins, whatever the order of the entries. */
    const struct libos_memmap_entry map[] = {
        {1 * MiB, 4 * MiB, 2},
        {0, 8 * MiB, 1},
        {7 * MiB, 2 * MiB, 2}, /* reaches past the end of RAM */
    };
    size_t n = free_of(map, 3, NULL, 0);
    CHECK_RANGES(n, 0, 1 * MiB, 5 * MiB, 7 * MiB);

    /* Reserved covering all RAM: nothing is free. */
    const struct libos_memmap_entry all[] = {{1 * MiB, 1 * MiB, 1}, {0, 4 * MiB, 2}};
    CHECK_EQ(0, free_of(all, 2, NULL, 0));
}

static void test_exclude(void)
{
    const struct libos_memmap_entry map[] = {{0, 32 * MiB, 1}};
    /* The image, an initrd at the top, page 0, and an empty exclusion (no initrd). */
    const struct libos_range ex[] = {
        {1 * MiB, 0x155555}, {30 * MiB, 32 * MiB}, {0, 4096}, {0, 0},
    };
    size_t n = free_of(map, 1, ex, 4);
    CHECK_RANGES(n, 0x1000, 1 * MiB, 0x156000, 30 * MiB);

    /* Excluding everything, and excluding what is not RAM. */
    const struct libos_range everything[] = {{0, 64 * MiB}};
    CHECK_EQ(0, free_of(map, 1, everything, 1));
    const struct libos_range elsewhere[] = {{1 * GiB, 2 * GiB}};
    n = free_of(map, 1, elsewhere, 1);
    CHECK_RANGES(n, 0, 32 * MiB);
}

static void test_limits(void)
{
    /* No entries at all. */
    CHECK_EQ(0, free_of(NULL, 0, NULL, 0));

    /* More disjoint RAM entries than room: the count never exceeds max, and what is kept is
     * sorted and within the map. */
    struct libos_memmap_entry many[40];
    for (int i = 0; i < 40; i++)
        many[i] = (struct libos_memmap_entry){(uint64_t)(39 - i) * 2 * MiB, 1 * MiB, 1};
    size_t n = free_of(many, 40, NULL, 0);
    CHECK_EQ(MAX, n);
    int sorted = 1;
    for (size_t i = 0; i < n; i++) {
        sorted &= out[i].end - out[i].start == 1 * MiB && out[i].start % (2 * MiB) == 0;
        sorted &= i == 0 || out[i].start > out[i - 1].start;
    }
    CHECK(sorted);

    /* A range split in two by an exclusion when the list is full: still at most max. */
    struct libos_range small[2];
    const struct libos_memmap_entry two[] = {{0, 1 * MiB, 1}, {4 * MiB, 1 * MiB, 1}};
    const struct libos_range hole[] = {{0x10000, 0x20000}};
    n = libos_memmap_free(two, 2, hole, 1, small, 2);
    CHECK(n <= 2);
}

int main(void)
{
    test_q35();
    test_microvm();
    test_alignment();
    test_sort_and_merge();
    test_reserved_wins();
    test_exclude();
    test_limits();
    return CHECK_DONE();
}

/*
 * Host tests of libos/mm/paging.c: building x86_64 page tables. Table frames come from a pool of
 * host pages handed out by the allocation callback; host pointers serve as physical addresses,
 * which is what the identity-mapped kernel does too.
 */
#include "mm_logic.h"
#include "check.h"

#include <stdlib.h>

#define KiB 1024ull
#define MiB (1024 * KiB)
#define GiB (1024 * MiB)

struct pool {
    uint64_t (*frames)[512];
    int used, max;
};

static void *pool_alloc(void *arg)
{
    struct pool *p = arg;
    if (p->used == p->max)
        return NULL;
    return p->frames[p->used++]; /* new_pool zeroed them */
}

static struct pool *new_pool(int max)
{
    static struct pool p;
    free(p.frames);
    p.frames = aligned_alloc(4096, (size_t)max * 4096);
    memset(p.frames, 0, (size_t)max * 4096);
    p.used = 0;
    p.max = max;
    return &p;
}

static uint64_t root[512] __attribute__((aligned(4096)));

static struct libos_pt new_pt(struct pool *p, int nx)
{
    memset(root, 0, sizeof root);
    return (struct libos_pt){root, pool_alloc, p, nx};
}

static void test_small_pages(void)
{
    struct pool *p = new_pool(8);
    struct libos_pt pt = new_pt(p, 1);
    CHECK_EQ(0, libos_pt_map(&pt, 0x100000, 0x100000, 3 * 4096, MAP_X));
    CHECK_EQ(3, p->used); /* PDPT, PD, PT */
    for (uint64_t va = 0x100000; va < 0x103000; va += 4096)
        CHECK_EQ(va | PTE_PRESENT, libos_pt_lookup(&pt, va)); /* R+X: no write, no NX */
    /* Inside a page: the same entry. Next to the range: nothing. */
    CHECK_EQ(0x101000 | PTE_PRESENT, libos_pt_lookup(&pt, 0x101fff));
    CHECK_EQ(0, libos_pt_lookup(&pt, 0x103000));
    CHECK_EQ(0, libos_pt_lookup(&pt, 0xff000));
    CHECK_EQ(0, libos_pt_lookup(&pt, 0));
    CHECK_EQ(0, libos_pt_lookup(&pt, 1ull << 46));

    /* Permissions. */
    CHECK_EQ(0, libos_pt_map(&pt, 0x104000, 0x104000, 4096, MAP_R));
    CHECK_EQ(0x104000 | PTE_PRESENT | PTE_NX, libos_pt_lookup(&pt, 0x104000));
    CHECK_EQ(0, libos_pt_map(&pt, 0x105000, 0x105000, 4096, MAP_W));
    CHECK_EQ(0x105000 | PTE_PRESENT | PTE_WRITE | PTE_NX, libos_pt_lookup(&pt, 0x105000));
    CHECK_EQ(0, libos_pt_map(&pt, 0x106000, 0x106000, 4096, MAP_W | MAP_X));
    CHECK_EQ(0x106000 | PTE_PRESENT | PTE_WRITE, libos_pt_lookup(&pt, 0x106000));
    CHECK_EQ(0, libos_pt_map(&pt, 0x107000, 0xfee00000, 4096, MAP_W | MAP_UNCACHED));
    CHECK_EQ(0xfee00000 | PTE_PRESENT | PTE_WRITE | PTE_NX | PTE_PCD, libos_pt_lookup(&pt, 0x107000));
    CHECK_EQ(3, p->used); /* all in the same page table */

    /* Without NX support, no NX bit ever (it would be a reserved-bit fault). */
    p = new_pool(8);
    pt = new_pt(p, 0);
    CHECK_EQ(0, libos_pt_map(&pt, 0x200000 - 4096, 0x200000 - 4096, 4096, MAP_R));
    CHECK_EQ((0x200000 - 4096) | PTE_PRESENT, libos_pt_lookup(&pt, 0x1ff000));
}

static void test_large_pages(void)
{
    /* 2 MiB-aligned and at least 2 MiB: large pages, no page table below the PD. */
    struct pool *p = new_pool(8);
    struct libos_pt pt = new_pt(p, 1);
    CHECK_EQ(0, libos_pt_map(&pt, 1 * GiB, 1 * GiB, 6 * MiB, MAP_W));
    CHECK_EQ(2, p->used);
    for (uint64_t va = 1 * GiB; va < 1 * GiB + 6 * MiB; va += 2 * MiB)
        CHECK_EQ(va | PTE_PRESENT | PTE_WRITE | PTE_NX | PTE_LARGE, libos_pt_lookup(&pt, va + 12345));
    CHECK_EQ(0, libos_pt_lookup(&pt, 1 * GiB + 6 * MiB));

    /* An unaligned range: 4 KiB pages up to the first 2 MiB boundary, large pages while 2 MiB
     * remain, 4 KiB pages for the tail. */
    p = new_pool(8);
    pt = new_pt(p, 1);
    uint64_t start = 2 * MiB - 8 * KiB, end = 6 * MiB + 12 * KiB;
    CHECK_EQ(0, libos_pt_map(&pt, start, start, end - start, MAP_W));
    CHECK_EQ(4, p->used); /* PDPT, PD, and two page tables (head and tail) */
    CHECK_EQ(0, libos_pt_lookup(&pt, start) & PTE_LARGE);
    CHECK_EQ(PTE_LARGE, libos_pt_lookup(&pt, 2 * MiB) & PTE_LARGE);
    CHECK_EQ(PTE_LARGE, libos_pt_lookup(&pt, 4 * MiB) & PTE_LARGE);
    CHECK_EQ((6 * MiB + 8 * KiB) | PTE_PRESENT | PTE_WRITE | PTE_NX, libos_pt_lookup(&pt, 6 * MiB + 8 * KiB));
    CHECK_EQ(0, libos_pt_lookup(&pt, end));
    CHECK_EQ(0, libos_pt_lookup(&pt, start - 4096));

    /* va and pa differently aligned: no large pages possible. */
    p = new_pool(8);
    pt = new_pt(p, 1);
    CHECK_EQ(0, libos_pt_map(&pt, 4 * MiB, 4 * MiB + 4096, 2 * MiB, MAP_R));
    CHECK_EQ(0, libos_pt_lookup(&pt, 4 * MiB) & PTE_LARGE);
    CHECK_EQ((6 * MiB) | PTE_PRESENT | PTE_NX, libos_pt_lookup(&pt, 6 * MiB - 4096));
}

static void test_high_addresses(void)
{
    /* Different PML4 and PDPT slots each get their own tables. */
    struct pool *p = new_pool(16);
    struct libos_pt pt = new_pt(p, 1);
    uint64_t a = 0xfd00000000ull, b = 0x7fffffe00000ull;
    CHECK_EQ(0, libos_pt_map(&pt, a, a, 4096, MAP_W));
    CHECK_EQ(0, libos_pt_map(&pt, b, b, 2 * MiB, MAP_R));
    CHECK_EQ(a | PTE_PRESENT | PTE_WRITE | PTE_NX, libos_pt_lookup(&pt, a));
    CHECK_EQ(b | PTE_PRESENT | PTE_NX | PTE_LARGE, libos_pt_lookup(&pt, b + 2 * MiB - 1));
    CHECK_EQ(5, p->used); /* a: PDPT, PD, PT; b: PDPT, PD */
    CHECK_EQ(0, libos_pt_lookup(&pt, a + 4096));
    CHECK_EQ(0, libos_pt_lookup(&pt, a - 4096));
}

static void test_conflicts(void)
{
    struct pool *p = new_pool(8);
    struct libos_pt pt = new_pt(p, 1);
    CHECK_EQ(0, libos_pt_map(&pt, 0x10000, 0x10000, 4 * 4096, MAP_W));
    /* The same mapping again is fine; a different one over it is refused. */
    CHECK_EQ(0, libos_pt_map(&pt, 0x10000, 0x10000, 4 * 4096, MAP_W));
    CHECK_EQ(-1, libos_pt_map(&pt, 0x12000, 0x12000, 4096, MAP_X));
    CHECK_EQ(-1, libos_pt_map(&pt, 0x13000, 0x99000, 4096, MAP_W));
    CHECK_EQ(0x12000 | PTE_PRESENT | PTE_WRITE | PTE_NX, libos_pt_lookup(&pt, 0x12000));
    /* ...also once the CPU has marked the pages accessed and dirty (two devices' registers in
     * one page are mapped twice). */
    *libos_pt_slot(&pt, 0x11000) |= PTE_ACCESSED | PTE_DIRTY;
    CHECK_EQ(0, libos_pt_map(&pt, 0x10000, 0x10000, 4 * 4096, MAP_W));

    /* Small pages inside a large page are refused, and leave the large page alone. */
    CHECK_EQ(0, libos_pt_map(&pt, 8 * MiB, 8 * MiB, 2 * MiB, MAP_W));
    CHECK_EQ(-1, libos_pt_map(&pt, 9 * MiB, 9 * MiB, 4096, MAP_R));
    CHECK_EQ(8 * MiB | PTE_PRESENT | PTE_WRITE | PTE_NX | PTE_LARGE, libos_pt_lookup(&pt, 9 * MiB));
    /* The same large mapping again is fine too; other permissions over it are refused. */
    CHECK_EQ(0, libos_pt_map(&pt, 8 * MiB, 8 * MiB, 2 * MiB, MAP_W));
    *libos_pt_slot(&pt, 8 * MiB) |= PTE_ACCESSED;
    CHECK_EQ(0, libos_pt_map(&pt, 8 * MiB, 8 * MiB, 2 * MiB, MAP_W));
    CHECK_EQ(-1, libos_pt_map(&pt, 8 * MiB, 8 * MiB, 2 * MiB, MAP_R));
}

static void test_set_page(void)
{
    struct pool *p = new_pool(8);
    struct libos_pt pt = new_pt(p, 1);
    CHECK_EQ(0, libos_pt_map(&pt, 4 * MiB, 4 * MiB, 2 * MiB, MAP_W));
    int used = p->used;
    /* A guard page inside a large page splits it: one new table, the rest keeps its rights. */
    CHECK_EQ(0, libos_pt_set_page(&pt, 5 * MiB, MAP_GUARD));
    CHECK_EQ(used + 1, p->used);
    CHECK_EQ(0, libos_pt_lookup(&pt, 5 * MiB));
    CHECK_EQ(PTE_GUARD, libos_pt_entry(&pt, 5 * MiB));
    CHECK_EQ((5 * MiB + 4096) | PTE_PRESENT | PTE_WRITE | PTE_NX, libos_pt_lookup(&pt, 5 * MiB + 4096));
    CHECK_EQ((5 * MiB - 4096) | PTE_PRESENT | PTE_WRITE | PTE_NX, libos_pt_lookup(&pt, 5 * MiB - 4096));
    CHECK_EQ(4 * MiB | PTE_PRESENT | PTE_WRITE | PTE_NX, libos_pt_lookup(&pt, 4 * MiB));
    /* Mapped again, identity, with the rights asked for; no further table. */
    CHECK_EQ(0, libos_pt_set_page(&pt, 5 * MiB, MAP_W));
    CHECK_EQ(5 * MiB | PTE_PRESENT | PTE_WRITE | PTE_NX, libos_pt_lookup(&pt, 5 * MiB));
    CHECK_EQ(used + 1, p->used);
    /* Outside any mapped 2 MiB region: refused. */
    CHECK_EQ(-1, libos_pt_set_page(&pt, 64 * MiB, MAP_GUARD));
    /* A guard page written by libos_pt_map directly. */
    CHECK_EQ(0, libos_pt_map(&pt, 0x20000, 0x20000, 4096, (unsigned)MAP_GUARD));
    CHECK_EQ(PTE_GUARD, libos_pt_entry(&pt, 0x20000));
}

static void test_copy_table(void)
{
    struct pool *p = new_pool(8);
    struct libos_pt pt = new_pt(p, 1);
    CHECK_EQ(0, libos_pt_map(&pt, 0x100000, 0x100000, 0x3000, MAP_X));
    uint64_t *before = libos_pt_slot(&pt, 0x101000);
    uint64_t entry = *before;
    int used = p->used;
    /* A copy in a new frame: the same entries, reached through the new table. */
    CHECK_EQ(0, libos_pt_copy_table(&pt, 0x101000));
    CHECK_EQ(used + 1, p->used);
    uint64_t *after = libos_pt_slot(&pt, 0x101000);
    CHECK(after != before);
    CHECK_EQ(entry, *after);
    CHECK_EQ(0x102000 | PTE_PRESENT, libos_pt_lookup(&pt, 0x102000));
    /* Changes now go to the copy only. */
    CHECK_EQ(0, libos_pt_set_page(&pt, 0x101000, MAP_GUARD));
    CHECK_EQ(PTE_GUARD, *after);
    CHECK_EQ(entry, *before);
    /* A large page, or nothing mapped: no table to copy. */
    CHECK_EQ(0, libos_pt_map(&pt, 4 * MiB, 4 * MiB, 2 * MiB, MAP_W));
    CHECK_EQ(-1, libos_pt_copy_table(&pt, 4 * MiB));
    CHECK_EQ(-1, libos_pt_copy_table(&pt, 64 * MiB));
}

static void test_out_of_frames(void)
{
    /* Every allocation the mapping needs fails in turn: -1, never a crash. */
    for (int frames = 0; frames < 3; frames++) {
        struct pool *p = new_pool(frames);
        struct libos_pt pt = new_pt(p, 1);
        CHECK_EQ(-1, libos_pt_map(&pt, 0x100000, 0x100000, 4096, MAP_W));
        CHECK_EQ(frames, p->used);
    }
    struct pool *p = new_pool(3);
    struct libos_pt pt = new_pt(p, 1);
    CHECK_EQ(0, libos_pt_map(&pt, 0x100000, 0x100000, 4096, MAP_W));
    /* A second PD is needed 1 GiB further on: none left. */
    CHECK_EQ(-1, libos_pt_map(&pt, 1 * GiB, 1 * GiB, 2 * MiB, MAP_W));
    CHECK_EQ(0, libos_pt_lookup(&pt, 1 * GiB));
}

/* The stack area's use: single pages at high addresses mapped to unrelated frames, found through
 * their page-directory entry (libos_pt_pde) so that an empty page table can be dropped. */
static void test_stack_area(void)
{
    struct pool *p = new_pool(8);
    struct libos_pt pt = new_pt(p, 1);
    uint64_t top = 0x7f0000a00000ull, frame = 0x345000;
    CHECK(libos_pt_pde(&pt, top - 4096) == NULL); /* no PDPT, no PD yet */
    CHECK_EQ(0, libos_pt_map(&pt, top - 4096, frame, 4096, MAP_W));
    CHECK_EQ(3, p->used);
    CHECK_EQ(frame | PTE_PRESENT | PTE_WRITE | PTE_NX, libos_pt_lookup(&pt, top - 4096));
    CHECK_EQ(0, libos_pt_lookup(&pt, top - 8192)); /* the page below: not mapped yet */
    uint64_t *pde = libos_pt_pde(&pt, top - 4096);
    CHECK(pde != NULL);
    CHECK_EQ((uint64_t)(uintptr_t)p->frames[2] | PTE_PRESENT | PTE_WRITE, *pde); /* the PT */
    CHECK(libos_pt_pde(&pt, top - 4096 - 2 * MiB) == pde - 1); /* the region below: same PD */
    /* A guard mark in the gap, then the table dropped: nothing reaches either page any more. */
    CHECK_EQ(0, libos_pt_map(&pt, top - 1 * MiB, 0, 4096, (unsigned)MAP_GUARD));
    CHECK_EQ(PTE_GUARD, libos_pt_entry(&pt, top - 1 * MiB));
    *pde = 0;
    CHECK_EQ(0, libos_pt_entry(&pt, top - 4096));
    CHECK(libos_pt_slot(&pt, top - 4096) == NULL);
    /* A large page's region has a PDE but no table. */
    CHECK_EQ(0, libos_pt_map(&pt, 4 * MiB, 4 * MiB, 2 * MiB, MAP_W));
    CHECK(*libos_pt_pde(&pt, 4 * MiB) & PTE_LARGE);
}

int main(void)
{
    test_stack_area();
    test_small_pages();
    test_large_pages();
    test_high_addresses();
    test_conflicts();
    test_set_page();
    test_copy_table();
    test_out_of_frames();
    return CHECK_DONE();
}

/*
 * x86_64 4-level page tables: build mappings with 4 KiB and 2 MiB pages. Pure logic (mm_logic.h):
 * table frames come from a callback and are addressed by their (identity) address, so the same
 * code runs on the host in tests/unit.
 */
#include "mm_logic.h"

#define SIZE_4K 0x1000ull
#define SIZE_2M 0x200000ull

static unsigned index_at(uint64_t va, int level) { return (va >> (12 + 9 * level)) & 511; }

static uint64_t *table_of(uint64_t entry) { return (uint64_t *)(uintptr_t)(entry & PTE_ADDR); }

/* The table below entry e of a table, allocating it when absent; NULL on failure or conflict. */
static uint64_t *next_table(struct libos_pt *pt, uint64_t *e)
{
    if (*e & PTE_PRESENT)
        return (*e & PTE_LARGE) ? NULL : table_of(*e);
    uint64_t *t = pt->alloc(pt->arg);
    if (!t)
        return NULL;
    /* Intermediate entries allow everything; the leaf decides. */
    *e = (uint64_t)(uintptr_t)t | PTE_PRESENT | PTE_WRITE;
    return t;
}

static uint64_t leaf_bits(const struct libos_pt *pt, unsigned perms)
{
    if (perms == (unsigned)MAP_GUARD)
        return PTE_GUARD;
    uint64_t bits = PTE_PRESENT;
    if (perms & MAP_W)
        bits |= PTE_WRITE;
    if (!(perms & MAP_X) && pt->nx)
        bits |= PTE_NX;
    if (perms & MAP_UNCACHED)
        bits |= PTE_PCD;
    return bits;
}

int libos_pt_map(struct libos_pt *pt, uint64_t va, uint64_t pa, uint64_t size, unsigned perms)
{
    uint64_t bits = leaf_bits(pt, perms);
    while (size > 0) {
        uint64_t *pdpt = next_table(pt, &pt->root[index_at(va, 3)]);
        uint64_t *pd = pdpt ? next_table(pt, &pdpt[index_at(va, 2)]) : NULL;
        if (!pd)
            return -1;
        uint64_t *pde = &pd[index_at(va, 1)];
        if ((va % SIZE_2M) == 0 && (pa % SIZE_2M) == 0 && size >= SIZE_2M && (bits & PTE_PRESENT) &&
            (!(*pde & PTE_PRESENT) || (*pde & ~(PTE_ACCESSED | PTE_DIRTY)) == (pa | bits | PTE_LARGE))) {
            *pde = pa | bits | PTE_LARGE; /* new, or the same mapping again (like 4 KiB pages) */
            va += SIZE_2M, pa += SIZE_2M, size -= SIZE_2M;
            continue;
        }
        /* Fill this page table's run of entries without walking from the root each time. */
        uint64_t *ptab = next_table(pt, pde);
        if (!ptab)
            return -1;
        for (unsigned i = index_at(va, 0); i < 512 && size > 0; i++) {
            uint64_t want = (bits & PTE_PRESENT) ? pa | bits : bits; /* a guard is just its mark */
            /* The same mapping again is fine even after the CPU marked it accessed or dirty
             * (device registers of two devices in one page are mapped twice). */
            if ((ptab[i] & PTE_PRESENT) && (ptab[i] & ~(PTE_ACCESSED | PTE_DIRTY)) != want)
                return -1;
            ptab[i] = want;
            va += SIZE_4K, pa += SIZE_4K, size -= SIZE_4K;
        }
    }
    return 0;
}

int libos_pt_set_page(struct libos_pt *pt, uint64_t va, int perms)
{
    uint64_t e = pt->root[index_at(va, 3)];
    if (!(e & PTE_PRESENT))
        return -1;
    e = table_of(e)[index_at(va, 2)];
    if (!(e & PTE_PRESENT))
        return -1;
    uint64_t *pde = &table_of(e)[index_at(va, 1)];
    if (!(*pde & PTE_PRESENT))
        return -1;
    if (*pde & PTE_LARGE) {
        uint64_t *t = pt->alloc(pt->arg);
        if (!t)
            return -1;
        uint64_t base = *pde & PTE_ADDR & ~(SIZE_2M - 1), bits = *pde & ~PTE_ADDR & ~PTE_LARGE;
        for (unsigned i = 0; i < 512; i++)
            t[i] = (base + i * SIZE_4K) | bits;
        *pde = (uint64_t)(uintptr_t)t | PTE_PRESENT | PTE_WRITE;
    }
    uint64_t *pte = &table_of(*pde)[index_at(va, 0)];
    uint64_t bits = leaf_bits(pt, (unsigned)perms);
    *pte = (bits & PTE_PRESENT) ? (va & PTE_ADDR) | bits : bits;
    return 0;
}

int libos_pt_copy_table(struct libos_pt *pt, uint64_t va)
{
    uint64_t *slot = &pt->root[index_at(va, 3)];
    for (int level = 2; level >= 1; level--) {
        if (!(*slot & PTE_PRESENT) || (*slot & PTE_LARGE))
            return -1;
        slot = &table_of(*slot)[index_at(va, level)];
    }
    if (!(*slot & PTE_PRESENT) || (*slot & PTE_LARGE))
        return -1;
    uint64_t *copy = pt->alloc(pt->arg), *old = table_of(*slot);
    if (!copy)
        return -1;
    for (unsigned i = 0; i < 512; i++)
        copy[i] = old[i];
    *slot = (uint64_t)(uintptr_t)copy | (*slot & ~PTE_ADDR);
    return 0;
}

uint64_t *libos_pt_slot(const struct libos_pt *pt, uint64_t va)
{
    uint64_t *slot = &pt->root[index_at(va, 3)];
    for (int level = 2; level >= 0; level--) {
        if (!(*slot & PTE_PRESENT))
            return NULL;
        slot = &table_of(*slot)[index_at(va, level)];
        if (level == 1 && (*slot & PTE_LARGE))
            return slot;
    }
    return slot;
}

uint64_t *libos_pt_pde(const struct libos_pt *pt, uint64_t va)
{
    uint64_t *slot = &pt->root[index_at(va, 3)];
    for (int level = 2; level >= 1; level--) {
        if (!(*slot & PTE_PRESENT) || (*slot & PTE_LARGE))
            return NULL;
        slot = &table_of(*slot)[index_at(va, level)];
    }
    return slot;
}

uint64_t libos_pt_entry(const struct libos_pt *pt, uint64_t va)
{
    uint64_t *slot = libos_pt_slot(pt, va);
    return slot ? *slot : 0;
}

uint64_t libos_pt_lookup(const struct libos_pt *pt, uint64_t va)
{
    uint64_t e = libos_pt_entry(pt, va);
    return (e & PTE_PRESENT) ? e : 0;
}

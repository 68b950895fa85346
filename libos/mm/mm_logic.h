/*
 * Pure logic of libos::mm (private): memory-map arithmetic and page-table construction. It
 * touches no hardware, so tests/unit builds these files for the host and checks them there.
 */
#ifndef LIBOS_MM_LOGIC_H
#define LIBOS_MM_LOGIC_H

#include <stddef.h>
#include <stdint.h>

struct libos_range {
    uint64_t start, end; /* [start, end) */
};

/*
 * Free RAM: the usable (type 1) entries of a firmware map, shrunk to whole pages, minus the
 * ranges in exclude, sorted and merged. Writes at most max ranges to out; returns how many.
 */
struct libos_memmap_entry;
size_t libos_memmap_free(const struct libos_memmap_entry *map, size_t n, const struct libos_range *exclude,
                   size_t nexclude, struct libos_range *out, size_t max);

/* Page-table entry bits. */
#define PTE_PRESENT (1ull << 0)
#define PTE_WRITE (1ull << 1)
#define PTE_PCD (1ull << 4)
#define PTE_ACCESSED (1ull << 5) /* set by the CPU: not part of what was mapped */
#define PTE_DIRTY (1ull << 6)    /* likewise */
#define PTE_LARGE (1ull << 7)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

/* Mapping permissions. */
#define MAP_R 0
#define MAP_W 1
#define MAP_X 2
#define MAP_UNCACHED 4

struct libos_pt {
    uint64_t *root;            /* the PML4 */
    void *(*alloc)(void *arg); /* one zeroed 4 KiB frame, or NULL */
    void *arg;
    int nx;                    /* the CPU supports NX */
};

/*
 * Map [va, va + size) to pa with perms (MAP_*, or MAP_GUARD for guard pages); all page-aligned. Uses 2 MiB pages where both
 * addresses are 2 MiB-aligned and at least 2 MiB remain. Returns 0, or -1 when a frame allocation
 * fails or the range overlaps a different earlier mapping.
 */
int libos_pt_map(struct libos_pt *pt, uint64_t va, uint64_t pa, uint64_t size, unsigned perms);

/*
 * Set the identity mapping of the 4 KiB page at va to perms, or make it a guard page (not present,
 * marked PTE_GUARD so a fault there can be recognised) with MAP_GUARD. va's 2 MiB region must
 * already be mapped; a 2 MiB page there is first split into 512 small pages with its permissions
 * (one new table). Returns 0, or -1 when the region is unmapped or a frame allocation fails.
 * The caller flushes the TLB entry.
 */
#define MAP_GUARD (-1)
#define PTE_GUARD (1ull << 9) /* a software bit: ignored by the CPU in a non-present entry */
int libos_pt_set_page(struct libos_pt *pt, uint64_t va, int perms);

/*
 * Replace the page table (of 4 KiB pages) that maps va's 2 MiB region by a copy in a new frame:
 * the same mappings, in a table of the caller's choosing. Returns 0, or -1 when no such table
 * maps va or the allocation fails. The translations are unchanged: no TLB flush is needed.
 */
int libos_pt_copy_table(struct libos_pt *pt, uint64_t va);

/* Where va's leaf entry is (the 2 MiB entry when a large page maps va), present or not; NULL
 * when no table reaches it. */
uint64_t *libos_pt_slot(const struct libos_pt *pt, uint64_t va);

/* Where the entry for va's 2 MiB region is in its page directory (a large page or a page
 * table's address), present or not; NULL when no page directory reaches it. */
uint64_t *libos_pt_pde(const struct libos_pt *pt, uint64_t va);

/* The raw leaf entry for va, present or not (0 when no table reaches it). */
uint64_t libos_pt_entry(const struct libos_pt *pt, uint64_t va);

/* The leaf entry mapping va (4 KiB or 2 MiB page), or 0 when unmapped. */
uint64_t libos_pt_lookup(const struct libos_pt *pt, uint64_t va);

#endif

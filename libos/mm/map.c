/*
 * Mappings made after boot: device memory, and thread stacks with a guard page below them. Apart
 * from mm.c so that an image that needs neither (hello) does not carry them or memalign.
 */
#include "mm_impl.h"

#include <libos/config.h>
#include <libos/mm.h>
#include <libos/x86.h>

#include <malloc.h>
#include <stdlib.h>

#define PAGE LIBOS_PAGE_SIZE

static uint64_t align_up(uint64_t v) { return (v + PAGE - 1) & ~(uint64_t)(PAGE - 1); }

static void invlpg(uintptr_t va) { __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory"); }

static void *page_for_table(void *arg)
{
    (void)arg;
    return libos_pt_frame_alloc(1);
}

/* The live page tables, with new tables coming from libos_pt_frame_alloc. */
static struct libos_pt *kernel_pt(void)
{
    libos_kernel_pt.alloc = page_for_table;
    return &libos_kernel_pt;
}

/*
 * Set va's page to perms. The tables made at boot (below the image) are read-only, and changing
 * them takes a CR0.WP round trip, which flushes the TLB: done for every thread, it made thread
 * creation 6x slower under TCG. So the first change in a 2 MiB region moves it to a writable table
 * of its own (a copy of a boot table, or the split of a 2 MiB page), and later changes there, such
 * as the next thread's guard page, are plain writes.
 */
static int set_page(uintptr_t va, int perms)
{
    extern char __libos_image_start[];
    struct libos_pt *pt = kernel_pt();
    uint64_t *slot = libos_pt_slot(pt, va);
    int r;
    if (slot && !(*slot & PTE_LARGE) && (uintptr_t)slot >= (uintptr_t)__libos_image_start) {
        r = libos_pt_set_page(pt, va, perms);
    } else {
        x86_write_protect(0);
        r = slot && !(*slot & PTE_LARGE) ? libos_pt_copy_table(pt, va) : 0;
        if (!r)
            r = libos_pt_set_page(pt, va, perms);
        x86_write_protect(1);
    }
    invlpg(va);
    return r;
}

void *libos_mmio_map(uint64_t phys, size_t size)
{
    uint64_t start = phys & ~(uint64_t)(PAGE - 1), end = align_up(phys + size);
    for (uint64_t va = start; va < end; va += PAGE) {
        uint64_t e = libos_pt_lookup(kernel_pt(), va);
        if (e && (e & PTE_ADDR) != (va & PTE_ADDR))
            return NULL;
    }
    x86_write_protect(0);
    int r = libos_pt_map(kernel_pt(), start, start, end - start, MAP_W | MAP_UNCACHED);
    x86_write_protect(1);
    return r ? NULL : (void *)(uintptr_t)phys;
}

void *libos_stack_alloc(size_t size)
{
    if (size > SIZE_MAX - 2 * PAGE) /* rounding up, plus the guard page, would wrap */
        return NULL;
    size = align_up(size);
    char *base = memalign(PAGE, size + PAGE);
    if (!base)
        return NULL;
    if (set_page((uintptr_t)base, MAP_GUARD) != 0) {
        free(base);
        return NULL;
    }
    return base + PAGE;
}

void libos_stack_free(void *stack)
{
    if (!stack)
        return;
    char *base = (char *)stack - PAGE;
    set_page((uintptr_t)base, MAP_W); /* cannot fail: the table exists, and is writable now */
    free(base);
}

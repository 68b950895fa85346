/*
 * Mappings made after boot: device memory. Apart from mm.c so that an image that needs none
 * (hello) does not carry it. Stacks are in stack.c.
 */
#include "mm_impl.h"

#include <libos/config.h>
#include <libos/mm.h>
#include <libos/x86.h>

#define PAGE LIBOS_PAGE_SIZE

static uint64_t align_up(uint64_t v) { return (v + PAGE - 1) & ~(uint64_t)(PAGE - 1); }

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

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

/* The live page tables, with new tables coming from libos_pt_frame_alloc. They are mapped
 * read-only: every change below runs with CR0.WP off. */
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

void *libos_stack_alloc(size_t size)
{
    if (size > SIZE_MAX - 2 * PAGE) /* rounding up, plus the guard page, would wrap */
        return NULL;
    size = align_up(size);
    char *base = memalign(PAGE, size + PAGE);
    if (!base)
        return NULL;
    x86_write_protect(0);
    int r = libos_pt_set_page(kernel_pt(), (uintptr_t)base, MAP_GUARD);
    x86_write_protect(1);
    if (r) {
        free(base);
        return NULL;
    }
    invlpg((uintptr_t)base);
    return base + PAGE;
}

void libos_stack_free(void *stack)
{
    if (!stack)
        return;
    char *base = (char *)stack - PAGE;
    x86_write_protect(0);
    libos_pt_set_page(kernel_pt(), (uintptr_t)base, MAP_W); /* cannot fail: the table exists */
    x86_write_protect(1);
    invlpg((uintptr_t)base);
    free(base);
}

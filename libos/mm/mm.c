/*
 * libos::mm: page tables with W^X from the PVH memory map, the heap behind newlib's malloc, and
 * kernel pages. The layout is drawn in libos/mm.h.
 */
#include "mm_logic.h"

#include <libos/boot.h>
#include <libos/mm.h>
#include <libos/trap.h>
#include <libos/x86.h>

#include <string.h>

#define PAGE LIBOS_PAGE_SIZE

extern char __libos_image_start[], __libos_text_start[], __libos_text_end[];
extern char __libos_rodata_start[], __libos_rodata_end[], __libos_data_start[], __libos_bss_end[];
extern char __libos_syms_start[];
extern char libos_cpu_has_nx;
extern uint64_t libos_boot_map_end; /* what entry.S mapped for us */

static uint64_t pml4[512] __attribute__((aligned(PAGE)));
struct libos_pt libos_kernel_pt; /* the live tables, for map.c */
static struct libos_range free_ram[LIBOS_MEMMAP_MAX + 8];
static size_t nfree;
static size_t heap_region;                      /* index into free_ram */
static uintptr_t heap_start, heap_brk, heap_end; /* pages are taken from heap_end downwards */
static uint64_t ram_top;

static uint64_t align_up(uint64_t v) { return (v + PAGE - 1) & ~(uint64_t)(PAGE - 1); }

/*
 * During mm_init: frames come from the lowest free RAM, which the boot page tables reach. Afterwards libos_page_alloc takes from the top of the heap region.
 */
static void *early_frame(void *arg)
{
    (void)arg;
    for (size_t i = 0; i < nfree; i++) {
        struct libos_range *r = &free_ram[i];
        if (r->end - r->start >= PAGE && r->start + PAGE <= libos_boot_map_end) {
            void *p = (void *)(uintptr_t)r->start;
            r->start += PAGE;
            memset(p, 0, PAGE);
            return p;
        }
    }
    return NULL;
}

static void map_or_fail(struct libos_pt *pt, uint64_t start, uint64_t end, unsigned perms)
{
    start &= ~(uint64_t)(PAGE - 1);
    end = align_up(end);
    if (start < end && libos_pt_map(pt, start, start, end - start, perms) != 0)
        libos_printk("libos: boot failed: too little memory for page tables\n"), libos_exit(LIBOS_EXIT_PANIC);
}

/* Map [start, end) with guard pages at the addresses in guards[] (sorted ascending). */
static void map_with_guards(struct libos_pt *pt, uint64_t start, uint64_t end, unsigned perms,
                            const uintptr_t *guards, size_t nguards)
{
    for (size_t i = 0; i < nguards; i++) {
        if (guards[i] < start || guards[i] >= end)
            continue;
        map_or_fail(pt, start, guards[i], perms);
        map_or_fail(pt, guards[i], guards[i] + PAGE, (unsigned)MAP_GUARD);
        start = guards[i] + PAGE;
    }
    map_or_fail(pt, start, end, perms);
}

void libos_mm_init(void)
{
    const struct libos_boot_info *bi = &libos_boot_info;
    uintptr_t image_end = align_up(libos_image_end());
    struct libos_range exclude[] = {
        {0, PAGE}, /* page 0 stays unmapped */
        {(uintptr_t)__libos_image_start, image_end},
        {bi->initrd_base, bi->initrd_base + bi->initrd_size},
    };
    nfree = libos_memmap_free(bi->memmap, bi->memmap_count, exclude, 3, free_ram, LIBOS_MEMMAP_MAX + 8);
    if (nfree == 0)
        libos_printk("libos: boot failed: no free RAM after the image\n"), libos_exit(LIBOS_EXIT_PANIC);

    /* Snapshot what to map before early_frame starts taking pages out of free_ram. */
    struct libos_range ram[LIBOS_MEMMAP_MAX + 8];
    memcpy(ram, free_ram, nfree * sizeof ram[0]);
    size_t nram = nfree;

    struct libos_pt pt = {pml4, early_frame, NULL, libos_cpu_has_nx};
    for (size_t i = 0; i < nram; i++) {
        map_or_fail(&pt, ram[i].start, ram[i].end, MAP_W);
        if (ram[i].end > ram_top)
            ram_top = ram[i].end;
    }
    map_or_fail(&pt, (uintptr_t)__libos_text_start, (uintptr_t)__libos_text_end, MAP_X);
    map_or_fail(&pt, (uintptr_t)__libos_rodata_start, (uintptr_t)__libos_rodata_end, MAP_R);
    uintptr_t guards[2] = {(uintptr_t)libos_main_stack_guard, (uintptr_t)libos_trap_stack_guard};
    if (guards[0] > guards[1])
        guards[0] = (uintptr_t)libos_trap_stack_guard, guards[1] = (uintptr_t)libos_main_stack_guard;
    map_with_guards(&pt, (uintptr_t)__libos_data_start, (uintptr_t)__libos_bss_end, MAP_W, guards, 2);
    map_or_fail(&pt, (uintptr_t)__libos_syms_start, image_end, MAP_R);
    if (bi->initrd_size)
        map_or_fail(&pt, bi->initrd_base, bi->initrd_base + bi->initrd_size, MAP_R);
    x86_write_cr3((uintptr_t)pml4);

    /* The heap is the largest free region left. */
    for (size_t i = 0; i < nfree; i++)
        if (free_ram[i].end - free_ram[i].start > free_ram[heap_region].end - free_ram[heap_region].start)
            heap_region = i;
    heap_start = heap_brk = free_ram[heap_region].start;
    heap_end = free_ram[heap_region].end;

    /* The live tables, for map.c, which brings its own frame allocator (early_frame is for boot). */
    libos_kernel_pt = pt;
    libos_kernel_pt.alloc = NULL;
}

void *libos_heap_sbrk(intptr_t incr)
{
    uintptr_t old = heap_brk;
    if ((incr > 0 && (uintptr_t)incr > heap_end - heap_brk) ||
        (incr < 0 && (uintptr_t)-incr > heap_brk - heap_start))
        return NULL;
    heap_brk += incr;
    return (void *)old;
}

size_t libos_heap_size(void) { return heap_end - heap_start; }
size_t libos_heap_used(void) { return heap_brk - heap_start; }

void *libos_page_alloc(size_t n)
{
    /* Low RAM first (it is useless to the heap), then the top of the heap region. */
    for (size_t i = 0; i < nfree; i++) {
        struct libos_range *r = &free_ram[i];
        if (i != heap_region && r->end - r->start >= n * PAGE) {
            r->start += n * PAGE;
            memset((void *)(uintptr_t)(r->start - n * PAGE), 0, n * PAGE);
            return (void *)(uintptr_t)(r->start - n * PAGE);
        }
    }
    if (n * PAGE > heap_end - heap_brk)
        return NULL;
    heap_end -= n * PAGE;
    free_ram[heap_region].end = heap_end;
    memset((void *)heap_end, 0, n * PAGE);
    return (void *)heap_end;
}

const char *libos_fault_describe(uintptr_t addr)
{
    if (addr - (uintptr_t)libos_trap_stack_guard < PAGE)
        return "exception stack overflow (guard page)";
    if (libos_pt_entry(&libos_kernel_pt, addr) & PTE_GUARD)
        return "stack overflow (guard page)";
    if (addr >= (uintptr_t)__libos_text_start && addr < (uintptr_t)__libos_rodata_end)
        return "access to the image's read-only code or constants";
    if (addr >= ram_top)
        return "address beyond the end of RAM";
    return NULL;
}

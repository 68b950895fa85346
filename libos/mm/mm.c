/*
 * libos::mm: page tables with W^X from the PVH memory map, the heap behind newlib's malloc, and
 * kernel pages. The layout is drawn in libos/mm.h.
 */
#include "mm_impl.h"

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

struct libos_pt libos_kernel_pt; /* the live tables, for map.c */
static struct libos_range free_ram[LIBOS_MEMMAP_MAX + 8];
static size_t nfree;
static size_t heap_region;                      /* index into free_ram */
static uintptr_t heap_start, heap_brk, heap_end; /* pages are taken from heap_end downwards */
static size_t pages_taken;                      /* from heap_end, for tables and stacks */
static void *free_frames;                       /* the frame pool's free list (see below) */
static size_t nfree_frames;
static uint64_t ram_top;

static uint64_t align_up(uint64_t v) { return (v + PAGE - 1) & ~(uint64_t)(PAGE - 1); }

/*
 * During mm_init: frames come from the lowest free RAM, which the boot page tables reach: RAM below
 * the image (below 1 MiB), which holds nothing but page tables and is mapped read-only.
 * Afterwards libos_pt_frame_alloc takes over.
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

_Noreturn static void too_little_memory(void)
{
    libos_printk("libos: boot failed: too little memory for the page tables\n");
    libos_exit(LIBOS_EXIT_PANIC);
}

/* Map [start, end), widened to whole pages. */
static void map_or_fail(struct libos_pt *pt, uint64_t start, uint64_t end, unsigned perms)
{
    start &= ~(uint64_t)(PAGE - 1);
    end = align_up(end);
    if (start < end && libos_pt_map(pt, start, start, end - start, perms) != 0)
        too_little_memory();
}

void libos_mm_init(void)
{
    const struct libos_boot_info *bi = &libos_boot_info;
    uintptr_t image_end = align_up(libos_image_end());
    struct libos_range exclude[] = {
        {0, LIBOS_NULL_GUARD_SIZE}, /* stays unmapped: NULL, and NULL plus an offset */
        {(uintptr_t)__libos_image_start, image_end},
        {bi->initrd_base, bi->initrd_base + bi->initrd_size},
    };
    nfree = libos_memmap_free(bi->memmap, bi->memmap_count, exclude, 3, free_ram, LIBOS_MEMMAP_MAX + 8);
    if (nfree == 0)
        libos_printk("libos: boot failed: no free RAM after the image\n"), libos_exit(LIBOS_EXIT_PANIC);

    /* Snapshot what to map before early_frame starts taking pages out of free_ram. */
    struct libos_range ram[LIBOS_MEMMAP_MAX + 8];
    memcpy(ram, free_ram, sizeof ram);
    size_t nram = nfree;

    struct libos_pt pt = {early_frame(NULL), early_frame, NULL, libos_cpu_has_nx};
    if (!pt.root)
        too_little_memory();
    for (size_t i = 0; i < nram; i++) {
        /* RAM below the image holds only page tables: read-only once they are live (a stray write
         * faults instead of remapping memory). map.c changes them with CR0.WP off. */
        map_or_fail(&pt, ram[i].start, ram[i].end, ram[i].end <= (uintptr_t)__libos_image_start ? MAP_R : MAP_W);
        if (ram[i].end > ram_top)
            ram_top = ram[i].end;
    }
    /* The image, range after range in address order (libos.ld puts the main stack before the
     * exception stack in .stacks, and .stacks before .bss), each with its permissions (W^X):
     * the boot stacks' guard pages unmapped, the CPU's tables read-only. */
    static const struct {
        const char *end;
        unsigned perms;
    } image[] = {
        {__libos_text_end, MAP_X},
        {__libos_rodata_end, MAP_R},
        {libos_main_stack_guard, MAP_W},
        {libos_main_stack_guard + PAGE, (unsigned)MAP_GUARD},
        {libos_trap_stack_guard, MAP_W},
        {libos_trap_stack_guard + PAGE, (unsigned)MAP_GUARD},
        {__libos_cpu_tables_start, MAP_W},
        {__libos_cpu_tables_end, MAP_R},
        {__libos_bss_end, MAP_W},
    };
    uintptr_t start = (uintptr_t)__libos_image_start;
    for (size_t i = 0; i < sizeof image / sizeof image[0]; i++) {
        map_or_fail(&pt, start, (uintptr_t)image[i].end, image[i].perms);
        start = align_up((uintptr_t)image[i].end);
    }
    map_or_fail(&pt, start, image_end, MAP_R); /* .libos_syms */
    if (bi->initrd_size)
        map_or_fail(&pt, bi->initrd_base, bi->initrd_base + bi->initrd_size, MAP_R);
    x86_write_cr3((uintptr_t)pt.root);

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

void *libos_pt_frame_alloc(size_t n)
{
    /* From the top of the heap region, mapped writable (see map.c for why), or one from the
     * frame pool. XXX: a stray write to one of these tables is not caught; they lie at the top
     * of RAM, far from NULL. */
    void *f = free_frames; /* popped without a call: a stack fault in between could empty it */
    if (n == 1 && f) {
        free_frames = *(void **)f;
        nfree_frames--;
        return memset(f, 0, PAGE);
    }
    if (n * PAGE > heap_end - heap_brk)
        return NULL;
    heap_end -= n * PAGE;
    free_ram[heap_region].end = heap_end;
    pages_taken += n;
    memset((void *)heap_end, 0, n * PAGE);
    return (void *)heap_end;
}

/*
 * The frame pool: single pages for stacks that grow on demand (stack.c). Never malloc: a stack
 * may fault inside malloc. Freed frames go on a list threaded through the frames themselves
 * (RAM is identity-mapped and writable); new ones come from the top of the heap region, as page
 * tables do, so the heap and the stacks share one budget. Not zeroed: a stack's contents are
 * indeterminate anyway. Each free frame holds the next one's address.
 */

void *libos_frame_alloc(void)
{
    void *f = free_frames;
    if (f) {
        free_frames = *(void **)f;
        nfree_frames--;
        return f;
    }
    if (heap_end - heap_brk < PAGE)
        return NULL;
    heap_end -= PAGE;
    free_ram[heap_region].end = heap_end;
    pages_taken++;
    return (void *)heap_end;
}

void libos_frame_free(void *frame)
{
    *(void **)frame = free_frames;
    free_frames = frame;
    nfree_frames++;
}

size_t libos_mm_pages_used(void)
{
    return (pages_taken - nfree_frames) * PAGE;
}

const char *libos_fault_describe(uintptr_t addr)
{
    if (addr - (uintptr_t)libos_trap_stack_guard < PAGE)
        return "exception stack overflow (guard page)";
    if (libos_pt_entry(&libos_kernel_pt, addr) & PTE_GUARD)
        return "stack overflow (guard page)";
    if (addr >= (uintptr_t)__libos_text_start && addr < (uintptr_t)__libos_rodata_end)
        return "access to the image's read-only code or constants";
    if (addr >= (uintptr_t)__libos_cpu_tables_start && addr < (uintptr_t)__libos_cpu_tables_end)
        return "access to the CPU's tables (GDT, IDT, TSS)";
    if (addr < (uintptr_t)__libos_image_start) /* all that is mapped there is page tables */
        return libos_pt_lookup(&libos_kernel_pt, addr) ? "access to the page tables"
                                                       : "access to unmapped low memory";
    if (addr >= ram_top)
        return "address beyond the end of RAM";
    return NULL;
}

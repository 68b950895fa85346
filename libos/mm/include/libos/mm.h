/*
 * libos/mm.h: memory. One address space, identity mapped (virtual = physical).
 *
 *   0x0000_0000  the first 64 KiB     never mapped: NULL, and NULL plus an offset, fault
 *   0x0001_0000  low RAM (< 640 KiB)  the boot page tables only, mapped read-only (changed with
 *                                     CR0.WP off)
 *   0x000a_0000  ROM, device memory   not mapped
 *   0x0010_0000  the image            .text R-X, .rodata R, .data/.bss RW (NX), .libos_syms R;
 *                                     the boot stacks' guard pages are unmapped, the CPU's tables
 *                                     (GDT, IDT, TSS) read-only
 *   image end    heap                 grows up through libos_heap_sbrk (newlib's malloc)
 *        ...     page tables          made after boot (splits for stack guard pages, device
 *                                     memory): from the top of the heap region, writable
 *   RAM end
 * Other RAM regions of the firmware map are mapped RW, NX. Nothing else is mapped: device memory
 * is mapped by the driver that needs it.
 *
 * Contract: libos_mm_init runs once at boot, before anything allocates. The other calls are for
 * thread context; none blocks. Errors are return values (NULL), never panics.
 */
#ifndef LIBOS_MM_H
#define LIBOS_MM_H

#include <stddef.h>
#include <stdint.h>

/* Build the page tables from libos_boot_info, switch to them and set up the heap. */
void libos_mm_init(void);

/* Grow (or shrink) the heap by incr bytes; returns the old end, or NULL when RAM is exhausted. */
void *libos_heap_sbrk(intptr_t incr);

/* Bytes the heap may grow to in all, and bytes it uses now. */
size_t libos_heap_size(void);
size_t libos_heap_used(void);

/* Map device memory [phys, phys + size) uncached, RW, NX at the same address; NULL on failure. */
void *libos_mmio_map(uint64_t phys, size_t size);

/*
 * A stack of size bytes (rounded up to pages) from the heap, with an unmapped guard page below
 * it: an overflow faults and is reported as one. Returns its lowest address, or NULL.
 */
void *libos_stack_alloc(size_t size);
void libos_stack_free(void *stack);

#endif

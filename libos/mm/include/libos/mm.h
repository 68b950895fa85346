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
 *        ...     page frames          taken from the top of the heap region, downwards: page
 *                                     tables made after boot (device memory, the stack area),
 *                                     writable; and stack pages (a free list reuses them)
 *   RAM end
 *   ...          device memory        mapped by the driver that needs it (uncached, NX)
 *   0x7f00_0000_0000  the stack area  512 GiB of address space, not RAM's: one slot per stack
 *                                     (threads', the interrupt stack, main's unless it runs on
 *                                     the boot stack), pages mapped on first touch (stack.c):
 *
 *                        slot base  +------------------+  unmapped gap, >= 1 MiB: a touch
 *                                   |       gap        |  there is a stack overflow
 *                      stack bottom +------------------+
 *                                   |  stack, growing  |  mapped page by page by the fault
 *                                   |       down       |  handler, from the pool above
 *                                   +------------------+  top page: mapped from the start
 *                 slot top - 64     |  slot header     |
 *                 slot top (2 MiB-aligned) = next slot's base
 *   0x7f80_0000_0000  end of the stack area
 * Other RAM regions of the firmware map are mapped RW, NX. Nothing else is mapped.
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
 * A stack of size bytes in the stack area, with an unmapped gap of at least LIBOS_STACK_GAP below
 * it: an overflow faults and is reported as one. Only its top page is mapped; the page-fault
 * handler maps the others when the stack first reaches them, and panics with "out of memory
 * growing the stack of thread X" when RAM is exhausted then. Returns its lowest address (the
 * stack's top is that plus size, 16-aligned), or NULL when RAM or address space is short.
 * libos_stack_free gives its pages back (all but the top one, kept with the slot for the next
 * stack). Neither uses malloc.
 */
void *libos_stack_alloc(size_t size);
void libos_stack_free(void *stack);

/* Stack sizes in effect: a new thread's default (libos.thread_stack=, else the app's
 * THREAD_STACK_SIZE, else LIBOS_THREAD_STACK_SIZE) and main's (libos.stack=, else STACK_SIZE;
 * LIBOS_MAIN_STACK_SIZE when main runs on the boot stack). */
size_t libos_stack_thread_default(void);
size_t libos_stack_main_size(void);

/*
 * The address a device is given for [buf, buf + len): buf itself where RAM is identity-mapped; for
 * a buffer on a stack of the stack area, the physical address when all its pages are mapped and
 * physically contiguous, else 0 (the caller bounces it through memory of its own).
 */
uint64_t libos_mm_dma_addr(const void *buf, size_t len);

/* RAM taken from the top of the heap region and in use: page tables made after boot and stack
 * pages (for benchmarks). */
size_t libos_mm_pages_used(void);

#endif

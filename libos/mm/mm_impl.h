/* Private to libos::mm: what mm.c shares with map.c. */
#ifndef LIBOS_MM_IMPL_H
#define LIBOS_MM_IMPL_H

#include "mm_logic.h"

/* The live page tables (their frame allocator is set by whoever changes them). */
extern struct libos_pt libos_kernel_pt;

/*
 * n zeroed, page-aligned frames for page tables made after boot, or NULL; never freed. They come
 * from the top of the heap region and are writable, unlike the boot tables below the image.
 */
void *libos_pt_frame_alloc(size_t n);

/*
 * One 4 KiB frame for a stack page (not zeroed), or NULL when RAM is exhausted; and giving one
 * back. Neither uses malloc: both run in the page-fault handler, which may interrupt malloc.
 */
void *libos_frame_alloc(void);
void libos_frame_free(void *frame);

#endif

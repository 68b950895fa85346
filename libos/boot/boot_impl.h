/* Private to libos::boot: what its files share and nothing above it may call. */
#ifndef LIBOS_BOOT_IMPL_H
#define LIBOS_BOOT_IMPL_H

#include <stdint.h>

/* TSC at the PVH entry's first instruction (entry.S). */
extern uint64_t libos_boot_tsc_entry;

/* Pick this boot's stack-protector guard (ssp.c). First in the start sequence. */
void libos_stack_guard_init(void);

#endif

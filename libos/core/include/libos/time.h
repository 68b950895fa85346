/*
 * libos/time.h: time from the TSC.
 *
 * The TSC frequency comes from CPUID (leaf 0x15, or the hypervisor leaf 0x40000010); when the CPU
 * gives none (QEMU TCG) it is calibrated against the PIT, once, the first time anyone asks for
 * time, so images that never ask do not pay for it. Wall-clock time is the CMOS RTC read at that
 * moment (whole seconds), advanced by the TSC.
 *
 * Contract: callable from thread context. The first call may take a few milliseconds
 * (calibration); later calls are a rdtsc and a multiplication.
 */
#ifndef LIBOS_TIME_H
#define LIBOS_TIME_H

#include <stdint.h>

/* Nanoseconds since the first instruction of the image; never goes backwards. */
uint64_t libos_time_monotonic_ns(void);

/* Nanoseconds since 1970-01-01 UTC. */
uint64_t libos_time_realtime_ns(void);

/* Set the wall clock (nanoseconds since the epoch). */
void libos_time_set_realtime_ns(uint64_t ns);

/* TSC ticks per second, and where that figure came from ("cpuid", "hypervisor", "pit"). */
uint64_t libos_tsc_hz(void);
const char *libos_tsc_source(void);

/* Convert TSC ticks to nanoseconds. */
uint64_t libos_tsc_to_ns(uint64_t ticks);

#endif

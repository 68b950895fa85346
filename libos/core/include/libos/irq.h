/*
 * libos/irq.h: device interrupts and the one-shot timer.
 *
 * The interrupt model: threads run with interrupts disabled. Interrupts are let in only at
 * scheduling points, through libos_irq_poll (deliver what is pending) and libos_irq_idle (halt
 * until something arrives). So a handler never interrupts thread code halfway through an update:
 * kernel data structures need no locks, and handlers may call libos_wake_one/libos_wake_all.
 * Handlers run with interrupts disabled, on the stack of the thread that opened the window; they
 * should only acknowledge the device and wake threads.
 *
 * Contract: thread context (handlers excepted). No call here blocks.
 */
#ifndef LIBOS_IRQ_H
#define LIBOS_IRQ_H

#include <stdint.h>

typedef void (*libos_irq_fn)(void *arg);

/* Set up the local APIC and the IOAPIC, mask the legacy PIC. Idempotent. */
void libos_irq_init(void);

/* A free interrupt vector that calls fn(arg); returns the vector, or -1 when none is left. */
int libos_irq_alloc(libos_irq_fn fn, void *arg);

/* Deliver legacy ISA interrupt line isa_irq (e.g. 4 for COM1) to vector, edge-triggered. */
void libos_irq_route_isa(unsigned isa_irq, int vector);

/* The MSI/MSI-X message (address, data) that raises vector on this CPU. */
void libos_irq_msi_message(int vector, uint64_t *address, uint32_t *data);

/* Let pending interrupts in, then disable them again. */
void libos_irq_poll(void);

/* Halt until an interrupt arrives and has been handled (interrupts are disabled again after). */
void libos_irq_idle(void);

/* Raise the timer interrupt when the monotonic clock reaches deadline_ns; 0 cancels. */
void libos_timer_set(uint64_t deadline_ns);

#endif

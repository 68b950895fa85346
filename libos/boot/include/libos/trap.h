/*
 * libos/trap.h: the register frame of a CPU exception or interrupt, and the hooks the layers
 * above may provide to make panic reports more precise.
 */
#ifndef LIBOS_TRAP_H
#define LIBOS_TRAP_H

#include <stdint.h>

/* Built by boot/traps.S; fields in the order they sit on the stack, lowest address first. */
struct libos_trap_frame {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

/* Load the final GDT (with a TSS and the exception stack) and the IDT. Called once at boot. */
void libos_cpu_init(void);

/* Point IDT vector at handler; ist 0 runs it on the current stack, n on stack IST n (1 is the
 * exception stack). */
void libos_idt_set(unsigned vector, uintptr_t handler, unsigned ist);

/* Make stack_top the top of interrupt stack ist (2..7; 1 is the exception stack). */
void libos_cpu_set_ist(unsigned ist, uintptr_t stack_top);

/* The CPU's tables (GDT, IDT, TSS): these pages are mapped read-only. */
extern char __libos_cpu_tables_start[], __libos_cpu_tables_end[];

/* The boot stacks: each starts with a guard page that libos::mm leaves unmapped. */
extern char libos_main_stack_guard[], libos_main_stack_top[];
extern char libos_trap_stack_guard[];

/*
 * Optional hooks, weak: a layer above defines them when it is linked in.
 * libos_fault_describe: words for a page fault at addr ("stack overflow (guard page)"), or NULL.
 * libos_thread_name: the name of the running thread, or NULL.
 */
const char *libos_fault_describe(uintptr_t addr) __attribute__((weak));
const char *libos_thread_name(void) __attribute__((weak));

#endif

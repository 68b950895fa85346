/*
 * CPU tables: the final GDT (code, data, TSS), the TSS with the exception stack (IST1; libos::core
 * adds the interrupt stack, IST2), and the IDT with the 32 exception vectors. The IDT has room for all 256 vectors; libos::core fills
 * interrupt vectors through libos_idt_set.
 */
#include <libos/boot.h>
#include <libos/trap.h>
#include <libos/x86.h>

#include <stdint.h>

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

struct idt_entry {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type; /* 0x8e: present, ring 0, 64-bit interrupt gate */
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
};

struct table_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

#define SEL_CODE 0x08
#define SEL_DATA 0x10
#define SEL_TSS 0x18

extern char libos_trap_stub0[]; /* traps.S: vector v's stub is 9 * v bytes further */

/* The exception stack, with a guard page below it (unmapped by libos::mm). */
char libos_trap_stack_guard[LIBOS_PAGE_SIZE + LIBOS_TRAP_STACK_SIZE]
    __attribute__((aligned(LIBOS_PAGE_SIZE), section(".bss.libos_stack.trap")));

/*
 * The CPU's tables, in pages of their own that libos::mm maps read-only (a stray write faults
 * instead of corrupting them); changes go through libos_idt_set and libos_cpu_set_ist. The
 * descriptors have their accessed bits set, so the CPU itself never writes them either.
 */
static struct {
    struct idt_entry idt[256]; /* the first page */
    uint64_t gdt[5];           /* null, SEL_CODE, SEL_DATA, SEL_TSS (16 bytes) */
    struct tss tss;
} cpu __attribute__((aligned(LIBOS_PAGE_SIZE), section(".bss.libos_cpu_tables")));

static void set_gate(unsigned vector, uintptr_t handler, unsigned ist)
{
    cpu.idt[vector] = (struct idt_entry){
        .offset_low = (uint16_t)handler,
        .selector = SEL_CODE,
        .ist = (uint8_t)ist,
        .type = 0x8e,
        .offset_mid = (uint16_t)(handler >> 16),
        .offset_high = (uint32_t)(handler >> 32),
    };
}

void libos_idt_set(unsigned vector, uintptr_t handler, unsigned ist)
{
    x86_write_protect(0);
    set_gate(vector, handler, ist);
    x86_write_protect(1);
}

void libos_cpu_set_ist(unsigned ist, uintptr_t stack_top)
{
    x86_write_protect(0);
    cpu.tss.ist[ist - 1] = stack_top;
    x86_write_protect(1);
}

void libos_cpu_init(void)
{
    cpu.tss.ist[0] = (uintptr_t)(libos_trap_stack_guard + sizeof libos_trap_stack_guard);
    cpu.tss.iomap_base = sizeof cpu.tss; /* no I/O bitmap */
    uint64_t base = (uintptr_t)&cpu.tss, limit = sizeof cpu.tss - 1;
    cpu.gdt[1] = 0x00af9b000000ffff; /* SEL_CODE: 64-bit code, accessed */
    cpu.gdt[2] = 0x00cf93000000ffff; /* SEL_DATA: data, accessed */
    cpu.gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) /* 64-bit TSS */
                 | (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    cpu.gdt[4] = base >> 32;

    for (unsigned v = 0; v < 32; v++)
        set_gate(v, (uintptr_t)libos_trap_stub0 + 9 * v, 1); /* not read-only yet */

    static struct table_ptr g, i; /* static: lgdt/lidt read them from memory */
    g = (struct table_ptr){sizeof cpu.gdt - 1, (uintptr_t)cpu.gdt};
    i = (struct table_ptr){sizeof cpu.idt - 1, (uintptr_t)cpu.idt};
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "mov %2, %%eax\n\t"
                     "mov %%eax, %%ds\n\t"
                     "mov %%eax, %%es\n\t"
                     "mov %%eax, %%ss\n\t"
                     "ltr %w3\n\t"
                     "lidt %4"
                     :
                     : "m"(g), "i"(SEL_CODE), "i"(SEL_DATA), "r"(SEL_TSS), "m"(i)
                     : "rax", "memory");
}

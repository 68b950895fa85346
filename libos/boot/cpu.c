/*
 * CPU tables: the final GDT (code, data, TSS), the TSS with the exception stack (IST1), and the
 * IDT with the 32 exception vectors. The IDT has room for all 256 vectors; libos::core fills
 * interrupt vectors through libos_idt_set.
 */
#include <libos/boot.h>
#include <libos/trap.h>

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

extern char libos_trap_stub0[]; /* traps.S: vector v's stub is 16 * v bytes further */

/* The exception stack, with a guard page below it (unmapped by libos::mm). */
char libos_trap_stack_guard[LIBOS_PAGE_SIZE + LIBOS_TRAP_STACK_SIZE]
    __attribute__((aligned(LIBOS_PAGE_SIZE), section(".bss.libos_stack.trap")));

static struct tss tss;
static uint64_t gdt[5] = {
    0,
    0x00af9a000000ffff, /* SEL_CODE: 64-bit code */
    0x00cf92000000ffff, /* SEL_DATA */
    0,                  /* SEL_TSS, filled in below (16 bytes) */
    0,
};
static struct idt_entry idt[256];

void libos_idt_set(unsigned vector, uintptr_t handler, unsigned ist)
{
    idt[vector] = (struct idt_entry){
        .offset_low = (uint16_t)handler,
        .selector = SEL_CODE,
        .ist = (uint8_t)ist,
        .type = 0x8e,
        .offset_mid = (uint16_t)(handler >> 16),
        .offset_high = (uint32_t)(handler >> 32),
    };
}

void libos_cpu_init(void)
{
    tss.ist[0] = (uintptr_t)(libos_trap_stack_guard + sizeof libos_trap_stack_guard);
    tss.iomap_base = sizeof tss; /* no I/O bitmap */
    uint64_t base = (uintptr_t)&tss, limit = sizeof tss - 1;
    gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) /* present, 64-bit TSS */
             | (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[4] = base >> 32;

    for (unsigned v = 0; v < 32; v++)
        libos_idt_set(v, (uintptr_t)libos_trap_stub0 + 16 * v, 1);

    struct table_ptr g = {sizeof gdt - 1, (uintptr_t)gdt};
    struct table_ptr i = {sizeof idt - 1, (uintptr_t)idt};
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

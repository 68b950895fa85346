/*
 * libos/x86.h: the x86_64 instructions libos uses, as inline functions. Header only.
 *
 * Callable from any context. Nothing here allocates or blocks.
 */
#ifndef LIBOS_X86_H
#define LIBOS_X86_H

#include <stdint.h>

static inline void x86_outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void x86_outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
static inline void x86_outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }

static inline uint8_t x86_inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* Write n bytes to one port with a single string instruction (one VM exit under KVM). */
static inline void x86_outsb(uint16_t port, const void *buf, unsigned long n)
{
    __asm__ volatile("rep outsb" : "+S"(buf), "+c"(n) : "d"(port) : "memory");
}

static inline uint64_t x86_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline void x86_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

static inline uint64_t x86_rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void x86_wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t x86_read_cr2(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

static inline void x86_write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory"); }

/*
 * The page tables and the CPU's descriptor tables are mapped read-only; the code that changes them
 * turns CR0.WP off around the change (ring 0 then writes through read-only mappings) and back on.
 * Interrupts are off in kernel code, so nothing else runs in between.
 */
#define X86_CR0_WP (1ul << 16)
static inline void x86_write_protect(int on)
{
    uint64_t cr0;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 = on ? cr0 | X86_CR0_WP : cr0 & ~X86_CR0_WP;
    __asm__ volatile("mov %0, %%cr0" ::"r"(cr0) : "memory");
}

static inline void x86_pause(void) { __asm__ volatile("pause"); }
static inline void x86_cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void x86_hlt(void) { __asm__ volatile("hlt" ::: "memory"); }

static inline void *x86_frame_pointer(void) { return __builtin_frame_address(0); }

#endif

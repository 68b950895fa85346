/*
 * PVH entry: QEMU (and Firecracker-class monitors) jump here in 32-bit protected mode, paging off,
 * with %ebx = physical address of struct hvm_start_info, no stack and no GDT of ours.
 *
 * We record the TSC, build a throw-away identity map of the first 1 GiB (2 MiB pages), enable PAE,
 * long mode, NX (when the CPU has it), write protection in ring 0 and SSE, then call
 * libos_boot_main(start_info) on the boot stack. libos::mm replaces these page tables with the real
 * ones (W^X, page 0 unmapped, guard pages) before any application code runs.
 */
#include <libos/config.h>

#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define HVM_START_MAGIC 0x336ec578
#define COM1 0x3f8
#define DEBUG_EXIT_PORT 0xf4

/* The Xen PVH note: name "Xen", type XEN_ELFNOTE_PHYS32_ENTRY (18), the entry as 8 bytes. */
    .section .note.libos_pvh, "a", @note
    .p2align 2
    .long 4
    .long 8
    .long 18
    .asciz "Xen"
    .p2align 2
    .quad libos_pvh_entry

    .section .text.libos_entry, "ax", @progbits
    .code32
    .globl libos_pvh_entry
libos_pvh_entry:
    cli
    cld
    rdtsc
    mov %eax, %esp                      /* the entry TSC waits in registers (no stack yet) */
    mov %edx, %ebp                      /* until .bss is cleared */
    mov %ebx, %edi                      /* start_info, first argument of libos_boot_main */

    /*
     * The boot page tables, the boot stack and every variable live in .bss: when the RAM region
     * that holds the start of the image ends before the image does, the first write there is
     * lost and the CPU triple-faults without a word. Say so instead (no stack needed).
     * Without a PVH start info we go on: libos_boot_main reports that.
     */
    cmpl $HVM_START_MAGIC, (%edi)
    jne .Lram_ok
    cmpl $1, 4(%edi)                    /* version 1 has the memory map */
    jb .Lram_ok
    mov 0x28(%edi), %esi                /* memmap_paddr (PVH puts it in low memory) */
    mov 0x30(%edi), %ecx                /* memmap_entries */
.Lram_next:
    test %ecx, %ecx
    jz .Lram_too_little
    cmpl $1, 16(%esi)                   /* type: RAM */
    jne .Lram_skip
    cmpl $0, 4(%esi)                    /* base above 4 GiB */
    jne .Lram_skip
    cmpl $__libos_image_start, (%esi)   /* starts after the image does */
    ja .Lram_skip
    mov (%esi), %eax
    add 8(%esi), %eax                   /* end = base + size: low half in %eax */
    mov 12(%esi), %edx
    adc $0, %edx                        /* high half: not 0 means beyond 4 GiB, enough */
    jnz .Lram_ok
    cmp $(__libos_syms_start + 16), %eax /* through the symbol table's header */
    jae .Lram_ok
.Lram_skip:
    add $24, %esi                       /* sizeof(struct hvm_memmap_entry) */
    dec %ecx
    jmp .Lram_next
.Lram_too_little:
    mov $ram_too_little_msg, %esi
.Lram_putc:
    mov $(COM1 + 5), %dx                /* line status: wait until the transmitter is free */
.Lram_wait:
    inb %dx, %al
    test $0x20, %al
    jz .Lram_wait
    lodsb
    test %al, %al
    jz .Lram_exit
    mov $COM1, %dx
    outb %al, %dx
    jmp .Lram_putc
.Lram_exit:
    mov $DEBUG_EXIT_PORT, %dx           /* the panic status, as libos_exit writes it (exit.c) */
    mov $127, %eax
    outl %eax, %dx
    cli
    hlt
    jmp .Lram_exit
.Lram_ok:
    /*
     * Clear .bss: the loader only copies the file's bytes, and firmware may have used this RAM
     * (seen on q35 with little memory). The stacks live in .stacks, which needs no clearing.
     */
    mov %edi, %ebx
    mov $__libos_bss_start, %edi
    mov $__libos_bss_end, %ecx
    sub %edi, %ecx
    shr $2, %ecx
    xor %eax, %eax
    rep stosl
    mov %ebx, %edi
    mov %esp, libos_boot_tsc_entry
    mov %ebp, libos_boot_tsc_entry + 4

    /*
     * Identity map from 0 with 2 MiB pages, enough for the image up to its symbol table plus one
     * more 2 MiB for the first page-table frames: pml4[0] -> pdpt[0] -> pd[0..n-1].
     * libos_boot_map_end tells libos::mm how far it may reach before its own tables are live.
     */
    mov $(__libos_syms_start + 0x3fffff), %ecx
    shr $21, %ecx                       /* n = 2 MiB pages to map */
    cmp $512, %ecx
    jbe 3f
    mov $512, %ecx
3:  mov %ecx, %eax
    shl $21, %eax
    mov %eax, libos_boot_map_end
    mov $boot_pd, %ebx
1:  dec %ecx
    mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax
    mov %eax, (%ebx, %ecx, 8)
    test %ecx, %ecx
    jnz 1b
    movl $boot_pd + 3, boot_pdpt
    movl $boot_pdpt + 3, boot_pml4
    mov $boot_pml4, %eax
    mov %eax, %cr3

    mov %cr4, %eax
    or $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
    mov %eax, %cr4

    /* NX exists on every 64-bit CPU we know, but check (CPUID 0x80000001 EDX bit 20). */
    mov $0x80000001, %eax
    cpuid
    xor %esi, %esi
    bt $20, %edx
    jnc 2f
    mov $EFER_NXE, %esi
    movb $1, libos_cpu_has_nx
2:  mov $MSR_EFER, %ecx
    rdmsr
    or $EFER_LME, %eax
    or %esi, %eax
    wrmsr

    mov %cr0, %eax
    and $~CR0_EM, %eax
    or $(CR0_PE | CR0_MP | CR0_WP | CR0_PG), %eax
    mov %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $0x08, $long_mode

    .code64
long_mode:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    lea libos_main_stack_top(%rip), %rsp
    xor %ebp, %ebp                      /* ends every backtrace */
    mov %edi, %edi                      /* the upper half is undefined after the mode switch */
    fninit
    call libos_boot_main
    ud2

/* A GDT good enough to reach long mode; libos::boot loads the final one (with the TSS). */
    .section .rodata.libos_boot_gdt, "a"
    .p2align 3
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff            /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff            /* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

ram_too_little_msg:
    .asciz "libos: boot failed: too little memory for the image (libos-run --mem)\n"

    .section .bss.libos_boot_tables, "aw", @nobits
    .p2align 12
boot_pml4: .skip 4096
boot_pdpt: .skip 4096
boot_pd:   .skip 4096

    .globl libos_boot_tsc_entry, libos_cpu_has_nx, libos_boot_map_end
    .section .bss.libos_boot_vars, "aw", @nobits
    .p2align 3
libos_boot_tsc_entry: .skip 8
libos_boot_map_end: .skip 8
libos_cpu_has_nx: .skip 1

/* The main stack, with a page below it that libos::mm leaves unmapped to catch overflows. */
    .globl libos_main_stack_guard, libos_main_stack_top
    .section .bss.libos_stack.main, "aw", @nobits
    .p2align 12
libos_main_stack_guard: .skip 4096
    .skip LIBOS_MAIN_STACK_SIZE
libos_main_stack_top:

    .section .note.GNU-stack, "", @progbits

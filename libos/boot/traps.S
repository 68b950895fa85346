/*
 * CPU exception entry stubs. Each pushes a dummy error code when the CPU pushes none, then its
 * vector, so every exception reaches libos_trap() with the same struct libos_trap_frame layout
 * (libos/trap.h). Exceptions run on the IST1 stack (see cpu.c), so a stack overflow still gets
 * its report.
 */
    .text

    .p2align 4
trap_common:
    push %r15
    push %r14
    push %r13
    push %r12
    push %r11
    push %r10
    push %r9
    push %r8
    push %rbp
    push %rdi
    push %rsi
    push %rdx
    push %rcx
    push %rbx
    push %rax
    cld
    mov %rsp, %rdi
    call libos_trap                     /* reports and leaves the machine: never returns */
    ud2

    /*
     * One stub per vector, 9 bytes apart (libos_trap_stub0 + 9 * v is vector v's entry): push $0
     * (2 bytes) when the CPU pushes no error code, push $v (2), jmp rel32 (5). Vectors 8, 10-14,
     * 17, 21, 29 and 30 come with an error code pushed by the CPU; their stubs end in 2 bytes of
     * padding, as .org fills up to the next stub.
     */
    .altmacro
    .macro stub v
    .org libos_trap_stub0 + 9 * \v, 0x90
    .if !((\v == 8) || (\v == 10) || (\v == 11) || (\v == 12) || (\v == 13) || (\v == 14) || (\v == 17) || (\v == 21) || (\v == 29) || (\v == 30))
    push $0
    .endif
    push $\v
    jmp.d32 trap_common
    .endm

    .globl libos_trap_stub0
libos_trap_stub0:
    .set v, 0
    .rept 32
    stub %v
    .set v, v + 1
    .endr

    .section .note.GNU-stack, "", @progbits

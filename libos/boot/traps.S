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
    call libos_trap
    pop %rax
    pop %rbx
    pop %rcx
    pop %rdx
    pop %rsi
    pop %rdi
    pop %rbp
    pop %r8
    pop %r9
    pop %r10
    pop %r11
    pop %r12
    pop %r13
    pop %r14
    pop %r15
    add $16, %rsp                       /* vector and error code */
    iretq

    /*
     * One stub per vector, 16 bytes apart: libos_trap_stub0 + 16 * v is vector v's entry.
     * Vectors 8, 10-14, 17, 21, 29 and 30 come with an error code pushed by the CPU.
     */
    .altmacro
    .macro stub v
    .p2align 4
    .if !((\v == 8) || (\v == 10) || (\v == 11) || (\v == 12) || (\v == 13) || (\v == 14) || (\v == 17) || (\v == 21) || (\v == 29) || (\v == 30))
    push $0
    .endif
    push $\v
    jmp trap_common
    .endm

    .p2align 4
    .globl libos_trap_stub0
libos_trap_stub0:
    .set v, 0
    .rept 32
    stub %v
    .set v, v + 1
    .endr

    .section .note.GNU-stack, "", @progbits

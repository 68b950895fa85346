/*
 * Interrupt entry stubs for device vectors 32 .. 32 + LIBOS_IRQ_VECTORS - 1, and the spurious
 * vector 0xff. Interrupts arrive only inside libos_irq_poll/libos_irq_idle (see libos/irq.h), i.e.
 * at a function call: the stub saves the registers a C call may clobber and nothing more.
 */
#include <libos/config.h>

    .text
    .p2align 4
irq_common:
    push %rax
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %r8
    push %r9
    push %r10
    push %r11
    mov 72(%rsp), %edi                  /* the vector pushed by the stub */
    sub $8, %rsp                        /* 16-byte alignment for the call */
    cld
    call libos_irq_dispatch
    add $8, %rsp
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rax
    add $8, %rsp
    iretq

    .globl libos_irq_spurious
libos_irq_spurious:                     /* no EOI for a spurious interrupt */
    iretq

    /* One stub per vector, 16 bytes apart: libos_irq_stub32 + 16 * (v - 32) is vector v's. */
    .altmacro
    .macro stub v
    .p2align 4
    push $\v
    jmp irq_common
    .endm

    .p2align 4
    .globl libos_irq_stub32
libos_irq_stub32:
    .set v, 32
    .rept LIBOS_IRQ_VECTORS
    stub %v
    .set v, v + 1
    .endr

    .section .note.GNU-stack, "", @progbits

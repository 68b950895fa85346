/*
 * Thread switching. libos_switch(&old->sp, new_sp) is an ordinary call: it saves what the SysV
 * ABI says a callee must preserve (rbx, rbp, r12-r15, the MXCSR and x87 control words) on the
 * old stack, swaps stacks and restores the same from the new one. A new thread's stack is built
 * by sched.c to look like a switched-out thread whose return address is libos_thread_trampoline.
 */
    .text
    .globl libos_switch
    .p2align 4
libos_switch:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    sub $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    add $8, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

/* First code of every new thread: r12 holds its struct libos_thread. */
    .globl libos_thread_trampoline
libos_thread_trampoline:
    mov %r12, %rdi
    call libos_thread_start
    ud2

    .section .note.GNU-stack, "", @progbits

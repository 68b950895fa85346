/*
 * The page-fault entry once stacks can grow (stack.c points vector 14 here at the first stack),
 * and main on a stack of the stack area.
 *
 * libos_stack_fault_entry runs on the exception stack (IST1) like every exception. It saves
 * what C may change (the caller-saved registers, and the SSE/x87 state: libos's C code may use
 * SSE for plain data moves), and asks libos_stack_fault whether this was a stack growing into
 * a page not mapped yet. If so, it returns to the faulting instruction; otherwise it goes on to
 * the ordinary exception stub with everything as the CPU left it, and the usual report follows.
 * A frame whose return address is the faulting instruction links the handler into the
 * interrupted code's frame-pointer chain, so a panic from the handler (out of memory growing a
 * stack) shows where the stack grew.
 */
    .text
    .globl libos_stack_fault_entry
    .p2align 4
libos_stack_fault_entry:
    push %rax
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %r8
    push %r9
    push %r10
    push %r11
    lea 72(%rsp), %rdi                  /* the CPU's frame: error code, rip, cs, rflags, rsp, ss */
    pushq 8(%rdi)                       /* the faulting rip, as a return address */
    push %rbp
    mov %rsp, %rbp
    sub $512, %rsp
    and $-16, %rsp
    fxsave (%rsp)
    cld
    call libos_stack_fault
    fxrstor (%rsp)
    mov %rbp, %rsp
    pop %rbp
    add $8, %rsp
    test %eax, %eax                     /* pop leaves the flags alone */
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rax
    jz 1f
    add $8, %rsp                        /* the error code */
    iretq
1:  jmp libos_trap_stub0 + 9 * 14       /* traps.S: vector 14's stub, the report */

/*
 * int __wrap_main(int argc, char **argv, char **envp): the image is linked with --wrap=main when
 * the app asked for a main stack larger than the boot stack (libos_add_executable's STACK_SIZE,
 * by default 8M), so the start sequence's call to main lands here. It runs main (__real_main)
 * on a stack in the stack area and returns its status on the boot stack. main's saved frame
 * pointer is this function's, on the boot stack, which ends backtraces at main.
 */
    .globl __wrap_main
    .p2align 4
__wrap_main:
    push %rbp
    mov %rsp, %rbp
    push %rbx
    push %r12
    push %r13
    push %r14                           /* 16-aligned again */
    mov %edi, %ebx
    mov %rsi, %r12
    mov %rdx, %r13
    call libos_stack_main_top
    mov %rsp, %r14
    mov %rax, %rsp                      /* 16-aligned */
    mov %ebx, %edi
    mov %r12, %rsi
    mov %r13, %rdx
    call __real_main
    mov %r14, %rsp
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

    .section .note.GNU-stack, "", @progbits

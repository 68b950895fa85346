/*
 * floor.S: the smallest bootable PVH image, used by tests/bench/launch.py to measure QEMU's own
 * launch-to-exit floor. Its 32-bit entry writes 1 to isa-debug-exit (port 0xf4) at once, so
 * QEMU exits with status 3 (= 1 << 1 | 1) before the guest has done anything else.
 * launch.py links it with floor.ld into <build-dir>/bench/floor.elf.
 */
    .section .text.floor_entry, "ax", @progbits
    .code32
    .globl floor_entry
floor_entry:
    mov $1, %eax
    out %eax, $0xf4
1:  hlt                     /* not reached: QEMU has exited */
    jmp 1b

/* The Xen PVH note: XEN_ELFNOTE_PHYS32_ENTRY (18), the 32-bit entry written as 8 bytes. */
    .section .note.floor_pvh, "a", @note
    .p2align 2
    .long 4                 /* namesz: "Xen\0" */
    .long 8                 /* descsz */
    .long 18                /* type: XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .p2align 2
    .quad floor_entry

    .section .note.GNU-stack, "", @progbits

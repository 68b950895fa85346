/*
 * Leaving the machine with a status.
 *
 * QEMU's isa-debug-exit device (-device isa-debug-exit,iobase=0xf4,iosize=4; libos-run adds it)
 * makes QEMU exit with (v << 1) | 1, which leaves 7 bits and can never be 0. QEMU itself exits
 * with 1 (v = 0) when it fails, so v = 0 must not mean anything. The encoding, decoded by
 * toolchain/libos-run:
 *   v = status + 1   for application statuses 0..124
 *   v = 126          for application statuses 125..255 (the real one is printed first)
 *   v = 127          for a panic or a failed boot
 * Without the device we try the ACPI power-off ports of q35 and pc, then halt with a message.
 */
#include <libos/boot.h>
#include <libos/x86.h>

#define DEBUG_EXIT_PORT 0xf4

_Noreturn void libos_exit(int status)
{
    uint32_t v;
    if (status == LIBOS_EXIT_PANIC) {
        v = 127;
    } else if ((status & 0xff) >= 125) {
        libos_printk("libos: exit status %d is reported as 125 (the exit device has 7 bits)\n",
                     status & 0xff);
        v = 126;
    } else {
        v = (uint32_t)(status & 0xff) + 1;
    }
    x86_outl(DEBUG_EXIT_PORT, v);
    x86_outw(0x604, 0x2000);  /* q35 (ICH9) ACPI PM1a control: sleep type 0, enable */
    x86_outw(0xb004, 0x2000); /* pc (PIIX4) */
    libos_printk("libos: exit status %d; halting: no -device isa-debug-exit,iobase=0xf4,iosize=4\n",
                 status);
    for (;;) {
        x86_cli();
        x86_hlt();
    }
}

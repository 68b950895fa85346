/*
 * libos/console.h: the system console, a 16550 UART on COM1 (I/O port 0x3f8).
 *
 * Every machine QEMU offers (microvm, q35, pc) has it, so it is the one output that always works:
 * stdout, stderr, panic reports and early boot messages all come here. It sits at the bottom of
 * the library stack (it needs nothing but port I/O), so every layer may print through it.
 *
 * Contract: callable from any context, including exception handlers with interrupts off. Writes
 * poll the transmitter and never fail; they batch up to one FIFO (16 bytes) per status check.
 * Reads poll the receiver; blocking on input is the fd layer's business (libos/posix).
 */
#ifndef LIBOS_CONSOLE_H
#define LIBOS_CONSOLE_H

#include <stddef.h>

/* Program the UART (115200 8N1, FIFOs on). Called once by the boot sequence before any output. */
void libos_console_init(void);

/* Write n bytes as they are (no newline translation: QEMU's terminal adds the CR). */
void libos_console_write(const char *buf, size_t n);

/* Return at once with the number of bytes that were already received (at most n; 0 if none). */
size_t libos_console_read_nonblock(char *buf, size_t n);

/* Whether a received byte is waiting. */
int libos_console_input_ready(void);

/*
 * Raise the UART's interrupt (ISA line 4) while received data waits (enable = 1), or not. The
 * line stays raised until the data is read or this is turned off; enabling it while data waits
 * raises it at once, so "check, enable, sleep" loses no wake-up.
 */
#define LIBOS_CONSOLE_ISA_IRQ 4
void libos_console_input_irq(int enable);

/*
 * What the host's stdin is, as toolchain/libos-run says with the read-back value of QEMU's debug
 * console device (isa-debugcon at port 0x4f0) it attaches: 'n' (/dev/null or an empty file: no
 * input, ever) or 'r' (a pipe or a file, relayed), and 't' (a terminal on COM1) when there is no
 * such device, as with a bare `qemu -kernel`. A device rather than a command-line word: the
 * command line stays the user's, and its 4095 bytes with it.
 */
char libos_console_stdin_mode(void);

/*
 * Whether the host's stdout, where COM1's output goes, is a terminal (non-zero) or a pipe or a file
 * (0): the runner's read-back byte is in upper case ('T', 'N', 'R') for the latter. A bare
 * `qemu -kernel` (no device) counts as a terminal.
 */
int libos_console_stdout_tty(void);

/*
 * Tell the runner's stdin relay that COM1 may now receive (a byte to the debug console): it
 * forwards nothing before, because turning the FIFOs on discards what already arrived. The
 * relay's framing is described in libos/posix/console_fd.c.
 */
void libos_console_relay_ready(void);

#endif

/*
 * 16550 UART driver for COM1: the always-present console.
 *
 * Output: each write checks the Line Status Register once per FIFO's worth of bytes and then
 * pushes up to 16 bytes with one `rep outsb`, so a line of text costs a handful of port accesses
 * (VM exits under KVM) rather than two per byte. QEMU's UART drains its FIFO immediately, so the
 * poll normally succeeds at once.
 */
#include <libos/console.h>
#include <libos/x86.h>

#define COM1 0x3f8
/* QEMU's isa-debugcon, attached by the runner: the stdin mode (read) and the relay's "ready". Not
 * its usual port 0x402: SeaBIOS (q35, pc) writes its log there, which would start the relay early. */
#define DEBUGCON 0x4f0
#define UART_RBR 0 /* receive buffer (read) */
#define UART_THR 0 /* transmit holding (write) */
#define UART_IER 1 /* interrupt enable */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_DLM 1 /* divisor latch high (DLAB=1) */
#define UART_FCR 2 /* FIFO control */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */

#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define FIFO_SIZE 16

void libos_console_init(void)
{
    x86_outb(COM1 + UART_IER, 0x00);  /* no interrupts (polled) */
    x86_outb(COM1 + UART_LCR, 0x80);  /* DLAB on */
    x86_outb(COM1 + UART_DLL, 0x01);  /* divisor 1: 115200 baud */
    x86_outb(COM1 + UART_DLM, 0x00);
    x86_outb(COM1 + UART_LCR, 0x03);  /* 8N1, DLAB off */
    /* Enabling the FIFOs resets them (16550 behaviour, and QEMU's), so input that arrived before
     * this line is lost; saving it first does not help, since QEMU delivers the next byte as soon
     * as one is read. So the runner's stdin relay waits for libos_console_relay_ready. XXX: a
     * human typing on a terminal (no relay) before the boot reaches this line loses a byte. */
    /* Receive trigger level 14: QEMU then hands over up to 14 bytes at once (at level 1, one byte
     * per main-loop round: ~20 KB/s); a lone byte still interrupts, after 4 character times. */
    x86_outb(COM1 + UART_FCR, 0xc7);  /* enable and clear FIFOs, trigger at 14 bytes */
    x86_outb(COM1 + UART_MCR, 0x03);  /* DTR, RTS */
}

void libos_console_write(const char *buf, size_t n)
{
    while (n > 0) {
        while (!(x86_inb(COM1 + UART_LSR) & LSR_THR_EMPTY))
            x86_pause();
        size_t chunk = n < FIFO_SIZE ? n : FIFO_SIZE;
        x86_outsb(COM1 + UART_THR, buf, chunk);
        buf += chunk;
        n -= chunk;
    }
}

int libos_console_input_ready(void) { return x86_inb(COM1 + UART_LSR) & LSR_DATA_READY; }

size_t libos_console_read_nonblock(char *buf, size_t n)
{
    size_t got = 0;
    while (got < n && libos_console_input_ready())
        buf[got++] = (char)x86_inb(COM1 + UART_RBR);
    return got;
}

void libos_console_input_irq(int enable)
{
    x86_outb(COM1 + UART_IER, enable ? 0x01 : 0x00); /* received data available */
    /* OUT2 gates the interrupt line on real PC hardware; set it with the enable bit. */
    x86_outb(COM1 + UART_MCR, enable ? 0x0b : 0x03);
}

/* The read-back byte: 't', 'n' or 'r', in upper case when the host's stdout is no terminal; 0xff
 * (no device) is a terminal on both sides. */
char libos_console_stdin_mode(void)
{
    char mode = (char)(x86_inb(DEBUGCON) | 0x20);
    return mode == 'n' || mode == 'r' ? mode : 't';
}

int libos_console_stdout_tty(void) { return x86_inb(DEBUGCON) & 0x20; }

void libos_console_relay_ready(void) { x86_outb(DEBUGCON, '\n'); }

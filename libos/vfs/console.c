/*
 * The console as a file: fds 0, 1 and 2, and /dev/console. A character device with no line
 * discipline: no echo, and a read returns as soon as at least one byte arrived (with O_NONBLOCK
 * and none there, -EAGAIN).
 *
 * What stdin is, the runner says through a device it attaches (libos_console_stdin_mode; see
 * docs/getting-started.md):
 *   't'     a terminal typing into COM1. Ctrl-D (0x04) ends a read as in a terminal's canonical
 *           mode: the bytes before it are returned, the Ctrl-D itself is consumed, and a Ctrl-D
 *           that starts a read is end of file (0).
 *   'n'     the host's stdin is /dev/null or an empty file: every read is end of file.
 *   'r'     a pipe or file relayed by the runner. The first read or poll tells the relay to start
 *           (libos_console_relay_ready). The relay frames the bytes: 0xff 0xff stands for 0xff
 *           and 0xff 0x00 is the end of input; every other byte, Ctrl-D included, is data. The
 *           end travels in the data's own stream, so it cannot overtake bytes still in flight,
 *           and COM1 is the only device this needs.
 *
 * Waiting for input: the reading thread turns on the UART's receive interrupt and blocks; the
 * handler turns it off again and wakes readers and pollers, and the data stays in the UART until
 * read. Every image has this file (stdio reaches read()), but only images that link the
 * scheduler (threads, sleep, poll) can block: the scheduler and interrupt calls are weak
 * references. XXX: an image without them waits for input by polling the UART, spinning the CPU.
 * XXX: fds 0-2 share one open file, so isatty(0) is true even when the host's stdin is a pipe.
 */
#include "vfs_impl.h"

#include <libos/console.h>
#include <libos/irq.h>
#include <libos/sched.h>
#include <libos/x86.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>

#pragma weak libos_wait
#pragma weak libos_wake_all
#pragma weak libos_file_notify
#pragma weak libos_irq_alloc
#pragma weak libos_irq_route_isa

#define CTRL_D 0x04
#define RELAY_ESC 0xff

static struct libos_waitq readers = LIBOS_WAITQ_INIT("console input", 1);
static int irq_state;   /* 0: not set up yet, 1: routed, -1: no scheduler or no vector */
static char stdin_mode; /* 0 until the first read or poll, then 't', 'n' or 'r' (see above) */
static char relay_esc;  /* relay: the last byte taken was an unpaired 0xff */
char libos_console_at_end; /* no input will ever come: null, or the relay's end marker was read */

static void input_arrived(void *arg)
{
    (void)arg;
    libos_console_input_irq(0); /* the data stays in the UART until a reader takes it */
    libos_wake_all(&readers);
    if (libos_console_file.watchers) /* then ready.c is linked: only it makes watches */
        libos_file_notify(&libos_console_file, POLLIN);
}

/* The first read or poll: learn the mode and, when relayed, let the runner start sending. */
void libos_console_stdin_start(void)
{
    if (stdin_mode)
        return;
    stdin_mode = libos_console_stdin_mode();
    libos_console_at_end = stdin_mode == 'n';
    if (stdin_mode == 'r')
        libos_console_relay_ready();
}

/* Route the UART's interrupt the first time a thread wants to wait for input. */
int libos_console_can_block(void)
{
    if (!irq_state) {
        int vector = libos_wait ? libos_irq_alloc(input_arrived, 0) : -1;
        if (vector >= 0)
            libos_irq_route_isa(LIBOS_CONSOLE_ISA_IRQ, vector);
        irq_state = vector >= 0 ? 1 : -1;
    }
    return irq_state > 0;
}

static ssize_t console_read(struct libos_file *f, void *buf, size_t n)
{
    unsigned char *p = buf;
    libos_console_stdin_start();
    for (;;) {
        size_t got = 0;
        while (got < n && !libos_console_at_end && libos_console_read_nonblock((char *)p + got, 1)) {
            unsigned char c = p[got];
            if (stdin_mode == 't' && c == CTRL_D)
                return (ssize_t)got; /* consumed; at the start of a read, end of file */
            if (stdin_mode == 'r' && (relay_esc || c == RELAY_ESC)) {
                relay_esc = !relay_esc;
                if (relay_esc)
                    continue;            /* the first of a pair: look at the next byte */
                libos_console_at_end = c != RELAY_ESC; /* 0xff 0x00: the end; 0xff 0xff: one 0xff */
                if (libos_console_at_end)
                    break;
            }
            got++;
        }
        if (got || n == 0 || libos_console_at_end)
            return (ssize_t)got;
        /* Nothing to read: the next byte interrupts, also when this read does not wait for it
         * (an edge-triggered epoll on the console hears of it then). */
        int can_block = libos_console_can_block();
        if (can_block)
            libos_console_input_irq(1);
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if (can_block)
            libos_wait(&readers, 0);
        else
            x86_pause();
    }
}

static ssize_t console_write(struct libos_file *f, const void *buf, size_t n)
{
    (void)f;
    libos_console_write(buf, n);
    return (ssize_t)n;
}

static int console_fstat(struct libos_file *f, struct stat *st)
{
    (void)f;
    st->st_mode = S_IFCHR | 0620;
    st->st_rdev = 5 << 8 | 1; /* Linux's /dev/console, 5,1: what isatty() looks for */
    st->st_blksize = 1024;
    return 0;
}

/* Readiness and ioctls are in console_poll.c, linked only with poll() and ioctl(): weak here,
 * so that an image without them (hello) carries neither. */
short libos_console_poll(struct libos_file *f, short events, int arm) __attribute__((weak));
int libos_console_ioctl(struct libos_file *f, unsigned long request, void *arg) __attribute__((weak));

static const struct libos_file_ops console_ops = {
    .read = console_read,
    .write = console_write,
    .fstat = console_fstat,
    .ioctl = libos_console_ioctl,
    .poll = libos_console_poll,
};

/* fds 0, 1 and 2 hold three references, and the description one of its own: never freed. */
struct libos_file libos_console_file = {.ops = &console_ops, .flags = O_RDWR, .refs = 4};

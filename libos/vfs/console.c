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
 * read. Every image has this file (stdio reaches read()), but only images that can start a
 * second thread or sleep, or that poll, can block: that code is console_wait.c, which they
 * link (libos_console_blocking), weak here. XXX: an image without it waits for input by polling
 * the UART, spinning the CPU (hello never reads).
 *
 * A terminal or not: fd 0's description (libos_console_file) is one when the host's stdin is
 * ('t'); fds 1 and 2 share a second description (libos_console_out), which is one when the host's
 * stdout is, since that is where everything written to the console goes (the guest's stderr too:
 * the runner has one serial line). /dev/console and /dev/tty, opened, follow stdout as well. A
 * console that is not a terminal says it is a FIFO (fstat), so isatty() fails ENOTTY and stdio
 * buffers it fully, as Linux does for a pipe. Both descriptions read stdin and write the console.
 */
#include "vfs_impl.h"

#include <libos/console.h>
#include <libos/x86.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>

/* console_wait.c, linked with what can start a second thread (and with poll): weak here. */
#pragma weak libos_console_can_block
#pragma weak libos_console_wait_input

#define CTRL_D 0x04
#define RELAY_ESC 0xff

static char stdin_mode; /* 0 until the first read or poll, then 't', 'n' or 'r' (see above) */
static char relay_esc;  /* relay: the last byte taken was an unpaired 0xff */
char libos_console_at_end; /* no input will ever come: null, or the relay's end marker was read */

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
        int can_block = libos_console_can_block && libos_console_can_block();
        if (can_block)
            libos_console_input_irq(1);
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if (can_block)
            libos_console_wait_input();
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

/* fd 0's description follows the host's stdin, every other one its stdout (see the top). */
static int console_tty(struct libos_file *f)
{
    return f == &libos_console_file ? libos_console_stdin_mode() == 't' : libos_console_stdout_tty();
}

static int console_fstat(struct libos_file *f, struct stat *st)
{
    int tty = console_tty(f);
    st->st_mode = tty ? S_IFCHR | 0620 : S_IFIFO | 0600;
    st->st_rdev = tty ? 5 << 8 | 1 : 0; /* Linux's /dev/console, 5,1 */
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

/* Only the console is ever a terminal (/dev/console and /dev/tty have its ops). */
int libos_vfs_isatty(int fd)
{
    struct libos_file *f = libos_fd_file(fd);
    if (!f)
        return -EBADF;
    return f->ops == &console_ops && console_tty(f) ? 1 : -ENOTTY;
}

/* fd 0 holds a reference, fds 1 and 2 two, and each description one of its own: never freed. */
struct libos_file libos_console_file = {.ops = &console_ops, .flags = O_RDWR, .refs = 2};
struct libos_file libos_console_out = {.ops = &console_ops, .flags = O_RDWR, .refs = 3};

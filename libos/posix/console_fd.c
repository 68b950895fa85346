/*
 * The console as a file: fds 0, 1 and 2. A character device with no line discipline: no echo,
 * and a read returns as soon as at least one byte arrived. Ctrl-D (0x04) at the start of a read
 * is end of file, as on a terminal.
 *
 * Waiting for input: the reading thread turns on the UART's receive interrupt and blocks; the
 * handler turns it off again and wakes readers and pollers, and the data stays in the UART until
 * read. Every image has this file (stdio reaches read()), but only images that link the
 * scheduler (threads, sleep, poll) can block: the scheduler and interrupt calls are weak
 * references. XXX: an image without them waits for input by polling the UART, spinning the CPU.
 */
#include <libos/console.h>
#include <libos/fd.h>
#include <libos/irq.h>
#include <libos/sched.h>
#include <libos/x86.h>

#include <poll.h>

#pragma weak libos_wait
#pragma weak libos_wake_all
#pragma weak libos_irq_alloc
#pragma weak libos_irq_route_isa

#define CTRL_D 0x04

static struct libos_waitq readers = LIBOS_WAITQ_INIT("console input", 1);
static int irq_state; /* 0: not set up yet, 1: routed, -1: no scheduler or no vector */

static void input_arrived(void *arg)
{
    (void)arg;
    libos_console_input_irq(0); /* the data stays in the UART until a reader takes it */
    libos_wake_all(&readers);
    libos_poll_wake();
}

/* Route the UART's interrupt the first time a thread wants to wait for input. */
static int can_block(void)
{
    if (!irq_state) {
        int vector = libos_wait ? libos_irq_alloc(input_arrived, 0) : -1;
        if (vector >= 0)
            libos_irq_route_isa(LIBOS_CONSOLE_ISA_IRQ, vector);
        irq_state = vector >= 0 ? 1 : -1;
    }
    return irq_state > 0;
}

static ssize_t console_read(void *priv, void *buf, size_t n)
{
    (void)priv;
    if (n == 0)
        return 0;
    size_t got;
    while ((got = libos_console_read_nonblock(buf, n)) == 0) {
        if (can_block()) {
            libos_console_input_irq(1);
            libos_wait(&readers, 0);
        } else {
            x86_pause();
        }
    }
    return ((char *)buf)[0] == CTRL_D ? 0 : (ssize_t)got;
}

static ssize_t console_write(void *priv, const void *buf, size_t n)
{
    (void)priv;
    libos_console_write(buf, n);
    return (ssize_t)n;
}

static int console_fstat(void *priv, struct stat *st)
{
    (void)priv;
    st->st_mode = S_IFCHR | 0620;
    st->st_blksize = 1024;
    return 0;
}

static short console_poll(void *priv, short events, int arm)
{
    (void)priv;
    short ready = events & POLLOUT; /* writes never block */
    if (events & POLLIN) {
        if (libos_console_input_ready())
            ready |= POLLIN;
        else if (arm && can_block())
            libos_console_input_irq(1);
    }
    return ready;
}

const struct libos_file_ops libos_console_ops = {
    .read = console_read,
    .write = console_write,
    .fstat = console_fstat,
    .poll = console_poll,
};

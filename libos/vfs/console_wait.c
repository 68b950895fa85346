/*
 * Blocking console input: the UART's interrupt and the wait queue of the threads reading the
 * console. Apart from console.c so that an image with one thread that never sleeps nor polls
 * (hello) carries none of it: there a read waits by polling the UART (console.c). What can start
 * a second thread or sleep (pthread.c, sleep.c, lwIP's and virtio-net's threads, ext4's
 * committer) refers to libos_console_blocking, which links this file; console_poll.c calls it.
 * Without it a thread spinning in a read would never let the others run.
 */
#include "vfs_impl.h"

#include <libos/console.h>
#include <libos/irq.h>
#include <libos/sched.h>

#include <poll.h>

#pragma weak libos_wait
#pragma weak libos_wake_all
#pragma weak libos_file_notify
#pragma weak libos_irq_alloc
#pragma weak libos_irq_route_isa

const char libos_console_blocking;

static struct libos_waitq readers = LIBOS_WAITQ_INIT("console input", 1);
static int irq_state; /* 0: not set up yet, 1: routed, -1: no scheduler or no vector */

static void input_arrived(void *arg)
{
    (void)arg;
    libos_console_input_irq(0); /* the data stays in the UART until a reader takes it */
    libos_wake_all(&readers);
    if (libos_console_file.watchers) /* then ready.c is linked: only it makes watches */
        libos_file_notify(&libos_console_file, POLLIN);
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

void libos_console_wait_input(void) { libos_wait(&readers, 0); }

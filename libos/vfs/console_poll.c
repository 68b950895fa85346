/*
 * The console's readiness (poll, select) and ioctls, apart from console.c: poll.c and ioctl.c
 * refer to them, so only images that can ask link them (console.c's ops table names them weakly).
 */
#include "vfs_impl.h"

#include <libos/console.h>

#include <errno.h>
#include <poll.h>
#include <sys/ioctl.h>

short libos_console_poll(struct libos_file *f, short events, int arm)
{
    (void)f;
    short ready = events & POLLOUT; /* writes never block */
    if (events & POLLIN) {
        libos_console_stdin_start();
        if (libos_console_at_end || libos_console_input_ready())
            ready |= POLLIN;
        else if (arm && libos_console_can_block())
            libos_console_input_irq(1);
    }
    return ready;
}

/* FIONREAD: a lower bound, 1 when a byte waits (the UART tells no more); the window size of a
 * terminal libos cannot ask: the usual 80x24. */
int libos_console_ioctl(struct libos_file *f, unsigned long request, void *arg)
{
    (void)f;
    if (request == FIONREAD) {
        *(int *)arg = !libos_console_at_end && libos_console_input_ready();
        return 0;
    }
    if (request == TIOCGWINSZ) {
        *(struct winsize *)arg = (struct winsize){24, 80, 0, 0};
        return 0;
    }
    return -ENOTTY;
}

/*
 * The console as a file: fds 0, 1 and 2. A character device with no line discipline: no echo,
 * and a read returns as soon as at least one byte arrived. Ctrl-D (0x04) at the start of a read
 * is end of file, as on a terminal.
 * XXX: reads poll the UART, spinning the CPU, until libos::core has interrupts.
 */
#include <libos/console.h>
#include <libos/fd.h>
#include <libos/x86.h>

#define CTRL_D 0x04

static ssize_t console_read(void *priv, void *buf, size_t n)
{
    (void)priv;
    if (n == 0)
        return 0;
    size_t got;
    while ((got = libos_console_read_nonblock(buf, n)) == 0)
        x86_pause();
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

const struct libos_file_ops libos_console_ops = {
    .read = console_read,
    .write = console_write,
    .fstat = console_fstat,
};

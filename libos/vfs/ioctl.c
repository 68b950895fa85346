/*
 * ioctl on any fd. FIONBIO is the fd layer's; the rest is each kind's. Apart from file.c, and
 * referring to the console's ioctls, so that only images that call ioctl() carry them.
 */
#include "vfs_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>

static int (*const console_ioctl)(struct libos_file *, unsigned long, void *) __attribute__((used)) =
    libos_console_ioctl;

int libos_vfs_ioctl(int fd, unsigned long request, void *arg)
{
    struct libos_file *f = libos_fd_file(fd);
    if (!f)
        return -EBADF;
    if (request == FIONBIO) {
        if (!arg)
            return -EFAULT;
        f->flags = *(const int *)arg ? f->flags | O_NONBLOCK : f->flags & ~O_NONBLOCK;
        return 0;
    }
    return f->ops->ioctl ? f->ops->ioctl(f, request, arg) : -ENOTTY;
}

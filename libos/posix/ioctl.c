/* ioctl(): libos::vfs's, in a file of its own so that images that never call it carry none of
 * the ioctls. */
#include "posix_impl.h"

#include <libos/vfs.h>

#include <stdarg.h>
#include <sys/ioctl.h>

int ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return (int)libos_posix_ret(libos_vfs_ioctl(fd, request, arg));
}

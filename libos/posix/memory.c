/* The heap behind newlib's malloc. Exhaustion is ENOMEM, which malloc turns into NULL. */
#include <libos/mm.h>

#include <errno.h>
#include <stdint.h>

void *sbrk(ptrdiff_t incr)
{
    void *old = libos_heap_sbrk(incr);
    if (!old) {
        errno = ENOMEM;
        return (void *)-1;
    }
    return old;
}

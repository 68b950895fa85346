/*
 * The heap behind newlib's malloc, and posix_memalign over newlib's memalign. Exhaustion is
 * ENOMEM, which malloc turns into NULL.
 */
#include <libos/mm.h>

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>

void *sbrk(ptrdiff_t incr)
{
    void *old = libos_heap_sbrk(incr);
    if (!old) {
        errno = ENOMEM;
        return (void *)-1;
    }
    return old;
}

/* newlib has memalign but no posix_memalign, which its aligned_alloc calls. Errors are the return
 * value: errno is left as it was. */
int posix_memalign(void **out, size_t alignment, size_t size)
{
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)))
        return EINVAL;
    int saved = errno;
    void *p = memalign(alignment, size);
    if (!p) {
        errno = saved;
        return ENOMEM;
    }
    *out = p;
    return 0;
}

/*
 * Memory mappings in one address space without files. An anonymous mapping is a page-aligned,
 * zeroed block of the heap (newlib's memalign), and munmap gives it back. MAP_SHARED is the same
 * as MAP_PRIVATE: no other process could share it. A list of the mappings lets munmap and
 * mprotect check what they are given.
 * XXX: no per-page protection. The heap is read-write and never executable (W^X): PROT_EXEC is
 * refused, and PROT_NONE or PROT_READ are accepted but not enforced. Unmapping part of a
 * mapping is refused too.
 */
#include <libos/config.h>

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define PAGE LIBOS_PAGE_SIZE
#define PROTS (PROT_READ | PROT_WRITE | PROT_EXEC)
#define FLAGS                                                                                      \
    (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_NORESERVE | MAP_POPULATE |         \
     MAP_STACK)

struct mapping {
    struct mapping *next;
    uintptr_t start, end;
};

static struct mapping *mappings;

static void *fail(int err)
{
    errno = err;
    return MAP_FAILED;
}

/* [*start, *end): addr and len rounded to whole pages; 0 when addr is unaligned, len is 0, or
 * the range wraps around. */
static int page_range(void *addr, size_t len, uintptr_t *start, uintptr_t *end)
{
    *start = (uintptr_t)addr;
    if (*start % PAGE || len == 0 || len > UINTPTR_MAX - *start - (PAGE - 1))
        return 0;
    *end = (*start + len + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
    return 1;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
    (void)addr, (void)offset; /* addr is only a hint */
    int sharing = flags & (MAP_SHARED | MAP_PRIVATE);
    if (len == 0 || (prot & ~PROTS) || (flags & ~FLAGS) ||
        (sharing != MAP_SHARED && sharing != MAP_PRIVATE))
        return fail(EINVAL);
    if (!(flags & MAP_ANONYMOUS)) {
        struct stat st;
        return fail(fstat(fd, &st) < 0 ? EBADF : ENODEV); /* no fd can be mapped yet */
    }
    if ((flags & MAP_FIXED) || (prot & PROT_EXEC))
        return fail(ENOTSUP);
    if (len > SIZE_MAX - PAGE)
        return fail(ENOMEM);
    size_t size = (len + PAGE - 1) & ~(size_t)(PAGE - 1);
    struct mapping *m = malloc(sizeof *m);
    void *p = memalign(PAGE, size);
    if (!m || !p) {
        free(m);
        free(p);
        return fail(ENOMEM);
    }
    memset(p, 0, size);
    *m = (struct mapping){mappings, (uintptr_t)p, (uintptr_t)p + size};
    mappings = m;
    return p;
}

int munmap(void *addr, size_t len)
{
    uintptr_t start, end;
    if (!page_range(addr, len, &start, &end))
        return errno = EINVAL, -1;
    for (struct mapping *m = mappings; m; m = m->next)
        if (m->start < end && start < m->end && (m->start < start || m->end > end))
            return errno = EINVAL, -1; /* would unmap part of a mapping */
    for (struct mapping **pm = &mappings; *pm;) {
        struct mapping *m = *pm;
        if (m->start >= start && m->end <= end) {
            *pm = m->next;
            free((void *)m->start);
            free(m);
        } else {
            pm = &m->next;
        }
    }
    return 0; /* POSIX: a range without mappings is not an error */
}

int mprotect(void *addr, size_t len, int prot)
{
    uintptr_t start, end;
    if ((uintptr_t)addr % PAGE || (prot & ~PROTS))
        return errno = EINVAL, -1;
    if (len == 0)
        return 0;
    if (!page_range(addr, len, &start, &end))
        return errno = ENOMEM, -1;
    if (prot & PROT_EXEC)
        return errno = ENOTSUP, -1;
    for (struct mapping *m = mappings; m; m = m->next)
        if (m->start <= start && end <= m->end)
            return 0; /* accepted, not enforced (XXX above) */
    return errno = ENOMEM, -1; /* not inside one mapping */
}

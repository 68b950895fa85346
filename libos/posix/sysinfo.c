/*
 * What the machine is: uname, the host name, sysconf and the page size. One x86_64 CPU, 4 KiB
 * pages, the RAM the heap may grow into.
 */
#include <libos/config.h>
#include <libos/mm.h>

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#ifndef LIBOS_VERSION
#error "LIBOS_VERSION comes from libos/posix/CMakeLists.txt"
#endif

static char hostname[HOST_NAME_MAX + 1] = "libos";

int gethostname(char *name, size_t len)
{
    size_t n = strlen(hostname);
    if (n >= len) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(name, hostname, n + 1);
    return 0;
}

int sethostname(const char *name, size_t len)
{
    if (len > HOST_NAME_MAX) {
        errno = EINVAL;
        return -1;
    }
    memcpy(hostname, name, len);
    hostname[len] = '\0';
    return 0;
}

int uname(struct utsname *u)
{
    *u = (struct utsname){.sysname = "libos", .release = LIBOS_VERSION,
                          .version = LIBOS_VERSION, .machine = "x86_64"};
    gethostname(u->nodename, sizeof u->nodename);
    return 0;
}

int getpagesize(void) { return LIBOS_PAGE_SIZE; }

/* Names newlib defines but libos has no value for are "no limit" or "option not supported":
 * -1 with errno unchanged. Only a name newlib does not define is EINVAL. */
#define SC_LAST _SC_POSIX_26_VERSION

long sysconf(int name)
{
    switch (name) {
    case _SC_PAGESIZE:
        return LIBOS_PAGE_SIZE;
    case _SC_NPROCESSORS_CONF:
    case _SC_NPROCESSORS_ONLN:
        return 1;
    case _SC_CLK_TCK: /* the unit of times() */
        return CLOCKS_PER_SEC;
    case _SC_OPEN_MAX:
        return LIBOS_FD_MAX;
    case _SC_ARG_MAX: /* argv and the environment come from the command line */
        return LIBOS_CMDLINE_MAX;
    case _SC_HOST_NAME_MAX:
        return HOST_NAME_MAX;
    case _SC_PHYS_PAGES: /* the RAM the program can have: the heap's whole region */
        return (long)(libos_heap_size() / LIBOS_PAGE_SIZE);
    case _SC_AVPHYS_PAGES: /* the part of it that the heap has not taken yet */
        return (long)((libos_heap_size() - libos_heap_used()) / LIBOS_PAGE_SIZE);
    case _SC_MONOTONIC_CLOCK: /* as announced by <sys/features.h> */
    case _SC_TIMERS:
        return 200809L;
    default:
        if (name < 0 || name > SC_LAST)
            errno = EINVAL;
        return -1;
    }
}

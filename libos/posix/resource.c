/*
 * Resource limits and usage. The hard limits are what the machine has: the main stack, the fd
 * table, the heap's region; the rest are unlimited, and no core file is ever written. A program
 * may lower a soft or hard limit and raise it again up to the machine's limit (it is the
 * superuser); getrlimit reports what it set.
 * XXX: lowered limits are not enforced.
 */
#include <libos/config.h>
#include <libos/mm.h>
#include <libos/time.h>

#include <errno.h>
#include <stdbool.h>
#include <sys/resource.h>

static struct rlimit lowered[RLIMIT_NLIMITS];
static bool is_lowered[RLIMIT_NLIMITS];

static int fail(int err)
{
    errno = err;
    return -1;
}

static rlim_t machine_limit(int resource)
{
    switch (resource) {
    case RLIMIT_STACK:
        return libos_stack_main_size(); /* what main runs on: STACK_SIZE, libos.stack= */
    case RLIMIT_NOFILE:
        return LIBOS_FD_MAX;
    case RLIMIT_AS:
    case RLIMIT_DATA:
        return libos_heap_size();
    case RLIMIT_CORE:
        return 0;
    default:
        return RLIM_INFINITY;
    }
}

int getrlimit(int resource, struct rlimit *rl)
{
    if (resource < 0 || resource >= RLIMIT_NLIMITS)
        return fail(EINVAL);
    rlim_t max = machine_limit(resource);
    *rl = is_lowered[resource] ? lowered[resource] : (struct rlimit){max, max};
    return 0;
}

int setrlimit(int resource, const struct rlimit *rl)
{
    if (resource < 0 || resource >= RLIMIT_NLIMITS || rl->rlim_cur > rl->rlim_max)
        return fail(EINVAL);
    rlim_t max = machine_limit(resource);
    if (rl->rlim_max > max)
        return fail(EPERM);
    lowered[resource] = *rl;
    is_lowered[resource] = rl->rlim_cur != max || rl->rlim_max != max;
    return 0;
}

/* The program runs all the time: its user time is the time since boot, as for times(). */
int getrusage(int who, struct rusage *ru)
{
    if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN)
        return fail(EINVAL);
    *ru = (struct rusage){0};
    if (who == RUSAGE_SELF) {
        uint64_t us = libos_time_monotonic_ns() / 1000;
        ru->ru_utime = (struct timeval){(time_t)(us / 1000000), (suseconds_t)(us % 1000000)};
        ru->ru_maxrss = (long)(libos_heap_used() / 1024);
    }
    return 0;
}

/*
 * Clocks: CLOCK_REALTIME and CLOCK_MONOTONIC from libos::core's TSC clock. Sleeping is in
 * sleep.c, so that reading a clock does not bring the scheduler into an image.
 */
#include <libos/time.h>

#include <errno.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>

#define NS 1000000000ull

static int fail(int err)
{
    errno = err;
    return -1;
}

int clock_gettime(clockid_t clock, struct timespec *ts)
{
    uint64_t ns;
    if (clock == CLOCK_REALTIME)
        ns = libos_time_realtime_ns();
    else if (clock == CLOCK_MONOTONIC)
        ns = libos_time_monotonic_ns();
    else
        return fail(EINVAL);
    ts->tv_sec = (time_t)(ns / NS);
    ts->tv_nsec = (long)(ns % NS);
    return 0;
}

int clock_getres(clockid_t clock, struct timespec *res)
{
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
        return fail(EINVAL);
    if (res)
        *res = (struct timespec){0, 1};
    return 0;
}

int clock_settime(clockid_t clock, const struct timespec *ts)
{
    if (clock != CLOCK_REALTIME)
        return fail(clock == CLOCK_MONOTONIC ? EPERM : EINVAL);
    if (ts->tv_nsec < 0 || ts->tv_nsec >= (long)NS || ts->tv_sec < 0)
        return fail(EINVAL);
    libos_time_set_realtime_ns((uint64_t)ts->tv_sec * NS + (uint64_t)ts->tv_nsec);
    return 0;
}

int gettimeofday(struct timeval *tv, void *tz)
{
    (void)tz;
    uint64_t ns = libos_time_realtime_ns();
    tv->tv_sec = (time_t)(ns / NS);
    tv->tv_usec = (suseconds_t)(ns % NS / 1000);
    return 0;
}

clock_t times(struct tms *t)
{
    /* One program, always running: its CPU time is the time since boot. */
    clock_t ticks = (clock_t)(libos_time_monotonic_ns() / (NS / CLOCKS_PER_SEC));
    if (t)
        *t = (struct tms){ticks, 0, 0, 0};
    return ticks;
}

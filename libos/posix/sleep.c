/*
 * Sleeping: the calling thread blocks on a timer; other threads run, and with none runnable the
 * CPU halts until the deadline. Sleeps are never interrupted (no signals), so rem is always 0.
 */
#include <libos/sched.h>
#include <libos/time.h>
#include <libos/vfs.h>

#include <errno.h>
#include <time.h>
#include <unistd.h>

#define NS 1000000000ull

/* An image that sleeps has the scheduler: a read of the console then halts the CPU until input
 * arrives instead of spinning (this reference links console_wait.c). */
static const char *const need_console_blocking __attribute__((used)) = &libos_console_blocking;

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    if (req->tv_nsec < 0 || req->tv_nsec >= (long)NS || req->tv_sec < 0) {
        errno = EINVAL;
        return -1;
    }
    libos_sleep_until(libos_time_monotonic_ns() + (uint64_t)req->tv_sec * NS + (uint64_t)req->tv_nsec);
    if (rem)
        *rem = (struct timespec){0, 0};
    return 0;
}

int clock_nanosleep(clockid_t clock, int flags, const struct timespec *req, struct timespec *rem)
{
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
        return EINVAL;
    if (req->tv_nsec < 0 || req->tv_nsec >= (long)NS || req->tv_sec < 0)
        return EINVAL;
    uint64_t t = (uint64_t)req->tv_sec * NS + (uint64_t)req->tv_nsec;
    uint64_t now = clock == CLOCK_REALTIME ? libos_time_realtime_ns() : libos_time_monotonic_ns();
    if (flags & TIMER_ABSTIME)
        t = t > now ? t - now : 0;
    libos_sleep_until(libos_time_monotonic_ns() + t);
    if (rem)
        *rem = (struct timespec){0, 0};
    return 0;
}

int usleep(useconds_t us)
{
    struct timespec ts = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000};
    return nanosleep(&ts, NULL);
}

unsigned sleep(unsigned seconds)
{
    struct timespec ts = {(time_t)seconds, 0};
    nanosleep(&ts, NULL);
    return 0;
}

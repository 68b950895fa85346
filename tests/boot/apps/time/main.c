/*
 * test_time: clocks and sleeping. argv[1] chooses:
 *   checks     sleep accuracy measured with CLOCK_MONOTONIC (nanosleep, usleep), monotonicity
 *              over many reads, agreement of gettimeofday/time/CLOCK_REALTIME, EINVAL for bad
 *              arguments. Prints one line per check; exits 1 if any fails.
 *   sleep SECS sleep(SECS) and nothing else, so the harness can time it from the host.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* How late a sleep may end: generous, because QEMU TCG shares two cores with other tests. */
#define SLEEP_SLACK_NS (150 * 1000000ll)
#define MONOTONIC_READS 200000

static int failed;

static void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check(int ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s: ", ok ? "ok" : "FAIL");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    failed |= !ok;
}

static int64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void check_sleep(const char *how, int64_t want_ns, int64_t slept_ns)
{
    check(slept_ns >= want_ns && slept_ns < want_ns + SLEEP_SLACK_NS,
          "%s slept %lld us (asked %lld us, allowed up to %lld us more)", how, (long long)slept_ns / 1000,
          (long long)want_ns / 1000, (long long)SLEEP_SLACK_NS / 1000);
}

static void sleeps(void)
{
    struct timespec req = {0, 200 * 1000000};
    int64_t t0 = monotonic_ns();
    int r = nanosleep(&req, NULL);
    int64_t t1 = monotonic_ns();
    check(r == 0, "nanosleep returned %d", r);
    check_sleep("nanosleep(200 ms)", 200 * 1000000ll, t1 - t0);

    t0 = monotonic_ns();
    usleep(50000);
    t1 = monotonic_ns();
    check_sleep("usleep(50 ms)", 50 * 1000000ll, t1 - t0);

    req = (struct timespec){0, 1000000000};
    errno = 0;
    r = nanosleep(&req, NULL);
    check(r == -1 && errno == EINVAL, "nanosleep with tv_nsec = 1e9: %d, errno %d (want EINVAL)", r, errno);
}

static void monotonic(void)
{
    int64_t prev = monotonic_ns(), first = prev, backwards = 0;
    for (int i = 0; i < MONOTONIC_READS; i++) {
        int64_t now = monotonic_ns();
        if (now < prev)
            backwards++;
        prev = now;
    }
    check(backwards == 0, "CLOCK_MONOTONIC went backwards %lld times in %d reads", (long long)backwards,
          MONOTONIC_READS);
    check(prev > first, "CLOCK_MONOTONIC advanced over %d reads (%lld ns)", MONOTONIC_READS,
          (long long)(prev - first));
}

static void realtime(void)
{
    struct timespec rt;
    struct timeval tv;
    clock_gettime(CLOCK_REALTIME, &rt);
    gettimeofday(&tv, NULL);
    time_t t = time(NULL);
    long long a = rt.tv_sec, b = tv.tv_sec, c = t;
    check(llabs(a - b) <= 1 && llabs(a - c) <= 1 && llabs(b - c) <= 1,
          "CLOCK_REALTIME %lld, gettimeofday %lld, time %lld agree within 1 s", a, b, c);
    struct tm tm;
    gmtime_r(&rt.tv_sec, &tm);
    check(tm.tm_year + 1900 >= 2024, "the wall clock's year %d is >= 2024", tm.tm_year + 1900);
    printf("realtime epoch: %lld\n", a);

    struct timespec ts;
    errno = 0;
    int r = clock_gettime((clockid_t)12345, &ts);
    check(r == -1 && errno == EINVAL, "clock_gettime(12345): %d, errno %d (want -1, EINVAL)", r, errno);
    errno = 0;
    r = clock_getres((clockid_t)12345, &ts);
    check(r == -1 && errno == EINVAL, "clock_getres(12345): %d, errno %d (want -1, EINVAL)", r, errno);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "sleep") == 0) {
        int64_t t0 = monotonic_ns();
        sleep((unsigned)atoi(argv[2]));
        printf("slept %lld ms by CLOCK_MONOTONIC\n", (long long)(monotonic_ns() - t0) / 1000000);
        return 0;
    }
    if (argc != 2 || strcmp(argv[1], "checks") != 0) {
        printf("usage: test_time checks | sleep SECS\n");
        return 2;
    }
    sleeps();
    monotonic();
    realtime();
    printf("%s\n", failed ? "time: FAILED" : "time: all checks passed");
    return failed;
}

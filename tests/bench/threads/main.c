/*
 * bench_threads: the cost of thread operations, in nanoseconds per operation. The same source is
 * built as a libos image and as a Linux program (glibc pthreads) so the two can be compared;
 * tests/bench/threads.py runs both (the Linux one pinned to one CPU, as libos has one).
 *
 *   yield       two threads taking turns through sched_yield: one switch per yield
 *   create      pthread_create + pthread_join of a thread that returns at once
 *   mutex       pthread_mutex_lock + unlock, uncontended
 *   condvar     a round trip: A signals B through a condition variable, B answers A
 *
 * Output: one line per figure, "name ns_per_op count", so the runner can parse it.
 * "bench_threads idle SECONDS" instead sleeps that long, for measuring what an idle guest costs.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../bench.h"

/* --- yield ping-pong ----------------------------------------------------------------------- */
static volatile long turns;
static long yield_rounds;

static void *yielder(void *arg)
{
    (void)arg;
    for (long i = 0; i < yield_rounds; i++) {
        turns++;
        sched_yield();
    }
    return NULL;
}

static void bench_yield(long rounds)
{
    pthread_t a, b;
    yield_rounds = rounds;
    double t0 = now_ns();
    pthread_create(&a, NULL, yielder, NULL);
    pthread_create(&b, NULL, yielder, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    report("yield", now_ns() - t0, 2 * rounds);
}

/* --- create + join ------------------------------------------------------------------------- */
static void *nothing(void *arg) { return arg; }

static void bench_create(long count)
{
    double t0 = now_ns();
    for (long i = 0; i < count; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, nothing, NULL) != 0) {
            fprintf(stderr, "bench_threads: pthread_create failed\n");
            exit(1);
        }
        pthread_join(t, NULL);
    }
    report("create", now_ns() - t0, count);
}

/* --- mutex, uncontended -------------------------------------------------------------------- */
static void bench_mutex(long count)
{
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    double t0 = now_ns();
    for (long i = 0; i < count; i++) {
        pthread_mutex_lock(&m);
        pthread_mutex_unlock(&m);
    }
    report("mutex", now_ns() - t0, count);
}

/* --- condition variable round trip --------------------------------------------------------- */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ping = PTHREAD_COND_INITIALIZER, pong = PTHREAD_COND_INITIALIZER;
static long ball; /* odd: B's turn, even: A's turn */
static long cv_rounds;

static void *answerer(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    for (long i = 0; i < cv_rounds; i++) {
        while (!(ball & 1))
            pthread_cond_wait(&ping, &lock);
        ball++;
        pthread_cond_signal(&pong);
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

static void bench_condvar(long rounds)
{
    pthread_t b;
    cv_rounds = rounds;
    pthread_create(&b, NULL, answerer, NULL);
    double t0 = now_ns();
    pthread_mutex_lock(&lock);
    for (long i = 0; i < rounds; i++) {
        ball++;
        pthread_cond_signal(&ping);
        while (ball & 1)
            pthread_cond_wait(&pong, &lock);
    }
    pthread_mutex_unlock(&lock);
    double t = now_ns() - t0;
    pthread_join(b, NULL);
    report("condvar", t, rounds);
}

int main(int argc, char **argv)
{
    if (argc > 2 && argv[1][0] == 'i') { /* idle SECONDS */
        struct timespec t = {atol(argv[2]), 0};
        nanosleep(&t, NULL);
        return 0;
    }
    long scale = argc > 1 ? atol(argv[1]) : 1; /* more repetitions for a steadier figure */
    bench_mutex(200000 * scale);
    bench_yield(50000 * scale);
    bench_condvar(20000 * scale);
    bench_create(5000 * scale);
    return 0;
}

/*
 * test_threads: the runtime's behaviour, one subcommand per check (argv[1]). Each prints what it
 * measured and "ok" lines, and exits 0 only when every check held; crash and deadlock cases end
 * in a report instead (the harness checks those).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#define NOINLINE_FN __attribute__((noinline, noclone))

#include "../check.h"

static double now(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct timespec in(clockid_t clock, double seconds)
{
    double t = now(clock) + seconds;
    struct timespec ts = {(time_t)t, (long)((t - (time_t)t) * 1e9)};
    return ts;
}

/* --- churn: thousands of threads created and joined; memory returns to where it started --- */
static void *nothing(void *arg) { return arg; }

static int churn(void)
{
    int rounds = 4000, batch = 50;
    pthread_t t[50];
    /* Warm up first: stdout's buffer and one thread's worth of one-time allocations. */
    printf("churn: creating and joining threads\n");
    pthread_create(&t[0], NULL, nothing, NULL);
    pthread_join(t[0], NULL);
    struct mallinfo before = mallinfo();
    for (int i = 0; i < rounds; i += batch) {
        for (int j = 0; j < batch; j++)
            if (pthread_create(&t[j], NULL, nothing, (void *)(long)(i + j)) != 0) {
                printf("FAIL: pthread_create %d\n", i + j);
                return 1;
            }
        for (int j = 0; j < batch; j++) {
            void *r;
            pthread_join(t[j], &r);
            if (r != (void *)(long)(i + j))
                failures++;
        }
    }
    /* Detached ones too: they free themselves when they end. */
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    for (int j = 0; j < batch; j++)
        pthread_create(&t[j], &a, nothing, NULL);
    usleep(1000); /* let them run and end */
    struct mallinfo after = mallinfo();
    printf("churn: %d threads, heap in use %d bytes before, %d after\n", rounds + batch,
           (int)before.uordblks, (int)after.uordblks);
    CHECK(after.uordblks == before.uordblks, "memory did not return: %d -> %d",
          (int)before.uordblks, (int)after.uordblks);
    CHECK(failures == 0, "wrong return values");
    return failures != 0;
}

/* --- timing: nanosleep and timed waits on both clocks, within a stated bound --------------- */
#define SLACK 0.050 /* seconds late we accept (TCG on a loaded 2-core machine) */

static int timing(void)
{
    double t0 = now(CLOCK_MONOTONIC);
    struct timespec req = {0, 150 * 1000000};
    nanosleep(&req, NULL);
    double slept = now(CLOCK_MONOTONIC) - t0;
    printf("nanosleep 150 ms: %.1f ms\n", slept * 1e3);
    CHECK(slept >= 0.150 && slept < 0.150 + SLACK, "slept %.4f s", slept);

    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t c_real = PTHREAD_COND_INITIALIZER, c_mono;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    CHECK(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0, "setclock");
    CHECK(pthread_condattr_setclock(&ca, 12345) == EINVAL, "bad clock accepted");
    pthread_cond_init(&c_mono, &ca);

    pthread_mutex_lock(&m);
    t0 = now(CLOCK_MONOTONIC);
    struct timespec dl = in(CLOCK_REALTIME, 0.100);
    int r = pthread_cond_timedwait(&c_real, &m, &dl);
    double waited = now(CLOCK_MONOTONIC) - t0;
    printf("timedwait CLOCK_REALTIME 100 ms: %.1f ms\n", waited * 1e3);
    CHECK(r == ETIMEDOUT && waited >= 0.100 - 0.002 && waited < 0.100 + SLACK, "r=%d waited %.4f", r, waited);

    t0 = now(CLOCK_MONOTONIC);
    dl = in(CLOCK_MONOTONIC, 0.100);
    r = pthread_cond_timedwait(&c_mono, &m, &dl);
    waited = now(CLOCK_MONOTONIC) - t0;
    printf("timedwait CLOCK_MONOTONIC 100 ms: %.1f ms\n", waited * 1e3);
    CHECK(r == ETIMEDOUT && waited >= 0.100 && waited < 0.100 + SLACK, "r=%d waited %.4f", r, waited);

    dl = (struct timespec){0, 0}; /* long past */
    CHECK(pthread_cond_timedwait(&c_mono, &m, &dl) == ETIMEDOUT, "past deadline");
    dl = (struct timespec){0, -1};
    CHECK(pthread_cond_timedwait(&c_mono, &m, &dl) == EINVAL, "bad timespec");
    pthread_mutex_unlock(&m);
    return failures != 0;
}

/* --- mutex kinds: recursive, errorcheck, trylock, timedlock -------------------------------- */
static pthread_mutex_t shared;
static int other_result;
static void *try_other(void *arg)
{
    (void)arg;
    other_result = pthread_mutex_trylock(&shared);
    if (other_result == 0)
        pthread_mutex_unlock(&shared);
    return NULL;
}

static void *unlock_other(void *arg)
{
    (void)arg;
    other_result = pthread_mutex_unlock(&shared);
    return NULL;
}

static int mutexes(void)
{
    pthread_mutexattr_t a;
    pthread_t t;
    pthread_mutexattr_init(&a);

    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&shared, &a);
    CHECK(pthread_mutex_lock(&shared) == 0 && pthread_mutex_lock(&shared) == 0, "recursive relock");
    pthread_create(&t, NULL, try_other, NULL);
    pthread_join(t, NULL);
    CHECK(other_result == EBUSY, "trylock by another thread gave %d", other_result);
    CHECK(pthread_mutex_unlock(&shared) == 0 && pthread_mutex_unlock(&shared) == 0, "two unlocks");
    CHECK(pthread_mutex_unlock(&shared) == EPERM, "third unlock not EPERM");
    pthread_create(&t, NULL, try_other, NULL);
    pthread_join(t, NULL);
    CHECK(other_result == 0, "trylock of a free mutex gave %d", other_result);

    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&shared, &a);
    CHECK(pthread_mutex_lock(&shared) == 0, "errorcheck lock");
    CHECK(pthread_mutex_lock(&shared) == EDEADLK, "relock not EDEADLK");
    pthread_create(&t, NULL, unlock_other, NULL);
    pthread_join(t, NULL);
    CHECK(other_result == EPERM, "unlock by a non-owner gave %d", other_result);
    CHECK(pthread_mutex_unlock(&shared) == 0, "owner unlock");
    CHECK(pthread_mutex_unlock(&shared) == EPERM, "unlock of an unlocked errorcheck mutex");

    pthread_mutex_init(&shared, NULL);
    pthread_mutex_lock(&shared);
    pthread_create(&t, NULL, try_other, NULL);
    pthread_join(t, NULL);
    CHECK(other_result == EBUSY, "trylock of a held normal mutex gave %d", other_result);
    pthread_mutex_unlock(&shared);
    struct timespec bad = {0, 1000000000};
    CHECK(pthread_mutex_timedlock(&shared, &bad) == EINVAL, "timedlock with a bad timespec");
    /* A timed relock of a normal mutex deadlocks until its timeout, as POSIX says. */
    pthread_mutex_lock(&shared);
    struct timespec soon = in(CLOCK_REALTIME, 0.05);
    double before = now(CLOCK_MONOTONIC);
    int r = pthread_mutex_timedlock(&shared, &soon);
    double waited = now(CLOCK_MONOTONIC) - before;
    CHECK(r == ETIMEDOUT && waited >= 0.045, "timed relock gave %d after %.3f s", r, waited);
    pthread_mutex_unlock(&shared);
    CHECK(pthread_mutex_destroy(&shared) == 0, "destroy");
    return failures != 0;
}

/* --- keys and once ------------------------------------------------------------------------- */
static pthread_key_t key;
static int destroyed[4], once_runs;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static void destructor(void *v) { destroyed[(long)v]++; }
static void init_once(void)
{
    once_runs++;
    usleep(10000); /* block inside: others must wait, not run it again */
}
static void *keyed(void *arg)
{
    /* The ABI's stack alignment holds in a new thread: after `push %rbp`, rbp is 16-aligned. */
    CHECK(((uintptr_t)__builtin_frame_address(0) & 15) == 0, "frame at %p",
          __builtin_frame_address(0));
    pthread_once(&once, init_once);
    pthread_setspecific(key, arg);
    CHECK(pthread_getspecific(key) == arg, "getspecific");
    return NULL;
}

static int keys(void)
{
    CHECK(pthread_key_create(&key, destructor) == 0, "key_create");
    pthread_t t[3];
    for (long i = 1; i <= 3; i++)
        pthread_create(&t[i - 1], NULL, keyed, (void *)i);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    printf("destructors: %d %d %d, once ran %d time(s)\n", destroyed[1], destroyed[2], destroyed[3],
           once_runs);
    CHECK(destroyed[1] == 1 && destroyed[2] == 1 && destroyed[3] == 1, "each destructor once");
    CHECK(once_runs == 1, "once ran %d times", once_runs);
    CHECK(pthread_getspecific(key) == NULL, "main has no value");
    CHECK(pthread_key_delete(key) == 0 && pthread_setspecific(key, NULL) == EINVAL, "key_delete");
    return failures != 0;
}

/* --- semaphores ---------------------------------------------------------------------------- */
static sem_t items;
static int consumed;
static void *sem_consumer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++) {
        sem_wait(&items);
        consumed++;
    }
    return NULL;
}

static int semaphores(void)
{
    pthread_t t;
    CHECK(sem_init(&items, 0, 0) == 0, "sem_init");
    pthread_create(&t, NULL, sem_consumer, NULL);
    for (int i = 0; i < 100; i++) {
        sem_post(&items);
        if (i % 7 == 0)
            sched_yield();
    }
    pthread_join(t, NULL);
    int v;
    sem_getvalue(&items, &v);
    CHECK(consumed == 100 && v == 0, "consumed %d, value %d", consumed, v);
    CHECK(sem_trywait(&items) == -1 && errno == EAGAIN, "trywait on zero");
    struct timespec dl = in(CLOCK_REALTIME, 0.030);
    CHECK(sem_timedwait(&items, &dl) == -1 && errno == ETIMEDOUT, "timedwait");
    CHECK(sem_open("/x", 0) == SEM_FAILED && errno == ENOSYS, "sem_open");
    return failures != 0;
}

/* --- a thread's stack overflow is caught and names the thread ------------------------------ */
__attribute__((noinline)) static int recurse_forever(int n)
{
    volatile char buf[256];
    buf[0] = (char)n;
    return recurse_forever(n + 1) + buf[0];
}
static void *deep(void *arg)
{
    (void)arg;
    return (void *)(long)recurse_forever(0);
}

static int overflow(void)
{
    pthread_t t;
    pthread_create(&t, NULL, deep, NULL);
    pthread_setname_np(t, "deep-diver");
    pthread_join(t, NULL);
    printf("FAIL: the overflow was not caught\n");
    return 1;
}

/* A frame far larger than the stack: stack-clash probes must hit the guard page, not whatever
 * lies below it. */
static NOINLINE_FN void *big_frame(void *arg)
{
    volatile char frame[128 * 1024];
    frame[0] = (char)(uintptr_t)arg;
    frame[sizeof frame - 1] = frame[0];
    return (void *)(uintptr_t)frame[1000];
}

static int bigframe(void)
{
    pthread_t t;
    pthread_create(&t, NULL, big_frame, NULL); /* the default stack: 64 KiB (libos.thread_stack=64K) */
    pthread_setname_np(t, "big-frame");
    pthread_join(t, NULL);
    printf("FAIL: the 128 KiB frame did not fault\n");
    return 1;
}

/* --- stack sizes out of range: errors, never a panic --------------------------------------- */
static int stacksizes(void)
{
    pthread_attr_t a;
    pthread_t t;
    pthread_attr_init(&a);
    CHECK(pthread_attr_setstacksize(&a, SIZE_MAX) == EINVAL, "SIZE_MAX accepted");
    CHECK(pthread_attr_setstacksize(&a, SIZE_MAX - 4095) == EINVAL, "SIZE_MAX - 4095 accepted");
    CHECK(pthread_attr_setstacksize(&a, 1) == EINVAL, "1 byte accepted");
    CHECK(pthread_attr_setstacksize(&a, (size_t)1 << 40) == 0, "1 TiB refused by setstacksize");
    CHECK(pthread_create(&t, &a, nothing, NULL) == EAGAIN, "1 TiB stack not EAGAIN");
    CHECK(pthread_attr_setstacksize(&a, 256 * 1024) == 0, "256 KiB refused");
    CHECK(pthread_create(&t, &a, nothing, NULL) == 0 && pthread_join(t, NULL) == 0, "256 KiB thread");
    return failures != 0;
}

/* --- relocking a normal mutex: a report at once, even while other threads still run -------- */
static void *busy_ticker(void *arg)
{
    for (int i = 0; i < 1000; i++)
        usleep(1000);
    return arg;
}

static int relock(void)
{
    static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_t t;
    pthread_create(&t, NULL, busy_ticker, NULL);
    pthread_mutex_lock(&m);
    printf("relocking\n");
    pthread_mutex_lock(&m);
    printf("FAIL: relock returned\n");
    return 1;
}

/* --- deadlock: two threads, two mutexes, opposite order ------------------------------------ */
static pthread_mutex_t ma = PTHREAD_MUTEX_INITIALIZER, mb = PTHREAD_MUTEX_INITIALIZER;
static void *lock_b_then_a(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mb);
    sched_yield();
    pthread_mutex_lock(&ma);
    return NULL;
}

static int deadlock(void)
{
    pthread_t t;
    pthread_create(&t, NULL, lock_b_then_a, NULL);
    pthread_setname_np(t, "b-then-a");
    pthread_mutex_lock(&ma);
    sched_yield();
    pthread_mutex_lock(&mb);
    printf("FAIL: no deadlock\n");
    return 1;
}

/* --- stdin read by one thread while another keeps printing --------------------------------- */
static volatile int got_line;
static void *ticker(void *arg)
{
    (void)arg;
    for (int i = 0; !got_line && i < 500; i++) {
        printf("tick %d\n", i);
        usleep(10000);
    }
    return NULL;
}

static int stdin_read(void)
{
    pthread_t t;
    char line[128];
    pthread_create(&t, NULL, ticker, NULL);
    char *r = fgets(line, sizeof line, stdin);
    got_line = 1;
    pthread_join(t, NULL);
    printf("read: %s", r ? line : "(nothing)\n");
    CHECK(r && strcmp(line, "ping from the host\n") == 0, "the line");
    return failures != 0;
}

/* --- poll and select on stdin: timeouts, then readiness ----------------------------------- */
static int polling(void)
{
    struct pollfd p = {0, POLLIN, 0};
    double t0 = now(CLOCK_MONOTONIC);
    int n = poll(&p, 1, 100);
    double waited = now(CLOCK_MONOTONIC) - t0;
    printf("poll with nothing to read: %d after %.1f ms\n", n, waited * 1e3);
    CHECK(n == 0 && waited >= 0.100 && waited < 0.100 + SLACK, "n=%d waited %.4f", n, waited);

    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(0, &rd);
    struct timeval tv = {0, 50000};
    t0 = now(CLOCK_MONOTONIC);
    n = select(1, &rd, NULL, NULL, &tv);
    waited = now(CLOCK_MONOTONIC) - t0;
    CHECK(n == 0 && !FD_ISSET(0, &rd) && waited >= 0.050, "select n=%d waited %.4f", n, waited);

    struct pollfd out = {1, POLLOUT, 0};
    CHECK(poll(&out, 1, 0) == 1 && (out.revents & POLLOUT), "stdout writable");
    struct pollfd bad = {42, POLLIN, 0};
    CHECK(poll(&bad, 1, 0) == 1 && bad.revents == POLLNVAL, "closed fd is POLLNVAL");

    printf("waiting for input\n");
    fflush(stdout);
    p.revents = 0;
    n = poll(&p, 1, 10000); /* the harness types a line */
    CHECK(n == 1 && (p.revents & POLLIN), "poll saw input (n=%d revents=%#x)", n, p.revents);
    /* A read returns what has arrived so far (no line discipline): read up to the newline. */
    char buf[64];
    size_t len = 0;
    while (len < sizeof buf - 1 && (len == 0 || buf[len - 1] != '\n')) {
        ssize_t got = read(0, buf + len, sizeof buf - 1 - len);
        if (got <= 0)
            break;
        len += (size_t)got;
    }
    buf[len] = 0;
    printf("read %d bytes: %s", (int)len, buf);
    FD_ZERO(&rd);
    FD_SET(0, &rd);
    tv = (struct timeval){0, 0};
    CHECK(select(1, &rd, NULL, NULL, &tv) == 0, "nothing left to read");
    return failures != 0;
}

/* --- pipes between threads --------------------------------------------------------------- */
#include <fcntl.h>
#include <signal.h>
#define PIPE_TOTAL (200 * 1024)
static int pipe_fds[2];
static void *pipe_writer(void *arg)
{
    (void)arg;
    unsigned char chunk[1000];
    for (size_t sent = 0; sent < PIPE_TOTAL;) {
        size_t n = PIPE_TOTAL - sent < sizeof chunk ? PIPE_TOTAL - sent : sizeof chunk;
        for (size_t i = 0; i < n; i++)
            chunk[i] = (unsigned char)((sent + i) * 7);
        ssize_t w = write(pipe_fds[1], chunk, n);
        if (w <= 0)
            return (void *)1;
        sent += (size_t)w;
    }
    close(pipe_fds[1]);
    return NULL;
}

static int pipes(void)
{
    pthread_t t;
    CHECK(pipe(pipe_fds) == 0, "pipe");
    pthread_create(&t, NULL, pipe_writer, NULL);
    size_t got = 0, bad = 0;
    unsigned char buf[3000];
    ssize_t r;
    while ((r = read(pipe_fds[0], buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < r; i++)
            bad += buf[i] != (unsigned char)((got + (size_t)i) * 7);
        got += (size_t)r;
    }
    void *wr;
    pthread_join(t, &wr);
    printf("pipe: %zu bytes through, %zu wrong, then end of file (%d)\n", got, bad, (int)r);
    CHECK(got == PIPE_TOTAL && bad == 0 && r == 0 && wr == NULL, "data intact");
    close(pipe_fds[0]);

    /* No reader left: SIGPIPE (ignored here) and EPIPE. */
    signal(SIGPIPE, SIG_IGN);
    CHECK(pipe(pipe_fds) == 0, "pipe");
    close(pipe_fds[0]);
    CHECK(write(pipe_fds[1], "x", 1) == -1 && errno == EPIPE, "EPIPE");
    close(pipe_fds[1]);

    /* Non-blocking ends and poll. */
    CHECK(pipe2(pipe_fds, O_NONBLOCK) == 0, "pipe2");
    CHECK(read(pipe_fds[0], buf, 1) == -1 && errno == EAGAIN, "EAGAIN on an empty pipe");
    struct pollfd p[2] = {{pipe_fds[0], POLLIN, 0}, {pipe_fds[1], POLLOUT, 0}};
    CHECK(poll(p, 2, 0) == 1 && p[1].revents == POLLOUT && p[0].revents == 0, "only writable");
    CHECK(write(pipe_fds[1], "hi", 2) == 2, "write");
    CHECK(poll(p, 1, 0) == 1 && (p[0].revents & POLLIN), "readable");
    close(pipe_fds[1]);
    CHECK(read(pipe_fds[0], buf, sizeof buf) == 2 && read(pipe_fds[0], buf, 1) == 0, "data then EOF");
    close(pipe_fds[0]);
    return failures != 0;
}

/* --- rwlocks, barriers, spinlocks --------------------------------------------------------- */
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int readers_in, readers_max, writer_in, overlap;
static void *reader(void *arg)
{
    (void)arg;
    for (int i = 0; i < 5; i++) {
        pthread_rwlock_rdlock(&rw);
        overlap |= writer_in;
        if (++readers_in > readers_max)
            readers_max = readers_in;
        sched_yield(); /* others come in meanwhile */
        readers_in--;
        pthread_rwlock_unlock(&rw);
        sched_yield();
    }
    return NULL;
}
static void *writer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 5; i++) {
        pthread_rwlock_wrlock(&rw);
        writer_in = 1;
        overlap |= readers_in;
        sched_yield();
        writer_in = 0;
        pthread_rwlock_unlock(&rw);
        sched_yield();
    }
    return NULL;
}

static pthread_barrier_t barrier;
static int arrived[3], serial[3], early;
static void *barrier_worker(void *arg)
{
    (void)arg;
    for (int round = 0; round < 3; round++) {
        arrived[round]++;
        sched_yield();
        if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
            serial[round]++;
        early |= arrived[round] != 4; /* everyone arrived before anyone left */
    }
    return NULL;
}

static pthread_spinlock_t spin;
static long spin_count;
static void *spinner(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        pthread_spin_lock(&spin);
        long v = spin_count;
        if (i % 10 == 0)
            sched_yield(); /* holding it: the other thread must wait, not barge in */
        spin_count = v + 1;
        pthread_spin_unlock(&spin);
    }
    return NULL;
}

static int sync_objects(void)
{
    pthread_t t[5];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, reader, NULL);
    for (int i = 3; i < 5; i++)
        pthread_create(&t[i], NULL, writer, NULL);
    for (int i = 0; i < 5; i++)
        pthread_join(t[i], NULL);
    printf("rwlock: at most %d readers at once, readers and a writer together: %s\n", readers_max,
           overlap ? "yes" : "never");
    CHECK(readers_max >= 2 && !overlap, "shared reads, exclusive writes");

    CHECK(pthread_rwlock_wrlock(&rw) == 0 && pthread_rwlock_wrlock(&rw) == EDEADLK, "relock EDEADLK");
    CHECK(pthread_rwlock_tryrdlock(&rw) == EDEADLK, "read while writing EDEADLK");
    CHECK(pthread_rwlock_unlock(&rw) == 0 && pthread_rwlock_unlock(&rw) == EPERM, "unlock twice EPERM");
    CHECK(pthread_rwlock_rdlock(&rw) == 0 && pthread_rwlock_rdlock(&rw) == 0, "read lock twice");
    CHECK(pthread_rwlock_trywrlock(&rw) == EBUSY, "trywrlock while read-locked");
    struct timespec dl = in(CLOCK_REALTIME, 0.030);
    CHECK(pthread_rwlock_timedwrlock(&rw, &dl) == ETIMEDOUT, "timedwrlock times out");
    CHECK(pthread_rwlock_unlock(&rw) == 0 && pthread_rwlock_unlock(&rw) == 0, "two read unlocks");
    CHECK(pthread_rwlock_trywrlock(&rw) == 0 && pthread_rwlock_unlock(&rw) == 0, "then writable");
    CHECK(pthread_rwlock_destroy(&rw) == 0, "destroy");

    CHECK(pthread_barrier_init(&barrier, NULL, 0) == EINVAL, "barrier of 0");
    CHECK(pthread_barrier_init(&barrier, NULL, 4) == 0, "barrier_init");
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, barrier_worker, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    printf("barrier: serial threads per round %d %d %d, anyone early: %s\n", serial[0], serial[1],
           serial[2], early ? "yes" : "no");
    CHECK(serial[0] == 1 && serial[1] == 1 && serial[2] == 1 && !early, "one serial thread per round");
    CHECK(pthread_barrier_destroy(&barrier) == 0, "barrier_destroy");

    pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
    pthread_create(&t[0], NULL, spinner, NULL);
    pthread_create(&t[1], NULL, spinner, NULL);
    pthread_join(t[0], NULL);
    pthread_join(t[1], NULL);
    printf("spinlock: count %ld\n", spin_count);
    CHECK(spin_count == 2000, "no lost update");
    CHECK(pthread_spin_trylock(&spin) == 0 && pthread_spin_trylock(&spin) == EBUSY, "trylock");
    return failures != 0;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(void);
    } tests[] = {{"churn", churn},         {"timing", timing},     {"mutexes", mutexes},
                 {"keys", keys},           {"semaphores", semaphores}, {"overflow", overflow},
                 {"deadlock", deadlock},   {"stdin", stdin_read},  {"poll", polling},
                 {"pipe", pipes},         {"sync", sync_objects}, {"bigframe", bigframe},
                 {"stacksizes", stacksizes}, {"relock", relock}};
    for (unsigned i = 0; argc > 1 && i < sizeof tests / sizeof tests[0]; i++)
        if (strcmp(argv[1], tests[i].name) == 0)
            return tests[i].fn();
    fprintf(stderr, "usage: test_threads churn|timing|mutexes|keys|semaphores|overflow|deadlock|stdin|poll|pipe|sync|bigframe|stacksizes|relock\n");
    return 2;
}

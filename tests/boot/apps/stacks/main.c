/*
 * test_stacks: stacks like Linux's (libos/mm/stack.c). One check per run, chosen by argv[1]:
 *   sizes               print main's stack size, a new thread's default and RLIMIT-like figures
 *   deep N              recurse N calls deep on main's stack, then return
 *   deep-thread N       the same in a thread with the default stack
 *   alloca N            alloca(N) on main's stack, touching every page
 *   runaway             recurse without end on main's stack (a stack-overflow report)
 *   small-thread        recurse without end in a thread made with a 64 KiB stack
 *   threads N           N threads with the default stack alive at once, each touching 16 KiB of
 *                       it, then joined; the pages returned afterwards
 *   grow-thread         a thread 'grower' recursing down a stack larger than RAM (a report)
 *   reclaim N D         N threads alive at once, joined, then D calls deep on main's stack: the
 *                       free slots' top pages must come back when RAM runs short
 *   report-fault        a NULL write with rbp pointing at a page of main's stack not touched yet:
 *                       the report's backtrace faults on the exception stack, which must not be
 *                       "fixed" there (it would return over the report's own frames)
 * A check that passes prints "stacks: <what> ok"; a failure prints "FAIL: ...".
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include <libos/mm.h>

#include <alloca.h>
#include <malloc.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOINLINE __attribute__((noinline, noclone))

/* About 64 bytes of stack a call: a frame pointer, a return address and the buffer. */
NOINLINE static long recurse(long n)
{
    volatile char buf[40];
    buf[0] = (char)n;
    if (n == 0)
        return 0;
    return recurse(n - 1) + buf[0];
}

NOINLINE static long recurse_forever(long n)
{
    volatile char buf[200];
    buf[0] = (char)n;
    return recurse_forever(n + 1) + buf[0];
}

static void *deep_thread(void *arg)
{
    return (void *)recurse((long)(intptr_t)arg);
}

static void *forever_thread(void *arg)
{
    return (void *)recurse_forever((long)(intptr_t)arg);
}

NOINLINE static int use_alloca(size_t n)
{
    volatile char *p = alloca(n);
    for (size_t i = 0; i < n; i += 4096)
        p[i] = 1;
    return p[0];
}

NOINLINE static void report_fault(void)
{
    char *untouched = (char *)__builtin_frame_address(0) - 4 * 1024 * 1024;
    __asm__ volatile("mov %0, %%rbp\n\tmovl $0, 0" ::"r"(untouched) : "memory");
}

static sem_t go;

static void *waiting_thread(void *arg)
{
    sem_wait(&go);
    return arg;
}

static int reclaim(int n, long depth)
{
    pthread_t *t = malloc(sizeof *t * (size_t)n);
    if (!t)
        return printf("FAIL: malloc\n"), 1;
    sem_init(&go, 0, 0);
    for (int i = 0; i < n; i++)
        if (pthread_create(&t[i], NULL, waiting_thread, NULL) != 0)
            return printf("FAIL: pthread_create %d\n", i), 1;
    sched_yield();
    size_t held = libos_mm_pages_used();
    for (int i = 0; i < n; i++)
        sem_post(&go);
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    printf("reclaim: %d threads ended, pages in use %zu KiB with them, %zu KiB after\n", n, held >> 10,
           libos_mm_pages_used() >> 10);
    printf("reclaim: %ld calls deep, result %ld\n", depth, recurse(depth));
    return 0;
}

static void *idle_thread(void *arg)
{
    volatile char touch[16 * 1024]; /* 16 KiB of the stack in use */
    touch[0] = 1;
    touch[sizeof touch - 1] = 1;
    sem_wait(&go);
    return arg;
}

static int threads(int n)
{
    pthread_t *t = malloc(sizeof *t * (size_t)n);
    if (!t)
        return printf("FAIL: malloc\n"), 1;
    size_t pages0 = libos_mm_pages_used();
    sem_init(&go, 0, 0);
    for (int i = 0; i < n; i++) {
        int r = pthread_create(&t[i], NULL, idle_thread, (void *)(intptr_t)i);
        if (r != 0)
            return printf("FAIL: pthread_create %d: error %d\n", i, r), 1;
    }
    sched_yield(); /* every thread runs up to sem_wait */
    size_t pages1 = libos_mm_pages_used();
    for (int i = 0; i < n; i++)
        sem_post(&go);
    for (int i = 0; i < n; i++) {
        void *r;
        if (pthread_join(t[i], &r) != 0 || r != (void *)(intptr_t)i)
            return printf("FAIL: pthread_join %d\n", i), 1;
    }
    size_t pages2 = libos_mm_pages_used();
    printf("threads: %d alive with %zu-byte stacks, pages in use %zu KiB before, %zu KiB with them, "
           "%zu KiB after\n", n, libos_stack_thread_default(), pages0 >> 10, pages1 >> 10, pages2 >> 10);
    /* Each stack's pages go back to the pool at exit, but for its top page and its page table,
     * which stay with the free slot for the next thread (8 KiB). */
    if (pages2 > pages0 + (size_t)n * 8192 + 64 * 1024)
        return printf("FAIL: stack pages did not come back\n"), 1;
    return 0;
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    long n = argc > 2 ? strtol(argv[2], NULL, 0) : 0;
    setvbuf(stdout, NULL, _IONBF, 0);
    if (!strcmp(what, "sizes")) {
        pthread_attr_t a;
        size_t s;
        pthread_attr_init(&a);
        pthread_attr_getstacksize(&a, &s);
        printf("main stack %zu bytes, thread default %zu bytes (pthread_attr_getstacksize %zu)\n",
               libos_stack_main_size(), libos_stack_thread_default(), s);
    } else if (!strcmp(what, "deep")) {
        printf("deep: %ld calls deep, result %ld\n", n, recurse(n));
    } else if (!strcmp(what, "deep-thread")) {
        pthread_t t;
        void *r;
        if (pthread_create(&t, NULL, deep_thread, (void *)(intptr_t)n) || pthread_join(t, &r))
            return printf("FAIL: the thread\n"), 1;
        printf("deep-thread: %ld calls deep, result %ld\n", n, (long)(intptr_t)r);
    } else if (!strcmp(what, "alloca")) {
        printf("alloca: %zu bytes, result %d\n", (size_t)n, use_alloca((size_t)n));
    } else if (!strcmp(what, "runaway")) {
        recurse_forever(0);
        return printf("FAIL: the overflow was not caught\n"), 1;
    } else if (!strcmp(what, "small-thread")) {
        pthread_attr_t a;
        pthread_t t;
        pthread_attr_init(&a);
        pthread_attr_setstacksize(&a, 64 * 1024);
        pthread_create(&t, &a, forever_thread, NULL);
        pthread_setname_np(t, "small-stack");
        pthread_join(t, NULL);
        return printf("FAIL: the overflow was not caught\n"), 1;
    } else if (!strcmp(what, "grow-thread")) {
        pthread_attr_t a;
        pthread_t t;
        pthread_attr_init(&a);
        pthread_attr_setstacksize(&a, (size_t)1 << 30); /* 1 GiB: more than RAM */
        pthread_create(&t, &a, forever_thread, NULL);
        pthread_setname_np(t, "grower");
        pthread_join(t, NULL);
        return printf("FAIL: running out of RAM was not caught\n"), 1;
    } else if (!strcmp(what, "reclaim")) {
        if (reclaim((int)n, argc > 3 ? strtol(argv[3], NULL, 0) : 0))
            return 1;
    } else if (!strcmp(what, "report-fault")) {
        report_fault();
        return printf("FAIL: no fault\n"), 1;
    } else if (!strcmp(what, "threads")) {
        if (threads((int)n))
            return 1;
    } else {
        fprintf(stderr, "usage: test_stacks sizes|deep N|deep-thread N|alloca N|runaway|small-thread|threads N|grow-thread\n");
        return 2;
    }
    printf("stacks: %s ok\n", what);
    return 0;
}

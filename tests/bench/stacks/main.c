/*
 * bench_stacks: what an idle thread costs in RAM. N threads (default 100, argv[1]) are created
 * with the default stack and block on a semaphore at once; the heap in use (mallinfo) and the
 * page frames in use (libos_mm_pages_used: stack pages and page tables, when this libos has
 * them) are read before and while they wait, then they are released and joined.
 * Prints "idle threads: N", "heap per thread: B", "pages per thread: B", "ram per thread: B",
 * "stack size: B". Figures only (tests/bench/stacks.py).
 */
#include <malloc.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>

size_t libos_mm_pages_used(void) __attribute__((weak)); /* absent before stacks grew on demand */

static sem_t go;

static void *idle(void *arg)
{
    sem_wait(&go);
    return arg;
}

static size_t pages(void) { return libos_mm_pages_used ? libos_mm_pages_used() : 0; }

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 100;
    pthread_t *t = malloc(sizeof *t * (size_t)n);
    pthread_attr_t a;
    size_t stack;
    pthread_attr_init(&a);
    pthread_attr_getstacksize(&a, &stack);
    sem_init(&go, 0, 0);
    /* Warm up: stdout's buffer, the first thread's one-time allocations. */
    printf("stack size: %zu\n", stack);
    pthread_create(&t[0], NULL, idle, NULL);
    sem_post(&go);
    pthread_join(t[0], NULL);

    size_t heap0 = mallinfo().uordblks, pages0 = pages();
    for (int i = 0; i < n; i++)
        if (pthread_create(&t[i], NULL, idle, NULL) != 0)
            return printf("pthread_create %d failed\n", i), 1;
    sched_yield(); /* each runs up to sem_wait and blocks there */
    size_t heap1 = mallinfo().uordblks, pages1 = pages();
    for (int i = 0; i < n; i++)
        sem_post(&go);
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    size_t heap = (heap1 - heap0) / (size_t)n, pg = (pages1 - pages0) / (size_t)n;
    printf("idle threads: %d\nheap per thread: %zu\npages per thread: %zu\nram per thread: %zu\n", n,
           heap, pg, heap + pg);
    return 0;
}

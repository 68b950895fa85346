/*
 * threads: a three-stage pipeline. A producer makes numbered items, a worker squares them, a
 * consumer adds them up; the stages talk through bounded queues guarded by a mutex and two
 * condition variables each. Prints what it did and how long it took, and checks the result.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ITEMS 20000
#define QUEUE 16

struct queue {
    long items[QUEUE];
    int head, count;
    pthread_mutex_t lock;
    pthread_cond_t not_empty, not_full;
};

static struct queue raw = {.lock = PTHREAD_MUTEX_INITIALIZER,
                           .not_empty = PTHREAD_COND_INITIALIZER,
                           .not_full = PTHREAD_COND_INITIALIZER};
static struct queue squared = {.lock = PTHREAD_MUTEX_INITIALIZER,
                               .not_empty = PTHREAD_COND_INITIALIZER,
                               .not_full = PTHREAD_COND_INITIALIZER};

static void put(struct queue *q, long v)
{
    pthread_mutex_lock(&q->lock);
    while (q->count == QUEUE)
        pthread_cond_wait(&q->not_full, &q->lock);
    q->items[(q->head + q->count++) % QUEUE] = v;
    pthread_cond_signal(&q->not_empty);
    pthread_mutex_unlock(&q->lock);
}

static long get(struct queue *q)
{
    pthread_mutex_lock(&q->lock);
    while (q->count == 0)
        pthread_cond_wait(&q->not_empty, &q->lock);
    long v = q->items[q->head];
    q->head = (q->head + 1) % QUEUE;
    q->count--;
    pthread_cond_signal(&q->not_full);
    pthread_mutex_unlock(&q->lock);
    return v;
}

static void *producer(void *arg)
{
    (void)arg;
    for (long i = 1; i <= ITEMS; i++)
        put(&raw, i);
    put(&raw, -1); /* end of stream */
    return NULL;
}

static void *worker(void *arg)
{
    (void)arg;
    for (long v; (v = get(&raw)) != -1;)
        put(&squared, v * v);
    put(&squared, -1);
    return NULL;
}

static void *consumer(void *arg)
{
    long *sum = arg;
    for (long v; (v = get(&squared)) != -1;)
        *sum += v;
    return NULL;
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
    pthread_t p, w, c;
    long sum = 0;
    double start = seconds();
    if (pthread_create(&p, NULL, producer, NULL) || pthread_create(&w, NULL, worker, NULL) ||
        pthread_create(&c, NULL, consumer, &sum)) {
        fprintf(stderr, "threads: pthread_create failed\n");
        return 1;
    }
    pthread_join(p, NULL);
    pthread_join(w, NULL);
    pthread_join(c, NULL);
    double took = seconds() - start;

    long expected = (long)ITEMS * (ITEMS + 1) * (2L * ITEMS + 1) / 6;
    printf("threads: %d items through 3 threads and 2 queues of %d in %.1f ms (%.2f us per item)\n",
           ITEMS, QUEUE, took * 1e3, took * 1e6 / ITEMS);
    printf("threads: sum of squares %ld (%s)\n", sum, sum == expected ? "correct" : "WRONG");
    return sum == expected ? 0 : 1;
}

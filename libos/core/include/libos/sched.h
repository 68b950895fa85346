/*
 * libos/sched.h: cooperative threads, wait queues and timed waits on one CPU.
 *
 * A thread runs until it blocks (libos_wait), sleeps, yields or exits; nothing preempts it. So
 * code between two of those calls runs atomically with respect to other threads and to interrupt
 * handlers (see libos/irq.h): shared state needs no lock unless a thread blocks while it is
 * inconsistent. Every scheduling point also lets pending interrupts in.
 *
 * When no thread can run, the CPU halts until the next timer deadline or device interrupt. When
 * every thread is blocked on something no timer or device can ever signal, that is a deadlock:
 * libos prints each thread and what it waits on, and exits with the panic status.
 *
 * Contract: all calls are for thread context, except libos_wake_one and libos_wake_all, which
 * interrupt handlers may call too. Times are CLOCK_MONOTONIC nanoseconds (libos/time.h).
 */
#ifndef LIBOS_SCHED_H
#define LIBOS_SCHED_H

#include <reent.h>
#include <stddef.h>
#include <stdint.h>

struct libos_thread;

/* A queue of threads waiting for something. what names it in deadlock reports; device says
 * whether an interrupt handler can wake it (then waiting on it forever is not a deadlock). */
struct libos_waitq {
    struct libos_thread *head, *tail;
    const char *what;
    int device;
};
#define LIBOS_WAITQ_INIT(what_, device_) {NULL, NULL, (what_), (device_)}

enum libos_thread_state { LIBOS_RUNNABLE, LIBOS_BLOCKED, LIBOS_EXITED };

/* Whether q has waiters, and the first of them (to hand something over to it before waking it). */
static inline int libos_waitq_empty(const struct libos_waitq *q) { return !q->head; }
static inline struct libos_thread *libos_waitq_first(const struct libos_waitq *q) { return q->head; }

/* A thread. The fields are the scheduler's, except user, which belongs to the layer above: the
 * layers above read and change nothing else but through the calls below. */
struct libos_thread {
    uint64_t sp;                      /* saved stack pointer while switched out */
    struct libos_thread *next;        /* run queue or wait queue link */
    struct libos_thread *timed_next;  /* list of timed waits, by deadline */
    struct libos_thread *all_next;    /* list of every thread */
    struct libos_waitq *waiting_on;   /* while BLOCKED */
    uint64_t deadline;                /* of a timed wait, 0 for none */
    enum libos_thread_state state;
    int timed_out;
    int detached;
    void *stack;                      /* NULL for the main thread (the boot stack) */
    struct libos_waitq exited;        /* joiners wait here */
    void (*entry)(void *);
    void *arg;
    void *user;
    char name[16];
    struct _reent *reent;             /* newlib's per-thread state: errno, strtok, ... */
};

/* Called by the boot sequence when the scheduler is linked in. */
void libos_sched_init(void);

/*
 * A new runnable thread running entry(arg) on a stack of stack_size bytes (0: the default) with
 * a guard page; it runs when the creator next blocks or yields. NULL when memory is short.
 */
struct libos_thread *libos_thread_create(void (*entry)(void *), void *arg, size_t stack_size,
                                         const char *name);

/* The thread's name (at most 15 characters), and a new one: -ERANGE when it is longer. */
const char *libos_thread_get_name(const struct libos_thread *t);
int libos_thread_set_name(struct libos_thread *t, const char *name);

/* Whether t is the main thread (the one on the boot stack), and whether it has ended. */
int libos_thread_is_main(const struct libos_thread *t);
int libos_thread_has_exited(const struct libos_thread *t);

/* End the calling thread (returning from entry does the same). */
_Noreturn void libos_thread_exit(void);

/* Wait until t has exited, then free it. t must not be detached. */
void libos_thread_join(struct libos_thread *t);

/* Free t when it exits (now, if it already has). */
void libos_thread_detach(struct libos_thread *t);

/* The running thread. */
extern struct libos_thread *libos_thread_current;
static inline struct libos_thread *libos_thread_self(void) { return libos_thread_current; }

/* Let every other runnable thread run once. */
void libos_yield(void);

/*
 * Block on q until woken or, when deadline is not 0, until the monotonic clock reaches it.
 * Returns 0 when woken, -1 on timeout.
 */
int libos_wait(struct libos_waitq *q, uint64_t deadline);

/* Make the first waiter of q runnable; returns 1 if there was one. */
int libos_wake_one(struct libos_waitq *q);

/* Make every waiter of q runnable. */
void libos_wake_all(struct libos_waitq *q);

/* Block until the monotonic clock reaches deadline. */
void libos_sleep_until(uint64_t deadline);

#endif

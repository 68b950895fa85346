/*
 * The cooperative scheduler: a FIFO run queue, wait queues, a deadline-sorted list of timed
 * waits, and the idle loop. The model is described in libos/sched.h.
 *
 * Invariants: a RUNNABLE thread other than the running one is on the run queue exactly once; a
 * BLOCKED thread is on exactly one wait queue (waiting_on), and also on the timed list when its
 * deadline is not 0; an EXITED thread is on no queue, and on the zombie list until its stack is
 * freed. Interrupt handlers only run inside schedule() (libos_irq_poll/idle), so none of this is
 * ever seen half-updated.
 */
#include <libos/boot.h>
#include <libos/irq.h>
#include <libos/mm.h>
#include <libos/sched.h>
#include <libos/time.h>
#include <libos/trap.h>

#include <stdlib.h>
#include <errno.h>
#include <string.h>

void libos_switch(uint64_t *save_sp, uint64_t new_sp);
extern char libos_thread_trampoline[];

static struct libos_thread main_thread = {
    .name = "main",
    .exited = LIBOS_WAITQ_INIT("the main thread's exit", 0),
};
struct libos_thread *libos_thread_current = &main_thread; /* the running thread */
static struct libos_thread *run_head, *run_tail;
static struct libos_thread *timed;   /* BLOCKED with a deadline, soonest first */
static struct libos_thread *all = &main_thread;
static struct libos_thread *zombies; /* EXITED, stack not yet freed */
static unsigned device_waiters;      /* BLOCKED on a queue an interrupt can wake */
static unsigned created;
static struct libos_waitq sleepers = LIBOS_WAITQ_INIT("sleep", 0);

void libos_sched_init(void)
{
    main_thread.reent = _impure_ptr;
    libos_irq_init();
}

/* For panic reports (libos/trap.h). */
const char *libos_thread_name(void) { return libos_thread_current->name; }

static void run_queue_append(struct libos_thread *t)
{
    t->state = LIBOS_RUNNABLE;
    t->next = NULL;
    if (run_tail)
        run_tail->next = t;
    else
        run_head = t;
    run_tail = t;
}

static void unlink_from(struct libos_thread **head, struct libos_thread **tail, struct libos_thread *t)
{
    struct libos_thread *prev = NULL;
    for (struct libos_thread *p = *head; p; prev = p, p = p->next) {
        if (p != t)
            continue;
        if (prev)
            prev->next = t->next;
        else
            *head = t->next;
        if (tail && *tail == t)
            *tail = prev;
        return;
    }
}

static void timed_remove(struct libos_thread *t)
{
    struct libos_thread **pp = &timed;
    while (*pp && *pp != t)
        pp = &(*pp)->timed_next;
    if (*pp)
        *pp = t->timed_next;
}

/* Take t off its wait queue (and the timed list) and make it runnable. */
static void unblock(struct libos_thread *t, int timed_out)
{
    struct libos_waitq *q = t->waiting_on;
    unlink_from(&q->head, &q->tail, t);
    if (t->deadline)
        timed_remove(t);
    if (q->device)
        device_waiters--;
    t->waiting_on = NULL;
    t->timed_out = timed_out;
    run_queue_append(t);
}

static void expire_timers(void)
{
    if (!timed)
        return;
    uint64_t now = libos_time_monotonic_ns();
    while (timed && timed->deadline <= now)
        unblock(timed, 1);
}

static void free_thread(struct libos_thread *t)
{
    struct libos_thread **pp = &all;
    while (*pp != t)
        pp = &(*pp)->all_next;
    *pp = t->all_next;
    free(t);
}

static void reap_zombies(void)
{
    while (zombies) {
        struct libos_thread *z = zombies;
        zombies = z->next;
        libos_stack_free(z->stack);
        z->stack = NULL;
        if (z->detached)
            free_thread(z);
    }
}

static const char *state_name(const struct libos_thread *t)
{
    return t->state == LIBOS_EXITED ? "exited" : t->state == LIBOS_RUNNABLE ? "runnable" : "blocked";
}

/* here: the frame of the running thread's schedule(), where its backtrace starts */
_Noreturn static void deadlock(void *here)
{
    int live = 0;
    for (struct libos_thread *t = all; t; t = t->all_next)
        live += t->state != LIBOS_EXITED;
    if (!live) /* every thread ended (the main one through pthread_exit): the program is done */
        exit(0);
    libos_printk("\nlibos: DEADLOCK: every thread is blocked and no timer or device can wake one\n");
    for (struct libos_thread *t = all; t; t = t->all_next) {
        if (t->state != LIBOS_BLOCKED) {
            libos_printk("  thread '%s' %s\n", t->name, state_name(t));
            continue;
        }
        libos_printk("  thread '%s' waits on %s (%p)\n", t->name, t->waiting_on->what,
                     (void *)t->waiting_on);
        /* Where: the running thread from here; the others from the rbp that libos_switch saved
         * (its stack, from sp up: control words, r15, r14, r13, r12, rbx, rbp, return address). */
        const uint64_t *saved = (const uint64_t *)t->sp;
        libos_backtrace(t == libos_thread_current ? here : (void *)saved[6]);
    }
    libos_exit(LIBOS_EXIT_PANIC);
}

/* Run something else until the calling thread is runnable again (if it ever is). */
static void schedule(void)
{
    struct libos_thread *next;
    for (;;) {
        libos_irq_poll(); /* pending interrupts may wake threads */
        expire_timers();
        if ((next = run_head)) {
            run_head = next->next;
            if (!run_head)
                run_tail = NULL;
            break;
        }
        if (!timed && !device_waiters)
            deadlock(__builtin_frame_address(0));
        libos_timer_set(timed ? timed->deadline : 0);
        libos_irq_idle();
    }
    if (next != libos_thread_current) {
        struct libos_thread *prev = libos_thread_current;
        libos_thread_current = next;
        _impure_ptr = next->reent;
        libos_switch(&prev->sp, next->sp);
    }
    reap_zombies();
}

void libos_yield(void)
{
    run_queue_append(libos_thread_current);
    schedule();
}

int libos_wait(struct libos_waitq *q, uint64_t deadline)
{
    struct libos_thread *t = libos_thread_current;
    t->state = LIBOS_BLOCKED;
    t->waiting_on = q;
    t->deadline = deadline;
    t->next = NULL;
    if (q->tail)
        q->tail->next = t;
    else
        q->head = t;
    q->tail = t;
    if (q->device)
        device_waiters++;
    if (deadline) {
        struct libos_thread **pp = &timed;
        while (*pp && (*pp)->deadline <= deadline)
            pp = &(*pp)->timed_next;
        t->timed_next = *pp;
        *pp = t;
    }
    schedule();
    return t->timed_out ? -1 : 0;
}

int libos_wake_one(struct libos_waitq *q)
{
    if (!q->head)
        return 0;
    unblock(q->head, 0);
    return 1;
}

void libos_wake_all(struct libos_waitq *q)
{
    while (q->head)
        unblock(q->head, 0);
}

void libos_sleep_until(uint64_t deadline)
{
    while (libos_time_monotonic_ns() < deadline)
        libos_wait(&sleepers, deadline);
}

static void name_thread(struct libos_thread *t, unsigned n)
{
    char *p = t->name + sizeof "thread-" - 1, digits[12];
    int len = 0;
    memcpy(t->name, "thread-", sizeof "thread-" - 1);
    do
        digits[len++] = (char)('0' + n % 10);
    while ((n /= 10) && len < 8);
    while (len)
        *p++ = digits[--len];
    *p = '\0';
}

/* Called from libos_thread_trampoline on the new thread's own stack. */
_Noreturn void libos_thread_start(struct libos_thread *t)
{
    reap_zombies(); /* a new thread does not return through schedule() */
    t->entry(t->arg);
    libos_thread_exit();
}

struct libos_thread *libos_thread_create(void (*entry)(void *), void *arg, size_t stack_size,
                                         const char *name)
{
    struct {
        struct libos_thread t;
        struct _reent r;
    } *mem = calloc(1, sizeof *mem);
    if (!mem)
        return NULL;
    struct libos_thread *t = &mem->t;
    size_t size = stack_size ? stack_size : libos_stack_thread_default();
    t->stack = libos_stack_alloc(size);
    if (!t->stack) {
        free(mem);
        return NULL;
    }
    t->reent = &mem->r;
    _REENT_INIT_PTR_ZEROED(t->reent); /* calloc zeroed it already */
    t->entry = entry;
    t->arg = arg;
    t->exited = (struct libos_waitq)LIBOS_WAITQ_INIT("a thread's exit", 0);
    created++;
    if (name)
        strncpy(t->name, name, sizeof t->name - 1);
    else
        name_thread(t, created);

    /* The stack as libos_switch leaves a switched-out thread: control words, r15..rbp, and the
     * return address. Once `ret` pops that, rsp is 16-byte aligned, so the trampoline's `call`
     * enters libos_thread_start with rsp + 8 aligned, as the ABI wants (SSE spills need it). */
    uint64_t *sp = (uint64_t *)(((uintptr_t)t->stack + size) & ~(uintptr_t)15);
    *--sp = (uintptr_t)libos_thread_trampoline;
    *--sp = 0;              /* rbp: ends backtraces */
    *--sp = 0;              /* rbx */
    *--sp = (uintptr_t)t;   /* r12: the thread, for the trampoline */
    *--sp = 0;              /* r13 */
    *--sp = 0;              /* r14 */
    *--sp = 0;              /* r15 */
    *--sp = 0x037f00001f80; /* MXCSR 0x1f80, x87 control word 0x037f: the reset defaults */
    t->sp = (uintptr_t)sp;

    t->all_next = all;
    all = t;
    run_queue_append(t);
    return t;
}

_Noreturn void libos_thread_exit(void)
{
    struct libos_thread *t = libos_thread_current;
    t->state = LIBOS_EXITED;
    libos_wake_all(&t->exited);
    if (t->stack) {
        t->next = zombies;
        zombies = t;
    }
    schedule();
    libos_panic("an exited thread was scheduled");
}

void libos_thread_join(struct libos_thread *t)
{
    while (t->state != LIBOS_EXITED)
        libos_wait(&t->exited, 0);
    if (t->stack) { /* exited but not reaped yet: it is on the zombie list */
        unlink_from(&zombies, NULL, t);
        libos_stack_free(t->stack);
    }
    free_thread(t);
}

void libos_thread_detach(struct libos_thread *t)
{
    if (t->state == LIBOS_EXITED && !t->stack)
        free_thread(t);
    else
        t->detached = 1;
}

const char *libos_thread_get_name(const struct libos_thread *t) { return t->name; }

int libos_thread_set_name(struct libos_thread *t, const char *name)
{
    if (strlen(name) >= sizeof t->name)
        return -ERANGE;
    strcpy(t->name, name);
    return 0;
}

int libos_thread_is_main(const struct libos_thread *t) { return !t->stack; }
int libos_thread_has_exited(const struct libos_thread *t) { return t->state == LIBOS_EXITED; }

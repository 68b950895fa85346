/*
 * lwIP's operating-system layer (lwIP's doc/sys_arch.txt) on libos's cooperative threads.
 *
 * Nothing preempts a thread and interrupt handlers never call lwIP, so each function below runs
 * atomically up to its libos_wait: a semaphore, a mutex or a mailbox is a counter and a wait
 * queue, without a lock of its own (libos/sched.h). The core lock (LOCK_TCPIP_CORE) is a real
 * mutex because its holder may block (a socket call waiting for the peer releases it first,
 * as lwIP's api_msg.c does, but a driver may wait for ring room while holding it).
 *
 * Unlocking the core lock also sends what the drivers queued while it was held
 * (libos_net_core_unlock): every transmit of one lwIP call is one kick of the device.
 */
#include "net_impl.h"

#include <libos/time.h>
#include <libos/x86.h>

#include <lwip/sys.h>
#include <lwip/tcpip.h>

#include <stdlib.h>

struct libos_net_mbox {
    struct libos_waitq readers, writers;
    unsigned size, head, count;
    void *msgs[];
};

void sys_init(void) {}

u32_t sys_now(void) { return (u32_t)(libos_time_monotonic_ns() / 1000000); }

/* A deadline for a wait of ms milliseconds (0: none, as lwIP means it). */
static uint64_t deadline_after(u32_t ms)
{
    return ms ? libos_time_monotonic_ns() + (uint64_t)ms * 1000000 : 0;
}

/* Milliseconds since start, as lwIP's waits return them (never SYS_ARCH_TIMEOUT). */
static u32_t waited_since(uint64_t start)
{
    uint64_t ms = (libos_time_monotonic_ns() - start) / 1000000;
    return ms >= SYS_ARCH_TIMEOUT ? SYS_ARCH_TIMEOUT - 1 : (u32_t)ms;
}

uint32_t libos_net_rand(void)
{
    /* xorshift64*, seeded from the TSC: unpredictable enough for ports and ISNs here.
     * XXX: not cryptographic; TCP initial sequence numbers should use getentropy once it has a
     * source without RDRAND. */
    static uint64_t s;
    if (!s)
        s = x86_rdtsc() | 1;
    s ^= s >> 12, s ^= s << 25, s ^= s >> 27;
    return (uint32_t)((s * 0x2545f4914f6cdd1dull) >> 32);
}

/* --- semaphores --- */

err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
    *sem = (sys_sem_t){1, count, LIBOS_WAITQ_INIT("an lwIP semaphore", 0)};
    return ERR_OK;
}

void sys_sem_free(sys_sem_t *sem) { sem->valid = 0; }

void sys_sem_signal(sys_sem_t *sem)
{
    sem->count++;
    libos_wake_one(&sem->waiters);
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
    uint64_t start = libos_time_monotonic_ns(), deadline = deadline_after(timeout);
    while (sem->count == 0)
        if (libos_wait(&sem->waiters, deadline) != 0 && sem->count == 0)
            return SYS_ARCH_TIMEOUT;
    sem->count--;
    return waited_since(start);
}

/* --- mutexes --- */

err_t sys_mutex_new(sys_mutex_t *m)
{
    *m = (sys_mutex_t){1, 0, LIBOS_WAITQ_INIT("the lwIP core lock", 0), NULL};
    return ERR_OK;
}

void sys_mutex_free(sys_mutex_t *m) { m->valid = 0; }

void sys_mutex_lock(sys_mutex_t *m)
{
    while (m->locked)
        libos_wait(&m->waiters, 0);
    m->locked = 1;
    m->owner = libos_thread_self();
}

void sys_mutex_unlock(sys_mutex_t *m)
{
    m->locked = 0;
    m->owner = NULL;
    libos_wake_one(&m->waiters);
}

/* lwip_init runs before the lock exists (tcpip_init makes it after): nothing to check then. */
void libos_net_assert_core_locked(const char *where)
{
    if (lock_tcpip_core.valid && lock_tcpip_core.owner != libos_thread_self())
        libos_panic("net: lwIP's %s called without the core lock (libos_net_lock) in thread '%s'",
                    where, libos_thread_get_name(libos_thread_self()));
}

void libos_net_core_unlock(void)
{
    libos_net_flush();
    sys_mutex_unlock(&lock_tcpip_core);
}

/* --- mailboxes: a ring of size message pointers --- */

err_t sys_mbox_new(sys_mbox_t *mbox, int size)
{
    if (size <= 0)
        size = 16;
    struct libos_net_mbox *b = malloc(sizeof *b + (size_t)size * sizeof b->msgs[0]);
    if (!b)
        return ERR_MEM;
    b->readers = (struct libos_waitq)LIBOS_WAITQ_INIT("an lwIP mailbox", 0);
    b->writers = (struct libos_waitq)LIBOS_WAITQ_INIT("room in an lwIP mailbox", 0);
    b->size = (unsigned)size, b->head = 0, b->count = 0;
    *mbox = b;
    return ERR_OK;
}

void sys_mbox_free(sys_mbox_t *mbox)
{
    free(*mbox);
    *mbox = NULL;
}

static void put(struct libos_net_mbox *b, void *msg)
{
    b->msgs[(b->head + b->count++) % b->size] = msg;
    libos_wake_one(&b->readers);
}

void sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
    while ((*mbox)->count == (*mbox)->size)
        libos_wait(&(*mbox)->writers, 0);
    put(*mbox, msg);
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
    if ((*mbox)->count == (*mbox)->size)
        return ERR_MEM;
    put(*mbox, msg);
    return ERR_OK;
}

err_t sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg) { return sys_mbox_trypost(mbox, msg); }

static void take(struct libos_net_mbox *b, void **msg)
{
    void *m = b->msgs[b->head];
    b->head = (b->head + 1) % b->size;
    b->count--;
    if (msg)
        *msg = m;
    libos_wake_one(&b->writers);
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout)
{
    struct libos_net_mbox *b = *mbox;
    uint64_t start = libos_time_monotonic_ns(), deadline = deadline_after(timeout);
    while (b->count == 0)
        if (libos_wait(&b->readers, deadline) != 0 && b->count == 0)
            return SYS_ARCH_TIMEOUT;
    take(b, msg);
    return waited_since(start);
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
    if ((*mbox)->count == 0)
        return SYS_MBOX_EMPTY;
    take(*mbox, msg);
    return 0;
}

/* --- threads --- */

sys_thread_t sys_thread_new(const char *name, lwip_thread_fn fn, void *arg, int stacksize, int prio)
{
    (void)prio; /* one priority: cooperative threads */
    struct libos_thread *t = libos_thread_create(fn, arg, (size_t)stacksize, name);
    if (!t)
        libos_panic("net: cannot start lwIP's thread '%s' (out of memory)", name);
    libos_thread_detach(t);
    return t;
}

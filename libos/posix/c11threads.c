/* C11's <threads.h> over pthreads (machine/_threads.h makes the types pthreads'). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <threads.h>

static int result(int err) { return err == 0 ? thrd_success : err == ETIMEDOUT ? thrd_timedout : err == EBUSY ? thrd_busy : err == ENOMEM || err == EAGAIN ? thrd_nomem : thrd_error; }

void call_once(once_flag *flag, void (*fn)(void)) { pthread_once(flag, fn); }

int cnd_init(cnd_t *c) { return result(pthread_cond_init(c, NULL)); }
void cnd_destroy(cnd_t *c) { pthread_cond_destroy(c); }
int cnd_signal(cnd_t *c) { return result(pthread_cond_signal(c)); }
int cnd_broadcast(cnd_t *c) { return result(pthread_cond_broadcast(c)); }
int cnd_wait(cnd_t *c, mtx_t *m) { return result(pthread_cond_wait(c, m)); }
int cnd_timedwait(cnd_t *__restrict c, mtx_t *__restrict m, const struct timespec *__restrict t)
{
    return result(pthread_cond_timedwait(c, m, t));
}

int mtx_init(mtx_t *m, int type)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    if (type & mtx_recursive)
        pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    int r = pthread_mutex_init(m, &a);
    pthread_mutexattr_destroy(&a);
    return result(r);
}
void mtx_destroy(mtx_t *m) { pthread_mutex_destroy(m); }
int mtx_lock(mtx_t *m) { return result(pthread_mutex_lock(m)); }
int mtx_trylock(mtx_t *m) { return result(pthread_mutex_trylock(m)); }
int mtx_timedlock(mtx_t *__restrict m, const struct timespec *__restrict t) { return result(pthread_mutex_timedlock(m, t)); }
int mtx_unlock(mtx_t *m) { return result(pthread_mutex_unlock(m)); }

struct start {
    thrd_start_t fn;
    void *arg;
};
static void *trampoline(void *p)
{
    struct start s = *(struct start *)p;
    free(p);
    return (void *)(long)s.fn(s.arg);
}
int thrd_create(thrd_t *t, thrd_start_t fn, void *arg)
{
    struct start *s = malloc(sizeof *s);
    if (!s)
        return thrd_nomem;
    *s = (struct start){fn, arg};
    int r = pthread_create(t, NULL, trampoline, s);
    if (r)
        free(s);
    return result(r);
}
thrd_t thrd_current(void) { return pthread_self(); }
int thrd_detach(thrd_t t) { return result(pthread_detach(t)); }
int thrd_equal(thrd_t a, thrd_t b) { return pthread_equal(a, b); }
_Noreturn void thrd_exit(int res) { pthread_exit((void *)(long)res); }
int thrd_join(thrd_t t, int *res)
{
    void *v;
    int r = pthread_join(t, &v);
    if (r == 0 && res)
        *res = (int)(long)v;
    return result(r);
}
int thrd_sleep(const struct timespec *d, struct timespec *rem) { return nanosleep(d, rem) ? (errno == EINTR ? -1 : -2) : 0; }
void thrd_yield(void) { sched_yield(); }

int tss_create(tss_t *k, tss_dtor_t dtor) { return result(pthread_key_create(k, dtor)); }
void tss_delete(tss_t k) { pthread_key_delete(k); }
void *tss_get(tss_t k) { return pthread_getspecific(k); }
int tss_set(tss_t k, void *v) { return result(pthread_setspecific(k, v)); }

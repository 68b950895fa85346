/*
 * Waiting for signals, timers and the other signal calls. Signals here are only ever raised by the
 * program itself (raise, kill, pthread_kill: signal.c), synchronously, in the raising thread; no
 * timer raises them. So a wait for a signal is a wait for another thread to raise one, which
 * runs its handler there: pause, sigsuspend and sigwait sleep until the program ends
 * (XXX: as on Linux with no one to send the signal); sigtimedwait sleeps its timeout, then EAGAIN.
 * Interval timers and POSIX timers would need a timer signal source: they fail ENOSYS, and alarm
 * (which cannot fail) sets no alarm and returns 0 (XXX).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int fail(int err)
{
    errno = err;
    return -1;
}

static _Noreturn void sleep_forever(void)
{
    for (;;)
        sleep(3600);
}

int pause(void) { sleep_forever(); }
int sigsuspend(const sigset_t *mask)
{
    (void)mask;
    sleep_forever();
}
int __xpg_sigpause(int sig)
{
    if (sig <= 0 || sig >= NSIG)
        return fail(EINVAL);
    sleep_forever();
}
int sigwait(const sigset_t *__restrict set, int *__restrict sig)
{
    (void)set, (void)sig;
    sleep_forever();
}
int sigwaitinfo(const sigset_t *__restrict set, siginfo_t *__restrict info)
{
    (void)set, (void)info;
    sleep_forever();
}
int sigtimedwait(const sigset_t *__restrict set, siginfo_t *__restrict info, const struct timespec *__restrict t)
{
    (void)set, (void)info;
    if (!t || t->tv_nsec < 0 || t->tv_nsec >= 1000000000)
        return fail(EINVAL);
    nanosleep(t, NULL);
    return fail(EAGAIN);
}

int sigqueue(pid_t pid, int sig, const union sigval value)
{
    (void)value;
    return kill(pid, sig);
}
int killpg(pid_t pgrp, int sig) { return kill(pgrp == 0 ? getpid() : pgrp, sig); }
int pthread_kill(pthread_t thread, int sig)
{
    (void)thread;
    if (sig == 0)
        return 0;
    return raise(sig) ? errno : 0; /* run in the caller: the handler sees the same memory */
}
int pthread_sigmask(int how, const sigset_t *__restrict set, sigset_t *__restrict old)
{
    return sigprocmask(how, set, old) ? errno : 0;
}

/* Handlers run on the raising thread's stack: an alternate stack is accepted and not used. */
int sigaltstack(const stack_t *__restrict ss, stack_t *__restrict old)
{
    if (old)
        *old = (stack_t){.ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE};
    if (ss && (ss->ss_flags & ~SS_DISABLE))
        return fail(EINVAL);
    if (ss && !(ss->ss_flags & SS_DISABLE) && ss->ss_size < MINSIGSTKSZ)
        return fail(ENOMEM);
    return 0;
}

int pselect(int n, fd_set *__restrict r, fd_set *__restrict w, fd_set *__restrict e,
            const struct timespec *__restrict t, const sigset_t *__restrict mask)
{
    (void)mask; /* no signal can arrive during the wait */
    struct timeval tv, *tvp = NULL;
    if (t) {
        if (t->tv_nsec < 0 || t->tv_nsec >= 1000000000)
            return fail(EINVAL);
        tv = (struct timeval){t->tv_sec, (suseconds_t)((t->tv_nsec + 999) / 1000)};
        tvp = &tv;
    }
    return select(n, r, w, e, tvp);
}

unsigned alarm(unsigned seconds)
{
    (void)seconds;
    return 0;
}
useconds_t ualarm(useconds_t value, useconds_t interval)
{
    (void)value, (void)interval;
    return 0;
}
int getitimer(int which, struct itimerval *v)
{
    if (which != ITIMER_REAL && which != ITIMER_VIRTUAL && which != ITIMER_PROF)
        return fail(EINVAL);
    *v = (struct itimerval){{0, 0}, {0, 0}}; /* none is ever armed */
    return 0;
}
int setitimer(int which, const struct itimerval *__restrict v, struct itimerval *__restrict old)
{
    if (getitimer(which, old ? old : &(struct itimerval){{0, 0}, {0, 0}}))
        return -1;
    if (v->it_value.tv_sec == 0 && v->it_value.tv_usec == 0)
        return 0; /* disarming */
    return fail(ENOSYS);
}

int timer_create(clockid_t clock, struct sigevent *__restrict ev, timer_t *__restrict id)
{
    (void)clock, (void)ev, (void)id;
    return fail(ENOSYS);
}
int timer_delete(timer_t id)
{
    (void)id;
    return fail(EINVAL); /* no timer exists */
}
int timer_settime(timer_t id, int flags, const struct itimerspec *__restrict v, struct itimerspec *__restrict old)
{
    (void)id, (void)flags, (void)v, (void)old;
    return fail(EINVAL);
}
int timer_gettime(timer_t id, struct itimerspec *v)
{
    (void)id, (void)v;
    return fail(EINVAL);
}
int timer_getoverrun(timer_t id)
{
    (void)id;
    return fail(EINVAL);
}

/*
 * sigaction and signal sets. newlib's signal() and raise() keep the handler table and run the
 * handlers (signals are only ever raised by the program itself, with raise or kill); sigaction
 * is built on them, so that signal() and sigaction() see each other's handlers.
 *
 * newlib's raise() resets a handler to SIG_DFL before calling it, as System V's signal() did. A
 * handler installed by sigaction must stay (unless SA_RESETHAND), and may want a siginfo_t, so
 * sigaction installs deliver() into newlib's table and keeps the program's action beside it.
 */
#include <errno.h>
#include <signal.h>

static struct sigaction actions[NSIG]; /* valid while newlib's table holds deliver() */

static int fail(int err)
{
    errno = err;
    return -1;
}

static void deliver(int sig)
{
    struct sigaction act = actions[sig];
    if (!(act.sa_flags & SA_RESETHAND))
        signal(sig, deliver); /* raise() has just reset it */
    if (act.sa_flags & SA_SIGINFO) {
        siginfo_t info = {.si_signo = sig, .si_code = SI_USER};
        act.sa_sigaction(sig, &info, NULL);
    } else {
        act.sa_handler(sig);
    }
}

int sigaction(int sig, const struct sigaction *__restrict act, struct sigaction *__restrict old)
{
    if (sig <= 0 || sig >= NSIG || (act && (sig == SIGKILL || sig == SIGSTOP)))
        return fail(EINVAL);
    /* newlib has no way to read its table but to write it: swap and put back if needed. */
    void (*now)(int) = signal(sig, SIG_DFL);
    if (now == SIG_ERR)
        return -1;
    if (old) {
        if (now == deliver)
            *old = actions[sig];
        else if (now == SIG_DFL || now == SIG_IGN)
            *old = (struct sigaction){.sa_handler = now};
        else /* installed by signal(): System V semantics */
            *old = (struct sigaction){.sa_handler = now, .sa_flags = SA_RESETHAND | SA_NODEFER};
    }
    if (!act) {
        signal(sig, now);
        return 0;
    }
    if (act->sa_handler == SIG_DFL || act->sa_handler == SIG_IGN) {
        signal(sig, act->sa_handler);
        return 0;
    }
    actions[sig] = *act;
    signal(sig, deliver);
    return 0;
}

static int bad_signal(int sig) { return sig <= 0 || sig >= NSIG; }

int sigemptyset(sigset_t *set)
{
    *set = 0;
    return 0;
}

int sigfillset(sigset_t *set)
{
    *set = ((sigset_t)1 << NSIG) - 2; /* signals 1 to NSIG - 1 */
    return 0;
}

int sigaddset(sigset_t *set, int sig)
{
    if (bad_signal(sig))
        return fail(EINVAL);
    *set |= (sigset_t)1 << sig;
    return 0;
}

int sigdelset(sigset_t *set, int sig)
{
    if (bad_signal(sig))
        return fail(EINVAL);
    *set &= ~((sigset_t)1 << sig);
    return 0;
}

int sigismember(const sigset_t *set, int sig)
{
    if (bad_signal(sig))
        return fail(EINVAL);
    return (*set >> sig) & 1;
}

/* raise() runs a handler at once: a signal is never pending. */
int sigpending(sigset_t *set) { return sigemptyset(set); }

/*
 * Process-level calls in a machine that runs one program: exit, abort, assert, signals to
 * ourselves, and the calls that cannot mean anything here (fork, exec, wait), which exist so that
 * programs link, and fail with the errno POSIX gives for "not supported".
 */
#include <libos/boot.h>

#include <errno.h>
#include <signal.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <unistd.h>

#define OUR_PID 1

_Noreturn void _exit(int status) { libos_exit(status); }

pid_t getpid(void) { return OUR_PID; }
pid_t getppid(void) { return 0; }

/* A report with a backtrace beats a bare exit status: abort() is a panic. */
_Noreturn void abort(void) { libos_panic("abort() called"); }

_Noreturn void __assert_func(const char *file, int line, const char *func, const char *expr)
{
    libos_panic("assertion failed: %s (%s:%d, in %s)", expr, file, line, func ? func : "?");
}

/* Signals whose default action does nothing: those POSIX ignores by default, and the stop
 * signals, since nothing could continue a stopped program (there is no job control). */
#define IGNORED_BY_DEFAULT                                                                         \
    ((1ul << SIGCHLD) | (1ul << SIGURG) | (1ul << SIGWINCH) | (1ul << SIGCONT) |                  \
     (1ul << SIGSTOP) | (1ul << SIGTSTP) | (1ul << SIGTTIN) | (1ul << SIGTTOU))

/* newlib's: runs the handler that signal() or sigaction() installed and returns 0, or returns 1
 * for SIG_DFL and 3 for SIG_IGN. Weak: an image that installs no handler links no handler table. */
extern int __sigtramp(int sig) __attribute__((weak));

/* A signal to ourselves. newlib's raise() ends here for signals whose action is the default. */
int kill(pid_t pid, int sig)
{
    if (pid != OUR_PID && pid != 0 && pid != -1) {
        errno = ESRCH;
        return -1;
    }
    if (sig < 0 || sig >= NSIG) {
        errno = EINVAL;
        return -1;
    }
    if (sig == 0 || (sig != SIGKILL && sig != SIGSTOP && __sigtramp && __sigtramp(sig) != 1))
        return 0;
    if ((IGNORED_BY_DEFAULT >> sig) & 1)
        return 0;
    libos_printk("libos: terminated by signal %d\n", sig);
    libos_exit(128 + sig);
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
    (void)how, (void)set;
    if (old)
        *old = 0;
    return 0;
}

static int unsupported(void)
{
    errno = ENOSYS;
    return -1;
}

pid_t fork(void) { return unsupported(); }
pid_t vfork(void) { return unsupported(); }
int execve(const char *path, char *const argv[], char *const envp[])
{
    (void)path, (void)argv, (void)envp;
    return unsupported();
}
pid_t wait(int *status)
{
    (void)status;
    errno = ECHILD;
    return -1;
}
pid_t waitpid(pid_t pid, int *status, int options)
{
    (void)pid, (void)options;
    return wait(status);
}

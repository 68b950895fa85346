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

/* POSIX keeps the low 8 bits of the status (exit(-1) is 255), which also keeps every status a
 * program can pass apart from LIBOS_EXIT_PANIC. */
_Noreturn void _exit(int status) { libos_exit(status & 0xff); }

pid_t getpid(void) { return OUR_PID; }
pid_t getppid(void) { return 0; }

/* A report with a backtrace beats a bare exit status: abort() is a panic. */
_Noreturn void abort(void) { libos_panic("abort() called"); }

_Noreturn void __assert_func(const char *file, int line, const char *func, const char *expr)
{
    libos_panic("assertion failed: %s (%s:%d, in %s)", expr, file, line, func ? func : "?");
}
/* newlib's assert.o, which libos's build of libc.a drops (toolchain/build-newlib), had both. */
_Noreturn void __assert(const char *file, int line, const char *expr) { __assert_func(file, line, NULL, expr); }

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

/*
 * newlib's locks in an image with one thread: nothing can contend, so they do nothing. They are
 * weak, and sit here because every image has this file (for _exit) before the linker meets
 * newlib's own lock.o, which would clash. An image that creates threads pulls newlib_locks.c in
 * (pthread.c refers to it), whose real locks replace these.
 */
struct __lock {
    char unused;
};
#define WEAK __attribute__((weak))
WEAK struct __lock __lock___sinit_recursive_mutex, __lock___sfp_recursive_mutex,
    __lock___atexit_recursive_mutex, __lock___at_quick_exit_mutex, __lock___malloc_recursive_mutex,
    __lock___env_recursive_mutex, __lock___tz_mutex, __lock___dd_hash_mutex,
    __lock___arc4random_mutex;
typedef struct __lock *lock_t;
WEAK void __retarget_lock_init(lock_t *l) { *l = NULL; }
WEAK void __retarget_lock_init_recursive(lock_t *l) { *l = NULL; }
WEAK void __retarget_lock_close(lock_t l) { (void)l; }
WEAK void __retarget_lock_close_recursive(lock_t l) { (void)l; }
WEAK void __retarget_lock_acquire(lock_t l) { (void)l; }
WEAK void __retarget_lock_acquire_recursive(lock_t l) { (void)l; }
WEAK int __retarget_lock_try_acquire(lock_t l) { return (void)l, 0; }
WEAK int __retarget_lock_try_acquire_recursive(lock_t l) { return (void)l, 0; }
WEAK void __retarget_lock_release(lock_t l) { (void)l; }
WEAK void __retarget_lock_release_recursive(lock_t l) { (void)l; }

/*
 * libos's <sys/signal.h>, layered over newlib's. For this target newlib declares a struct
 * sigaction with no sa_sigaction and no flags but SA_NOCLDSTOP, and defines sigaddset & co as
 * macros that shift an int (and make -Wall warn about unused values). Programs written for Linux
 * need the POSIX shape: this header renames newlib's struct and declaration out of the way while
 * including it, then declares the POSIX struct sigaction (the member order of glibc's) and the
 * sigset functions, which libos defines.
 */
#ifndef LIBOS_SYS_SIGNAL_H
#define LIBOS_SYS_SIGNAL_H

#define sigaction __newlib_sigaction
#include_next <sys/signal.h>
#undef sigaction

#undef sigaddset
#undef sigdelset
#undef sigemptyset
#undef sigfillset
#undef sigismember

#ifdef __cplusplus
extern "C" {
#endif

#if __POSIX_VISIBLE
#define SA_SIGINFO 0x2   /* call sa_sigaction(sig, info, context) instead of sa_handler(sig) */
#define SA_ONSTACK 0x4   /* accepted; libos has no sigaltstack */
#define SA_RESTART 0x8   /* accepted; no call is ever interrupted by a signal */
#define SA_NODEFER 0x10  /* accepted; see sigaction in docs/posix.md */
#define SA_RESETHAND 0x20 /* the action is reset to SIG_DFL when the handler is called */
#define SA_NOCLDWAIT 0x40 /* accepted; there are no child processes */

struct sigaction {
    __extension__ union {
        void (*sa_handler)(int);
#if __POSIX_VISIBLE >= 199309
        void (*sa_sigaction)(int, siginfo_t *, void *);
#endif
    };
    sigset_t sa_mask;
    int sa_flags;
};

int sigaction(int, const struct sigaction *__restrict, struct sigaction *__restrict);
#endif

#ifdef __cplusplus
}
#endif

#endif

/*
 * Running another program: the exec family, system and popen. One image is one program, so there
 * is nothing to run: every exec call ends in execve, which fails ENOSYS, and so do system and
 * popen.
 */
#include <libos/config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* The variadic exec calls build an argv of at most this many words, as execve would need. */
#define EXEC_ARGS_MAX LIBOS_ARGS_MAX

/* Collects arg0 and the words after it up to the terminating NULL; NULL when there are too many. */
static char **collect(char **argv, const char *arg0, va_list *ap)
{
    int n = 0;
    for (const char *a = arg0; a; a = va_arg(*ap, const char *)) {
        if (n == EXEC_ARGS_MAX - 1)
            return errno = E2BIG, NULL;
        argv[n++] = (char *)a;
    }
    argv[n] = NULL;
    return argv;
}

int execv(const char *path, char *const argv[]) { return execve(path, argv, environ); }

/* XXX: no PATH search: with no file system, no directory could hold the file. */
int execvpe(const char *file, char *const argv[], char *const envp[])
{
    return execve(file, argv, envp);
}

int execvp(const char *file, char *const argv[]) { return execvpe(file, argv, environ); }

int execl(const char *path, const char *arg0, ...)
{
    char *argv[EXEC_ARGS_MAX];
    va_list ap;
    va_start(ap, arg0);
    char **args = collect(argv, arg0, &ap);
    va_end(ap);
    return args ? execve(path, args, environ) : -1;
}

int execlp(const char *file, const char *arg0, ...)
{
    char *argv[EXEC_ARGS_MAX];
    va_list ap;
    va_start(ap, arg0);
    char **args = collect(argv, arg0, &ap);
    va_end(ap);
    return args ? execvpe(file, args, environ) : -1;
}

/* execle(path, arg0, ..., NULL, envp) */
int execle(const char *path, const char *arg0, ...)
{
    char *argv[EXEC_ARGS_MAX];
    va_list ap;
    va_start(ap, arg0);
    char **args = collect(argv, arg0, &ap);
    char *const *envp = args ? va_arg(ap, char *const *) : NULL;
    va_end(ap);
    return args ? execve(path, args, envp) : -1;
}

/* Replaces newlib's, which was built for a Unix host and so answers system(NULL) with "a shell is
 * available". Nothing in newlib calls it, so its system.o never comes into an image beside ours. */
int system(const char *command)
{
    if (!command)
        return 0; /* no command processor */
    errno = ENOSYS;
    return -1;
}

/* newlib's system.o, which libos's build of libc.a drops (toolchain/build-newlib), had both. */
int _system_r(struct _reent *r, const char *command)
{
    (void)r;
    return system(command);
}

FILE *popen(const char *command, const char *mode)
{
    (void)command, (void)mode;
    errno = ENOSYS;
    return NULL;
}

/* No stream ever came from popen: there is no child whose status could be returned. */
int pclose(FILE *stream)
{
    (void)stream;
    errno = ECHILD;
    return -1;
}

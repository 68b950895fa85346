/*
 * Process groups, sessions and spawning, for the one program there is: it is process 1 (getpid),
 * alone in its process group and session, which it leads. posix_spawn cannot start another
 * program (there is no exec): it fails ENOSYS; its attribute and file-action objects work.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int fail(int err)
{
    errno = err;
    return -1;
}

static int is_us(pid_t pid) { return pid == 0 || pid == getpid(); }

pid_t getpgrp(void) { return getpid(); }
pid_t getpgid(pid_t pid) { return is_us(pid) ? getpid() : fail(ESRCH); }
pid_t getsid(pid_t pid) { return is_us(pid) ? getpid() : fail(ESRCH); }
int setpgid(pid_t pid, pid_t pgid)
{
    if (!is_us(pid))
        return fail(ESRCH);
    return is_us(pgid) ? 0 : fail(EPERM);
}
int setpgrp(void) { return 0; }
pid_t setsid(void) { return fail(EPERM); } /* already a process group leader */

/* One user, root: any id but 0 is another user. */
static int ids(int a, int b) { return ((a == -1 || a == 0) && (b == -1 || b == 0)) ? 0 : fail(EPERM); }
int setreuid(uid_t r, uid_t e) { return ids((int)r, (int)e); }
int setregid(gid_t r, gid_t e) { return ids((int)r, (int)e); }

pid_t _wait(int *status) { return wait(status); }
int execlpe(const char *file, const char *arg0, ...)
{
    (void)file, (void)arg0;
    return fail(ENOSYS);
}
int daemon(int nochdir, int noclose)
{
    (void)nochdir, (void)noclose;
    return fail(ENOSYS); /* it would fork */
}

struct __posix_spawnattr {
    short flags;
    pid_t pgroup;
    struct sched_param param;
    int policy;
    sigset_t mask, defaults;
};
struct __posix_spawn_file_actions {
    int count;
};

int posix_spawn(pid_t *__restrict pid, const char *__restrict path, const posix_spawn_file_actions_t *fa,
                const posix_spawnattr_t *__restrict attr, char *const argv[], char *const envp[])
{
    (void)pid, (void)path, (void)fa, (void)attr, (void)argv, (void)envp;
    return ENOSYS;
}
int posix_spawnp(pid_t *__restrict pid, const char *__restrict file, const posix_spawn_file_actions_t *fa,
                 const posix_spawnattr_t *__restrict attr, char *const argv[], char *const envp[])
{
    return posix_spawn(pid, file, fa, attr, argv, envp);
}

int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa)
{
    *fa = calloc(1, sizeof **fa);
    return *fa ? 0 : ENOMEM;
}
int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa)
{
    free(*fa);
    *fa = NULL;
    return 0;
}
static int add_action(posix_spawn_file_actions_t *fa, int fd)
{
    if (fd < 0)
        return EBADF;
    (*fa)->count++;
    return 0;
}
int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd) { return add_action(fa, fd); }
int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int fd2)
{
    return fd2 < 0 ? EBADF : add_action(fa, fd);
}
int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *__restrict fa, int fd,
                                     const char *__restrict path, int flags, mode_t mode)
{
    (void)path, (void)flags, (void)mode;
    return add_action(fa, fd);
}

int posix_spawnattr_init(posix_spawnattr_t *a)
{
    *a = calloc(1, sizeof **a);
    return *a ? 0 : ENOMEM;
}
int posix_spawnattr_destroy(posix_spawnattr_t *a)
{
    free(*a);
    *a = NULL;
    return 0;
}
int posix_spawnattr_getflags(const posix_spawnattr_t *__restrict a, short *__restrict v)
{
    *v = (*a)->flags;
    return 0;
}
int posix_spawnattr_setflags(posix_spawnattr_t *a, short v)
{
    (*a)->flags = v;
    return 0;
}
int posix_spawnattr_getpgroup(const posix_spawnattr_t *__restrict a, pid_t *__restrict v)
{
    *v = (*a)->pgroup;
    return 0;
}
int posix_spawnattr_setpgroup(posix_spawnattr_t *a, pid_t v)
{
    (*a)->pgroup = v;
    return 0;
}
int posix_spawnattr_getschedparam(const posix_spawnattr_t *__restrict a, struct sched_param *__restrict v)
{
    *v = (*a)->param;
    return 0;
}
int posix_spawnattr_setschedparam(posix_spawnattr_t *__restrict a, const struct sched_param *__restrict v)
{
    (*a)->param = *v;
    return 0;
}
int posix_spawnattr_getschedpolicy(const posix_spawnattr_t *__restrict a, int *__restrict v)
{
    *v = (*a)->policy;
    return 0;
}
int posix_spawnattr_setschedpolicy(posix_spawnattr_t *a, int v)
{
    (*a)->policy = v;
    return 0;
}
int posix_spawnattr_getsigdefault(const posix_spawnattr_t *__restrict a, sigset_t *__restrict v)
{
    *v = (*a)->defaults;
    return 0;
}
int posix_spawnattr_setsigdefault(posix_spawnattr_t *__restrict a, const sigset_t *__restrict v)
{
    (*a)->defaults = *v;
    return 0;
}
int posix_spawnattr_getsigmask(const posix_spawnattr_t *__restrict a, sigset_t *__restrict v)
{
    *v = (*a)->mask;
    return 0;
}
int posix_spawnattr_setsigmask(posix_spawnattr_t *__restrict a, const sigset_t *__restrict v)
{
    (*a)->mask = *v;
    return 0;
}

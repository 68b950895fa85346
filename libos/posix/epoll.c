/*
 * epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait, epoll_pwait2: thin calls into libos::vfs's
 * epoll (libos/vfs/epoll.c). A file of its own: only programs that use epoll link it.
 */
#include "posix_impl.h"

#include <libos/vfs.h>

#include <sys/epoll.h>
#include <time.h>

#define RET(expr) libos_posix_ret(expr)

int epoll_create(int size)
{
    if (size <= 0)
        return errno = EINVAL, -1;
    return (int)RET(libos_vfs_epoll_create(0));
}

int epoll_create1(int flags) { return (int)RET(libos_vfs_epoll_create(flags)); }

int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)
{
    return (int)RET(libos_vfs_epoll_ctl(epfd, op, fd, event));
}

/* sigmask changes nothing: no signal arrives asynchronously here (sigprocmask is a no-op). */
int epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout_ms,
                const sigset_t *sigmask)
{
    (void)sigmask;
    long long t = timeout_ms < 0 ? -1 : (long long)timeout_ms * 1000000;
    return (int)RET(libos_vfs_epoll_wait(epfd, events, maxevents, t));
}

int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout_ms)
{
    return epoll_pwait(epfd, events, maxevents, timeout_ms, NULL);
}

/* A timespec instead of milliseconds: NULL waits forever; a bad one fails EINVAL. */
int epoll_pwait2(int epfd, struct epoll_event *events, int maxevents, const struct timespec *timeout,
                 const sigset_t *sigmask)
{
    (void)sigmask;
    if (timeout && (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec >= 1000000000))
        return errno = EINVAL, -1;
    long long t = timeout ? (long long)timeout->tv_sec * 1000000000 + timeout->tv_nsec : -1;
    return (int)RET(libos_vfs_epoll_wait(epfd, events, maxevents, t));
}

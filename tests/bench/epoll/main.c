/*
 * bench_epoll: what one readiness check costs with N fds watched and 1 ready, through
 * epoll_wait (level-triggered, timeout 0: the ready pipe stays ready, so every call reports it)
 * and through poll over the same N fds. One source, built as a libos image and natively for
 * Linux (tests/bench/epoll.py). Prints "epoll_<N> <ns per call> <calls>" and "poll_<N> ...".
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "../bench.h"

int main(void)
{
    static const int sizes[] = {10, 100, 1000};
    for (unsigned s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int n = sizes[s], ep = epoll_create1(0);
        int (*fds)[2] = malloc(n * sizeof *fds);
        struct pollfd *pfds = malloc(n * sizeof *pfds);
        for (int i = 0; i < n; i++) {
            struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};
            if (pipe(fds[i]) || epoll_ctl(ep, EPOLL_CTL_ADD, fds[i][0], &ev)) {
                perror("pipe/epoll_ctl");
                return 1;
            }
            pfds[i] = (struct pollfd){fds[i][0], POLLIN, 0};
        }
        if (write(fds[n / 2][1], "x", 1) != 1)
            return 1;
        struct epoll_event evs[16];
        long calls = 20000;
        double t0 = now_ns();
        for (long i = 0; i < calls; i++)
            if (epoll_wait(ep, evs, 16, 0) != 1)
                return 1;
        char name[32];
        snprintf(name, sizeof name, "epoll_%d", n);
        report(name, now_ns() - t0, calls);
        calls = 200000 / n;
        t0 = now_ns();
        for (long i = 0; i < calls; i++)
            if (poll(pfds, n, 0) != 1)
                return 1;
        snprintf(name, sizeof name, "poll_%d", n);
        report(name, now_ns() - t0, calls);
        for (int i = 0; i < n; i++) {
            close(fds[i][0]);
            close(fds[i][1]);
        }
        close(ep);
        free(fds);
        free(pfds);
    }
    return 0;
}

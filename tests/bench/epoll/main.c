/*
 * bench_epoll: what one readiness check costs with N fds watched and 1 ready, through
 * epoll_wait (level-triggered, timeout 0: the ready pipe stays ready, so every call reports it)
 * and through poll over the same N fds; and what waking one of N threads asleep in poll() costs
 * (a round trip: main writes one thread's pipe, that thread answers on another). One source,
 * built as a libos image and natively for Linux (tests/bench/epoll.py). Prints
 * "epoll_<N> <ns per call> <calls>", "poll_<N> ..." and "wake_<N> <ns per round trip> ...".
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "../bench.h"

struct sleeper {
    int in[2];
    int *reply;
};

static void *sleeper(void *arg)
{
    struct sleeper *s = arg;
    struct pollfd p = {s->in[0], POLLIN, 0};
    char c;
    for (;;) {
        if (poll(&p, 1, -1) != 1 || read(s->in[0], &c, 1) != 1)
            return NULL;
        if (c == 'q')
            return NULL;
        if (write(s->reply[1], &c, 1) != 1)
            return NULL;
    }
}

/* n threads asleep in poll(), each on its own pipe; round trips to the middle one. */
static int wake(int n)
{
    static int reply[2];
    struct sleeper *s = calloc(n, sizeof *s);
    pthread_t *t = calloc(n, sizeof *t);
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 32768);
    if (pipe(reply))
        return 1;
    for (int i = 0; i < n; i++) {
        s[i].reply = reply;
        if (pipe(s[i].in) || pthread_create(&t[i], &a, sleeper, &s[i])) {
            perror("pipe/pthread_create");
            return 1;
        }
    }
    long rounds = 5000;
    char c = 'x';
    double t0 = now_ns();
    for (long r = 0; r < rounds; r++)
        if (write(s[n / 2].in[1], &c, 1) != 1 || read(reply[0], &c, 1) != 1)
            return 1;
    char name[32];
    snprintf(name, sizeof name, "wake_%d", n);
    report(name, now_ns() - t0, rounds);
    for (int i = 0; i < n; i++) {
        if (write(s[i].in[1], "q", 1) != 1)
            return 1;
        pthread_join(t[i], NULL);
        close(s[i].in[0]);
        close(s[i].in[1]);
    }
    close(reply[0]);
    close(reply[1]);
    free(s);
    free(t);
    return 0;
}

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
        if (wake(n))
            return 1;
    }
    return 0;
}

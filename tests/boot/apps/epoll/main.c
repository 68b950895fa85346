/*
 * test_epoll: epoll over pipes, the console, files and other epoll instances, one subcommand per
 * area (argv[1]). Each prints "ok: ..." or "FAIL: ..." per check and exits 0 only when every
 * check held. No check depends on timing: a timeout is checked to have waited at least its time.
 * The same source is built for the host and run on Linux too (epoll.linux.*): the expectations
 * are Linux's, not only libos's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "../check.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int add(int ep, int fd, unsigned events, uint64_t data)
{
    struct epoll_event ev = {.events = events, .data.u64 = data};
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static int mod(int ep, int fd, unsigned events, uint64_t data)
{
    struct epoll_event ev = {.events = events, .data.u64 = data};
    return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
}

/* epoll_wait with timeout 0: the count, and the first event in *ev. */
static int poll_now(int ep, struct epoll_event *ev)
{
    struct epoll_event evs[8];
    int n = epoll_wait(ep, evs, 8, 0);
    if (ev)
        *ev = n > 0 ? evs[0] : (struct epoll_event){0};
    return n;
}

static void drain(int fd)
{
    char buf[4096];
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    while (read(fd, buf, sizeof buf) > 0)
        ;
    fcntl(fd, F_SETFL, flags);
}

/* --- the calls and their errors ------------------------------------------------------------- */
static int api(void)
{
    CHECK(sizeof(struct epoll_event) == 12, "packed as on x86_64 Linux");
    int ep = epoll_create1(0), p[2];
    CHECK(ep >= 0, "epoll_create1");
    CHECK(fcntl(ep, F_GETFD) == 0, "no close-on-exec");
    int ep2 = epoll_create1(EPOLL_CLOEXEC);
    CHECK(ep2 >= 0 && fcntl(ep2, F_GETFD) == FD_CLOEXEC, "EPOLL_CLOEXEC");
    FAILS(epoll_create1(12345), EINVAL);
    FAILS(epoll_create(0), EINVAL);
    int ep3 = epoll_create(1);
    CHECK(ep3 >= 0, "epoll_create(1)");
    CHECK(pipe(p) == 0, "pipe");
    struct epoll_event ev = {.events = EPOLLIN}, out[4];
    FAILS(epoll_ctl(99, EPOLL_CTL_ADD, p[0], &ev), EBADF);
    FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, 99, &ev), EBADF);
    FAILS(epoll_ctl(p[0], EPOLL_CTL_ADD, p[1], &ev), EINVAL); /* not an epoll fd */
    FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);     /* itself */
    FAILS(epoll_ctl(ep, 42, p[0], &ev), EINVAL);
    FAILS(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), ENOENT);
    FAILS(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT);
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0, "add");
    FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev) == 0, "mod");
    CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == 0, "del (event may be NULL)");
    FAILS(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT);
    ev.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT;
    FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EINVAL);
    /* Regular files and directories have no readiness: EPERM, as Linux. */
    int f = open("/tmp/test_epoll.file", O_RDWR | O_CREAT, 0644), dir = open("/", O_RDONLY);
    unlink("/tmp/test_epoll.file");
    ev.events = EPOLLIN;
    CHECK(f >= 0 && dir >= 0, "open a file and a directory");
    FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, f, &ev), EPERM);
    FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, dir, &ev), EPERM);
    int null = open("/dev/null", O_RDWR);
    FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, null, &ev), EPERM);
    /* ... while poll and select call them always ready. */
    struct pollfd pf = {f, POLLIN | POLLOUT, 0};
    CHECK(poll(&pf, 1, -1) == 1 && pf.revents == (POLLIN | POLLOUT), "poll: a file is ready");
    /* epoll_wait's errors. */
    FAILS(epoll_wait(ep, out, 0, 0), EINVAL);
    FAILS(epoll_wait(ep, out, -1, 0), EINVAL);
    FAILS(epoll_wait(p[0], out, 4, 0), EINVAL);
    FAILS(epoll_wait(99, out, 4, 0), EBADF);
    CHECK(epoll_wait(ep, out, 4, 0) == 0, "nothing watched: 0 at once");
    FAILS(read(ep, out, 1), EINVAL);
    /* Loops and nesting: ep in ep2 in ep3; ep3 into ep is a loop. */
    ev.events = EPOLLIN;
    CHECK(epoll_ctl(ep2, EPOLL_CTL_ADD, ep, &ev) == 0, "ep in ep2");
    CHECK(epoll_ctl(ep3, EPOLL_CTL_ADD, ep2, &ev) == 0, "ep2 in ep3");
    FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, ep3, &ev), ELOOP);
    FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &ev), ELOOP);
    /* A chain of more than 5 instances: ELOOP. */
    int chain[6];
    for (int i = 0; i < 6; i++)
        chain[i] = epoll_create1(0);
    int r = 0;
    for (int i = 1; i < 5; i++)
        r |= epoll_ctl(chain[i], EPOLL_CTL_ADD, chain[i - 1], &ev);
    CHECK(r == 0, "a chain of 5");
    FAILS(epoll_ctl(chain[5], EPOLL_CTL_ADD, chain[4], &ev), ELOOP);
    for (int i = 0; i < 6; i++)
        close(chain[i]);
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    FAILS(epoll_ctl(ep3, EPOLL_CTL_ADD, ep, &ev), EINVAL); /* exclusive on an epoll fd */
    CHECK(epoll_ctl(ep3, EPOLL_CTL_ADD, p[0], &ev) == 0, "EPOLLEXCLUSIVE accepted on add");
    FAILS(epoll_ctl(ep3, EPOLL_CTL_MOD, p[0], &ev), EINVAL);
    close(ep);
    close(ep2);
    close(ep3);
    close(p[0]);
    close(p[1]);
    close(f);
    close(dir);
    close(null);
    printf("epoll api: %s\n", failures ? "FAILED" : "all checks passed");
    return failures != 0;
}

/* --- level- and edge-triggered, one-shot, HUP, ERR, EPOLLOUT on a pipe ---------------------- */
static int pipes(void)
{
    int ep = epoll_create1(0), lt = epoll_create1(0), p[2];
    struct epoll_event ev;
    CHECK(pipe2(p, O_NONBLOCK) == 0, "pipe");
    CHECK(add(ep, p[0], EPOLLIN | EPOLLET, 7) == 0, "add ET");
    CHECK(add(lt, p[0], EPOLLIN, 8) == 0, "add LT (same pipe, another instance)");
    CHECK(poll_now(ep, &ev) == 0 && poll_now(lt, &ev) == 0, "empty: nothing");
    CHECK(write(p[1], "ab", 2) == 2, "write");
    CHECK(poll_now(ep, &ev) == 1 && ev.events == EPOLLIN && ev.data.u64 == 7, "ET: reported %#x",
          ev.events);
    CHECK(poll_now(ep, &ev) == 0, "ET: once per write, not again");
    CHECK(poll_now(lt, &ev) == 1 && ev.data.u64 == 8, "LT: reported");
    CHECK(poll_now(lt, &ev) == 1, "LT: again, not drained");
    char c;
    CHECK(read(p[0], &c, 1) == 1, "read 1 of 2");
    CHECK(poll_now(lt, &ev) == 1, "LT: still, 1 byte left");
    CHECK(poll_now(ep, &ev) == 0, "ET: a read is no new event");
    CHECK(write(p[1], "c", 1) == 1, "write again");
    CHECK(poll_now(ep, &ev) == 1, "ET: the new write is reported, though old data remained");
    drain(p[0]);
    CHECK(poll_now(lt, &ev) == 0, "LT: drained, nothing");
    CHECK(write(p[1], "d", 1) == 1 && write(p[1], "e", 1) == 1, "two writes");
    drain(p[0]);
    CHECK(poll_now(ep, &ev) == 0, "ET: drained before epoll_wait: not reported");

    /* One-shot: one report, then nothing until MOD re-arms it. */
    CHECK(mod(ep, p[0], EPOLLIN | EPOLLONESHOT, 9) == 0, "mod to one-shot");
    CHECK(write(p[1], "x", 1) == 1, "write");
    CHECK(poll_now(ep, &ev) == 1 && ev.data.u64 == 9, "one-shot reported");
    CHECK(write(p[1], "y", 1) == 1, "write");
    CHECK(poll_now(ep, &ev) == 0, "one-shot: disabled after its report");
    CHECK(mod(ep, p[0], EPOLLIN | EPOLLONESHOT, 10) == 0, "re-arm with MOD");
    CHECK(poll_now(ep, &ev) == 1 && ev.data.u64 == 10, "re-armed: the data waiting is reported");
    CHECK(poll_now(ep, &ev) == 0, "and disabled again");
    drain(p[0]);

    /* EPOLLOUT: a full pipe is not writable; a read that makes room makes it so. */
    int out = epoll_create1(0);
    CHECK(add(out, p[1], EPOLLOUT | EPOLLET, 11) == 0, "watch the write end");
    CHECK(poll_now(out, &ev) == 1 && ev.events == EPOLLOUT, "empty pipe: writable");
    static char big[65536];
    while (write(p[1], big, sizeof big) > 0)
        ;
    CHECK(poll_now(out, &ev) == 0, "full: not writable");
    CHECK(read(p[0], big, 8192) == 8192, "read some");
    CHECK(poll_now(out, &ev) == 1 && ev.events == EPOLLOUT && ev.data.u64 == 11,
          "drained enough: EPOLLOUT %#x", ev.events);
    drain(p[0]);

    /* The writer closes: HUP on the read end (without IN once empty, as Linux: the read returns
     * 0). No RDHUP: pipes have none, as on Linux (sockets will). */
    CHECK(mod(lt, p[0], EPOLLIN | EPOLLRDHUP, 12) == 0, "mod");
    CHECK(poll_now(lt, &ev) == 0, "open and empty: nothing");
    CHECK(write(p[1], "q", 1) == 1, "a last byte");
    close(p[1]);
    CHECK(poll_now(lt, &ev) == 1 && ev.events == (EPOLLIN | EPOLLHUP), "writer gone, a byte left: %#x",
          ev.events);
    CHECK(read(p[0], &c, 1) == 1, "the last byte");
    CHECK(poll_now(lt, &ev) == 1 && ev.events == EPOLLHUP, "writer gone, empty: %#x", ev.events);
    CHECK(read(p[0], &c, 1) == 0, "end of file");
    CHECK(mod(lt, p[0], 0, 13) == 0, "interest in nothing");
    CHECK(poll_now(lt, &ev) == 1 && ev.events == EPOLLHUP, "HUP is reported anyway: %#x", ev.events);
    close(p[0]);
    /* The reader closes: ERR on the write end. */
    CHECK(pipe(p) == 0, "another pipe");
    CHECK(add(out, p[1], EPOLLOUT, 14) == 0, "watch its write end");
    CHECK(poll_now(out, &ev) == 1 && ev.events == EPOLLOUT, "writable");
    close(p[0]);
    CHECK(poll_now(out, &ev) == 1 && (ev.events & EPOLLERR) && ev.data.u64 == 14, "reader gone: %#x",
          ev.events);
    close(p[1]);
    close(out);
    close(ep);
    close(lt);
    printf("epoll pipes: %s\n", failures ? "FAILED" : "all checks passed");
    return failures != 0;
}

/* --- timeouts, maxevents, many ready ------------------------------------------------------- */
static int timeouts(void)
{
    int ep = epoll_create1(0), p[2];
    struct epoll_event evs[64];
    CHECK(pipe(p) == 0 && add(ep, p[0], EPOLLIN, 1) == 0, "watch a pipe");
    double t0 = now();
    CHECK(epoll_wait(ep, evs, 64, 0) == 0, "timeout 0: at once");
    t0 = now();
    int n = epoll_wait(ep, evs, 64, 50);
    double waited = now() - t0;
    CHECK(n == 0 && waited >= 0.050, "timeout 50 ms: 0 after %.1f ms", waited * 1e3);
    printf("epoll_wait 50 ms with nothing ready: %d after %.1f ms\n", n, waited * 1e3);
    sigset_t set;
    sigemptyset(&set);
    t0 = now();
    n = epoll_pwait(ep, evs, 64, 20, &set);
    CHECK(n == 0 && now() - t0 >= 0.020, "epoll_pwait 20 ms");
    struct timespec ts = {0, 20000000};
    t0 = now();
    n = epoll_pwait2(ep, evs, 64, &ts, NULL);
    CHECK(n == 0 && now() - t0 >= 0.020, "epoll_pwait2 20 ms");
    ts.tv_nsec = 1000000000;
    FAILS(epoll_pwait2(ep, evs, 64, &ts, NULL), EINVAL);
    CHECK(write(p[1], "r", 1) == 1 && epoll_pwait2(ep, evs, 64, NULL, NULL) == 1, "epoll_pwait2 NULL");
    drain(p[0]);
    /* maxevents: 40 ready pipes, taken 16 at a time, each once (LT keeps them, in turn). */
    int q[40][2];
    for (int i = 0; i < 40; i++) {
        CHECK(pipe(q[i]) == 0 && add(ep, q[i][0], EPOLLIN, 100 + i) == 0 && write(q[i][1], "z", 1) == 1,
              "pipe %d", i);
    }
    /* Level-triggered items reported go back behind the others: three calls of 16 report every
     * one of the 40 once before any is reported twice. */
    int order[48], total = 0;
    for (int round = 0; round < 3; round++) {
        n = epoll_wait(ep, evs, 16, 0);
        CHECK(n == 16, "round %d: %d events", round, n);
        for (int i = 0; i < n && total < 48; i++)
            order[total++] = (int)evs[i].data.u64 - 100;
    }
    int seen[40] = {0}, fair = total == 48;
    for (int i = 0; i < 40 && fair; i++)
        fair = order[i] >= 0 && order[i] < 40 && !seen[order[i]]++;
    for (int i = 40; i < 48 && fair; i++)
        fair = order[i] == order[i - 40];
    CHECK(fair, "round robin: the first 40 events are the 40 pipes, then the first ones again");
    n = epoll_wait(ep, evs, 64, -1);
    CHECK(n == 40, "LT: all 40 again in one call (%d)", n);
    for (int i = 0; i < 40; i++) {
        close(q[i][0]);
        close(q[i][1]);
    }
    CHECK(epoll_wait(ep, evs, 64, 0) == 0, "closed: gone");
    close(ep);
    close(p[0]);
    close(p[1]);
    printf("epoll timeouts: %s\n", failures ? "FAILED" : "all checks passed");
    return failures != 0;
}

/* --- 1000 pipes, one ready; poll and select on the same ------------------------------------- */
static int many(void)
{
    enum { N = 1000 };
    static int fds[N][2];
    static struct pollfd pfds[N];
#ifdef __GLIBC__ /* the same source on Linux (test epoll.linux.many): 2000 fds need more than 1024 */
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
#endif
    int ep = epoll_create1(0);
    for (int i = 0; i < N; i++) {
        if (pipe(fds[i]) != 0 || add(ep, fds[i][0], EPOLLIN, i) != 0) {
            CHECK(0, "pipe and add %d", i);
            return 1;
        }
        pfds[i] = (struct pollfd){fds[i][0], POLLIN, 0};
    }
    struct epoll_event evs[8];
    CHECK(epoll_wait(ep, evs, 8, 0) == 0, "1000 watched, none ready");
    CHECK(write(fds[617][1], "!", 1) == 1, "write to pipe 617");
    int n = epoll_wait(ep, evs, 8, -1);
    CHECK(n == 1 && evs[0].data.u64 == 617 && evs[0].events == EPOLLIN, "one ready: 617 (%d)", n);
    n = poll(pfds, N, 0);
    CHECK(n == 1 && pfds[617].revents == POLLIN, "poll agrees");
    fd_set rd;
    FD_ZERO(&rd);
    int maxfd = 0;
    for (int i = 0; i < N; i++)
        maxfd = fds[i][0] > maxfd ? fds[i][0] : maxfd;
    for (int i = 0; i < N && maxfd < FD_SETSIZE; i++)
        FD_SET(fds[i][0], &rd);
    struct timeval tv = {0, 0};
    if (maxfd < FD_SETSIZE) /* libos: 4096; glibc: 1024, too few for this */
        CHECK(select(maxfd + 1, &rd, NULL, NULL, &tv) == 1 && FD_ISSET(fds[617][0], &rd),
              "select agrees");
    for (int i = 0; i < N; i++) {
        close(fds[i][0]);
        close(fds[i][1]);
    }
    close(ep);
    printf("epoll many: %s\n", failures ? "FAILED" : "all checks passed");
    return failures != 0;
}

/* --- threads: blocked in epoll_wait (and poll), woken by another thread's write ------------- */
static int wake_pipe[2], wake_ep;

static void *writer(void *arg)
{
    (void)arg;
    usleep(20000);
    write(wake_pipe[1], "w", 1);
    return NULL;
}

static int woken;
static void *waiter(void *arg)
{
    struct epoll_event ev;
    int n = epoll_wait(wake_ep, &ev, 1, -1);
    if (n == 1 && ev.data.u64 == (uintptr_t)arg)
        woken++;
    return NULL;
}

static void *poller(void *arg)
{
    struct pollfd p = {*(int *)arg, POLLIN, 0};
    if (poll(&p, 1, -1) == 1 && (p.revents & POLLIN))
        woken++;
    return NULL;
}

static void *closer(void *arg)
{
    usleep(20000);
    close(*(int *)arg);
    return NULL;
}

static void *write_later(void *arg)
{
    usleep(20000);
    write(*(int *)arg, "l", 1);
    return NULL;
}

static int threads(void)
{
    signal(SIGPIPE, SIG_IGN);
    wake_ep = epoll_create1(0);
    CHECK(pipe(wake_pipe) == 0 && add(wake_ep, wake_pipe[0], EPOLLIN, 5) == 0, "watch a pipe");
    pthread_t w;
    pthread_create(&w, NULL, writer, NULL);
    struct epoll_event ev;
    int n = epoll_wait(wake_ep, &ev, 1, 10000);
    CHECK(n == 1 && ev.data.u64 == 5, "main thread woken by the writer's thread (%d)", n);
    pthread_join(w, NULL);
    drain(wake_pipe[0]);
    /* Three threads in epoll_wait on one instance, two in poll on two other pipes; one write
     * wakes one epoll waiter (edge: one event), the others sleep on; the pollers of the other
     * pipes stay asleep until theirs is written. */
    CHECK(mod(wake_ep, wake_pipe[0], EPOLLIN | EPOLLET, 5) == 0, "edge-triggered");
    int other[2][2];
    pthread_t ws[3], ps[2];
    for (int i = 0; i < 3; i++)
        pthread_create(&ws[i], NULL, waiter, (void *)(uintptr_t)5);
    for (int i = 0; i < 2; i++) {
        pipe(other[i]);
        pthread_create(&ps[i], NULL, poller, &other[i][0]);
    }
    usleep(10000); /* every one of them is asleep now */
    write(wake_pipe[1], "a", 1);
    usleep(10000);
    CHECK(woken == 1, "one write, one epoll waiter woken (%d)", woken);
    write(wake_pipe[1], "b", 1);
    write(other[0][1], "c", 1);
    usleep(10000);
    CHECK(woken == 3, "a second write, and the first poller's pipe (%d)", woken);
    write(wake_pipe[1], "d", 1);
    write(other[1][1], "e", 1);
    for (int i = 0; i < 3; i++)
        pthread_join(ws[i], NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(ps[i], NULL);
    CHECK(woken == 5, "every thread woken by its own event (%d)", woken);
    /* poll() on 20 pipes (its watches on the heap), woken by a write to one of them. */
    int many[20][2];
    struct pollfd pf[20];
    for (int i = 0; i < 20; i++) {
        pipe(many[i]);
        pf[i] = (struct pollfd){many[i][0], POLLIN, 0};
    }
    pthread_t lw;
    pthread_create(&lw, NULL, write_later, &many[13][1]);
    n = poll(pf, 20, 10000);
    CHECK(n == 1 && pf[13].revents == POLLIN, "poll of 20 woken by pipe 13 (%d)", n);
    pthread_join(lw, NULL);
    for (int i = 0; i < 20; i++) {
        close(many[i][0]);
        close(many[i][1]);
    }
    /* Another thread closes the watched fd (its last reference): the item goes; a waiter with a
     * timeout sees nothing and returns at its timeout. */
    pthread_t c;
    pthread_create(&c, NULL, closer, &wake_pipe[0]);
    drain(wake_pipe[0]);
    n = epoll_wait(wake_ep, &ev, 1, 100);
    CHECK(n == 0, "closed meanwhile: nothing (%d)", n);
    pthread_join(c, NULL);
    CHECK(write(wake_pipe[1], "x", 1) == -1 && errno == EPIPE, "the read end is really gone");
    close(wake_pipe[1]);
    close(wake_ep);
    printf("epoll threads: %s\n", failures ? "FAILED" : "all checks passed");
    return failures != 0;
}

/* --- closing a watched fd; dup; nested instances; the epoll fd in poll ---------------------- */
static int closing(void)
{
    int ep = epoll_create1(0), p[2];
    struct epoll_event ev;
    CHECK(pipe(p) == 0 && add(ep, p[0], EPOLLIN, 1) == 0, "watch");
    /* A dup keeps the description: the item stays and reports (Linux's semantics). */
    int d = dup(p[0]);
    close(p[0]);
    CHECK(write(p[1], "x", 1) == 1 && poll_now(ep, &ev) == 1 && ev.data.u64 == 1,
          "fd closed, description alive: still reported");
    FAILS(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), EBADF);
    close(d); /* the last reference: the item goes */
    CHECK(poll_now(ep, &ev) == 0, "last reference closed: the item is gone");
    int q[2];
    CHECK(pipe(q) == 0, "a new pipe, likely on the same fd numbers");
    CHECK(add(ep, q[0], EPOLLIN, 2) == 0, "add on the reused fd: no EEXIST");
    close(p[1]);

    /* Nested: inner watches the pipe, outer watches inner; the epoll fd in poll and select. */
    int inner = epoll_create1(0), outer = epoll_create1(0);
    CHECK(add(inner, q[0], EPOLLIN, 3) == 0 && add(outer, inner, EPOLLIN | EPOLLET, 4) == 0, "nest");
    struct pollfd pf = {inner, POLLIN, 0};
    CHECK(poll(&pf, 1, 0) == 0 && poll_now(outer, &ev) == 0, "nothing yet");
    CHECK(write(q[1], "y", 1) == 1, "write");
    CHECK(poll(&pf, 1, 0) == 1 && pf.revents == POLLIN, "inner is readable in poll");
    CHECK(poll_now(outer, &ev) == 1 && ev.data.u64 == 4 && ev.events == EPOLLIN, "outer sees inner");
    CHECK(poll_now(inner, &ev) == 1 && ev.data.u64 == 3, "inner sees the pipe");
    drain(q[0]);
    CHECK(poll(&pf, 1, 0) == 0, "drained: inner not readable");
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(inner, &rd);
    struct timeval tv = {0, 0};
    CHECK(select(inner + 1, &rd, NULL, NULL, &tv) == 0, "select: not readable");
    close(inner); /* outer's item goes with it */
    CHECK(poll_now(outer, &ev) == 0, "inner closed: gone from outer");
    close(outer);
    close(ep);
    close(q[0]);
    close(q[1]);

    /* Nothing stays behind: 100 pipes watched by two instances (one nested in a third), closed
     * in every order (watched fds first, an instance first, the middle of a nest first), 20
     * times; the heap in use ends where it began. (glibc calls mallinfo deprecated: the
     * Linux build warns.) */
    struct mallinfo before = {0};
    for (int round = 0; round < 21; round++) {
        if (round == 1) /* after one round: the fd table has grown to what it needs */
            before = mallinfo();
        int a = epoll_create1(0), b = epoll_create1(0), top = epoll_create1(0), pp[100][2];
        add(top, b, EPOLLIN, 0);
        for (int i = 0; i < 100; i++) {
            pipe(pp[i]);
            add(a, pp[i][0], EPOLLIN | (i % 2 ? EPOLLET : 0), i);
            add(b, pp[i][0], EPOLLIN | EPOLLONESHOT, i);
            add(b, pp[i][1], EPOLLOUT, i);
            if (i % 3 == 0)
                write(pp[i][1], "x", 1);
        }
        struct epoll_event evs[32];
        epoll_wait(a, evs, 32, 0);
        epoll_wait(top, evs, 32, 0);
        if (round % 3 == 0)
            close(a), close(b);
        else if (round % 3 == 1)
            close(b);
        for (int i = 0; i < 100; i++) {
            close(pp[i][0]);
            close(pp[i][1]);
        }
        if (round % 3 == 1)
            close(a);
        close(top);
        if (round % 3 == 2)
            close(a), close(b);
    }
    struct mallinfo after = mallinfo();
    printf("closing: heap in use %d bytes before, %d after\n", before.uordblks, after.uordblks);
    CHECK(after.uordblks == before.uordblks, "no leak");
    printf("epoll closing: %s\n", failures ? "FAILED" : "all checks passed");
    return failures != 0;
}

/* --- the console: writable at once; readable when the host types -------------------------- */
static int console(void)
{
    int ep = epoll_create1(0);
    struct epoll_event ev;
    CHECK(add(ep, 1, EPOLLOUT, 1) == 0, "watch stdout");
    CHECK(poll_now(ep, &ev) == 1 && ev.events == EPOLLOUT, "stdout writable");
    CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, 1, NULL) == 0, "del");
    CHECK(add(ep, 0, EPOLLIN | EPOLLET, 2) == 0, "watch stdin, edge-triggered");
    CHECK(poll_now(ep, &ev) == 0, "nothing typed yet");
    /* Edge-triggered: each wake-up, read until EAGAIN; the next byte typed wakes us again. */
    int flags = fcntl(0, F_GETFL);
    fcntl(0, F_SETFL, flags | O_NONBLOCK);
    const char *prompts[] = {"waiting for input", "waiting for more"};
    for (int line = 0; line < 2; line++) {
        printf("%s\n", prompts[line]);
        fflush(stdout);
        char buf[64];
        ssize_t got = 0, r = 0;
        int wakeups = 0;
        while (!memchr(buf, '\n', (size_t)got) && got < (ssize_t)sizeof buf - 1) {
            int n = epoll_wait(ep, &ev, 1, 20000);
            if (n != 1 || ev.events != EPOLLIN || ev.data.u64 != 2) {
                CHECK(0, "input reported (%d, %#x)", n, ev.events);
                break;
            }
            wakeups++;
            while ((r = read(0, buf + got, sizeof buf - 1 - (size_t)got)) > 0)
                got += r;
            CHECK(r == -1 && errno == EAGAIN, "read to EAGAIN");
            CHECK(poll_now(ep, &ev) == 0, "edge: nothing more until new input");
        }
        buf[got] = 0;
        printf("read %zd bytes: %s", got, buf);
        CHECK(wakeups >= 1, "woken %d times", wakeups);
    }
    fcntl(0, F_SETFL, flags);
    close(ep);
    printf("epoll console: %s\n", failures ? "FAILED" : "all checks passed");
    return failures != 0;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(void);
    } areas[] = {{"api", api}, {"pipes", pipes}, {"timeouts", timeouts}, {"many", many},
                 {"threads", threads}, {"closing", closing}, {"console", console}};
    for (unsigned i = 0; argc > 1 && i < sizeof areas / sizeof areas[0]; i++)
        if (!strcmp(argv[1], areas[i].name))
            return areas[i].fn();
    fprintf(stderr, "usage: test_epoll api|pipes|timeouts|many|threads|closing|console\n");
    return 2;
}

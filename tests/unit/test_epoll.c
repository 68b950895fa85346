/*
 * Readiness on the host: the real file.c, ready.c, poll.c and epoll.c over a fake file kind whose
 * readiness the test sets and whose poll op counts its calls, with the scheduler stubbed (a wait
 * runs a hook of the test, then returns as woken or timed out). What a boot test cannot see:
 * epoll_wait asks only the notified items (1 poll op call with 1000 watched), notify wakes only
 * the watchers of its file, a notify outside an item's interest does nothing, POLLRDHUP passes
 * through as sockets will give it, poll() takes its watches off again.
 */
#include "check.h"
#include "vfs_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/epoll.h>

/* The console driver's calls, which console.c names but these tests never make. */
void libos_console_write(const char *buf, size_t n) { (void)buf, (void)n; }
size_t libos_console_read_nonblock(char *buf, size_t n) { return (void)buf, (void)n, 0; }
int libos_console_input_ready(void) { return 0; }
void libos_console_input_irq(int enable) { (void)enable; }
char libos_console_stdin_mode(void) { return 't'; }
int libos_console_stdout_tty(void) { return 1; }
void libos_console_relay_ready(void) {}
short libos_console_poll(struct libos_file *f, short events, int arm)
{
    return (void)f, (void)arm, events & POLLOUT;
}

/* The scheduler, stubbed: libos_wait runs wait_hook (which may notify) and returns its answer. */
static int wakes;
static int (*wait_hook)(void);
uint64_t libos_time_monotonic_ns(void) { return 1; }
int libos_wait(struct libos_waitq *q, uint64_t deadline)
{
    (void)q, (void)deadline;
    return wait_hook ? wait_hook() : -1;
}
int libos_wake_one(struct libos_waitq *q) { return (void)q, wakes++, 0; }
void libos_wake_all(struct libos_waitq *q) { (void)q, wakes++; }

/* The fake kind: readiness set by the test; poll op calls and arms counted. */
struct fake {
    short ready;
    int polls, arms;
};

static short fake_poll(struct libos_file *f, short events, int arm)
{
    struct fake *k = f->priv;
    k->polls++;
    short r = k->ready & (events | POLLHUP | POLLERR);
    k->arms += arm && !r;
    return r;
}

static const struct libos_file_ops fake_ops = {.poll = fake_poll};

static int fake_fd(struct fake *k) { return libos_fd_install(libos_file_new(&fake_ops, k, O_RDWR), 0); }

static int ctl(int ep, int op, int fd, unsigned events, uint64_t data)
{
    struct epoll_event ev = {.events = events, .data.u64 = data};
    return libos_vfs_epoll_ctl(ep, op, fd, &ev);
}

static int wait0(int ep, struct epoll_event *ev, int max) { return libos_vfs_epoll_wait(ep, ev, max, 0); }

static void test_o_ready(void)
{
    enum { N = 1000 };
    static struct fake k[N];
    static int fd[N];
    int ep = libos_vfs_epoll_create(0);
    CHECK(ep >= 0);
    for (int i = 0; i < N; i++) {
        fd[i] = fake_fd(&k[i]);
        CHECK_EQ(0, ctl(ep, EPOLL_CTL_ADD, fd[i], EPOLLIN, i));
    }
    int polls = 0;
    for (int i = 0; i < N; i++)
        polls += k[i].polls, k[i].polls = 0;
    CHECK_EQ(N, polls); /* each asked once, at EPOLL_CTL_ADD */
    struct epoll_event ev[8];
    CHECK_EQ(0, wait0(ep, ev, 8));
    polls = 0;
    for (int i = 0; i < N; i++)
        polls += k[i].polls;
    CHECK_EQ(0, polls); /* nothing queued: nothing asked */
    k[421].ready = POLLIN;
    wakes = 0;
    libos_file_notify(libos_fd_file(fd[421]), POLLIN);
    CHECK_EQ(1, wakes);
    CHECK_EQ(1, wait0(ep, ev, 8));
    CHECK_EQ(421, ev[0].data.u64);
    CHECK_EQ(EPOLLIN, ev[0].events);
    polls = 0;
    for (int i = 0; i < N; i++)
        polls += k[i].polls;
    CHECK_EQ(1, polls); /* O(ready): only the notified item was asked */
    /* Level-triggered: asked again until drained, then dropped and armed. */
    CHECK_EQ(1, wait0(ep, ev, 8));
    k[421].ready = 0;
    int arms = k[421].arms;
    CHECK_EQ(0, wait0(ep, ev, 8));
    CHECK_EQ(arms + 1, k[421].arms);
    CHECK_EQ(0, wait0(ep, ev, 8));
    CHECK_EQ(3, k[421].polls); /* off the list: not asked any more */
    for (int i = 0; i < N; i++)
        libos_vfs_close(fd[i]);
    libos_vfs_close(ep);
}

static void test_interest_and_rdhup(void)
{
    struct fake a = {0}, b = {0};
    int fa = fake_fd(&a), fb = fake_fd(&b), ep = libos_vfs_epoll_create(0);
    CHECK_EQ(0, ctl(ep, EPOLL_CTL_ADD, fa, EPOLLIN | EPOLLRDHUP | EPOLLET, 1));
    CHECK_EQ(0, ctl(ep, EPOLL_CTL_ADD, fb, EPOLLIN, 2));
    struct epoll_event ev[4];
    /* A notify of POLLOUT meets neither item's interest: nothing queued, nobody woken. */
    a.ready = POLLOUT;
    wakes = 0;
    libos_file_notify(libos_fd_file(fa), POLLOUT);
    CHECK_EQ(0, wakes);
    CHECK_EQ(0, wait0(ep, ev, 4));
    /* The peer shut its side: RDHUP and IN, as a socket will report them. */
    a.ready = b.ready = POLLIN | POLLRDHUP;
    libos_file_notify(libos_fd_file(fa), POLLIN | POLLRDHUP);
    libos_file_notify(libos_fd_file(fb), POLLIN | POLLRDHUP);
    CHECK_EQ(2, wait0(ep, ev, 4));
    CHECK_EQ(EPOLLIN | EPOLLRDHUP, ev[0].events);
    CHECK_EQ(EPOLLIN, ev[1].events); /* b did not ask for RDHUP */
    /* Edge-triggered: still ready, but no new notify: not reported again. */
    CHECK_EQ(1, wait0(ep, ev, 4));
    CHECK_EQ(2, ev[0].data.u64);
    /* HUP and ERR whatever the interest. */
    CHECK_EQ(0, ctl(ep, EPOLL_CTL_MOD, fb, 0, 3));
    b.ready = POLLERR;
    libos_file_notify(libos_fd_file(fb), POLLERR);
    CHECK_EQ(1, wait0(ep, ev, 4));
    CHECK_EQ(EPOLLERR, ev[0].events);
    /* The description's last close takes its item away; the other stays. */
    libos_vfs_close(fb);
    b.ready = 0;
    a.ready = POLLIN;
    libos_file_notify(libos_fd_file(fa), POLLIN);
    CHECK_EQ(1, wait0(ep, ev, 4));
    CHECK_EQ(1, ev[0].data.u64);
    CHECK(libos_fd_file(fa)->watchers != NULL);
    libos_vfs_close(ep); /* the instance's close takes its items off the files */
    CHECK(libos_fd_file(fa)->watchers == NULL);
    libos_vfs_close(fa);
}

/* poll(): watches only while asleep, one per fd, woken by its file's notify alone. */
static struct fake pa, pb;
static int pfa, pfb, saw_watches;

static int notify_b(void)
{
    saw_watches = libos_fd_file(pfa)->watchers && libos_fd_file(pfb)->watchers;
    pb.ready = POLLIN;
    wakes = 0;
    libos_file_notify(libos_fd_file(pfa), POLLIN); /* a's interest is POLLOUT: no wake-up */
    int before = wakes;
    libos_file_notify(libos_fd_file(pfb), POLLIN);
    return before == 0 && wakes == 1 ? 0 : -1;
}

static void test_poll(void)
{
    pfa = fake_fd(&pa);
    pfb = fake_fd(&pb);
    struct pollfd p[3] = {{pfa, POLLOUT, 0}, {pfb, POLLIN, 0}, {999, POLLIN, 0}};
    CHECK_EQ(1, libos_vfs_poll(p, 3, 0));
    CHECK_EQ(POLLNVAL, p[2].revents);
    p[2].fd = -1;
    wait_hook = notify_b;
    CHECK_EQ(1, libos_vfs_poll(p, 3, -1));
    wait_hook = NULL;
    CHECK(saw_watches);
    CHECK_EQ(POLLIN, p[1].revents);
    CHECK_EQ(0, p[0].revents);
    CHECK(libos_fd_file(pfa)->watchers == NULL && libos_fd_file(pfb)->watchers == NULL);
    CHECK(pa.arms >= 1); /* armed by the look before the sleep */
    /* A timeout: one last look, no watches left. */
    pb.ready = 0;
    CHECK_EQ(0, libos_vfs_poll(p, 2, 1000000));
    CHECK(libos_fd_file(pfb)->watchers == NULL);
    libos_vfs_close(pfa);
    libos_vfs_close(pfb);
}

/* Another thread closes a polled fd while the poller sleeps: its watch goes with the file, the
 * poller is woken and sees POLLNVAL. */
static int close_a(void)
{
    int before = wakes;
    libos_vfs_close(pfa);
    return wakes == before + 1 ? 0 : -1;
}

static void test_poll_close(void)
{
    pa = (struct fake){0};
    pb = (struct fake){0};
    pfa = fake_fd(&pa);
    pfb = fake_fd(&pb);
    struct pollfd p[2] = {{pfa, POLLIN, 0}, {pfb, POLLIN, 0}};
    wait_hook = close_a;
    CHECK_EQ(1, libos_vfs_poll(p, 2, -1));
    wait_hook = NULL;
    CHECK_EQ(POLLNVAL, p[0].revents);
    CHECK(libos_fd_file(pfb)->watchers == NULL);
    libos_vfs_close(pfb);
}

/* epoll_wait that times out: one last look, then 0. */
static int notify_late(void) { return -1; }

static void test_epoll_timeout(void)
{
    struct fake k = {0};
    int fk = fake_fd(&k), ep = libos_vfs_epoll_create(0);
    struct epoll_event ev[1];
    CHECK_EQ(0, ctl(ep, EPOLL_CTL_ADD, fk, EPOLLIN, 1));
    wait_hook = notify_late;
    CHECK_EQ(0, libos_vfs_epoll_wait(ep, ev, 1, 5000000));
    wait_hook = NULL;
    CHECK_EQ(-EINVAL, libos_vfs_epoll_wait(ep, ev, 0, 0));
    CHECK_EQ(-EINVAL, libos_vfs_epoll_wait(fk, ev, 1, 0));
    CHECK_EQ(-EBADF, libos_vfs_epoll_wait(999, ev, 1, 0));
    libos_vfs_close(ep);
    libos_vfs_close(fk);
}

/* Nesting: an inner instance's readiness reaches the outer one through the inner's own file. */
static void test_nested(void)
{
    struct fake k = {0};
    int fk = fake_fd(&k), inner = libos_vfs_epoll_create(0), outer = libos_vfs_epoll_create(0);
    CHECK_EQ(0, ctl(inner, EPOLL_CTL_ADD, fk, EPOLLIN, 1));
    CHECK_EQ(0, ctl(outer, EPOLL_CTL_ADD, inner, EPOLLIN, 2));
    CHECK_EQ(-ELOOP, ctl(inner, EPOLL_CTL_ADD, outer, EPOLLIN, 3));
    struct epoll_event ev[2];
    CHECK_EQ(0, wait0(outer, ev, 2));
    k.ready = POLLIN;
    libos_file_notify(libos_fd_file(fk), POLLIN);
    CHECK_EQ(1, wait0(outer, ev, 2));
    CHECK_EQ(2, ev[0].data.u64);
    k.ready = 0;
    CHECK_EQ(0, wait0(outer, ev, 2)); /* inner's poll finds its item drained */
    libos_vfs_close(inner);
    libos_vfs_close(outer);
    libos_vfs_close(fk);
}

int main(void)
{
    test_o_ready();
    test_interest_and_rdhup();
    test_poll();
    test_poll_close();
    test_epoll_timeout();
    test_nested();
    return CHECK_DONE();
}

/*
 * test_sock: POSIX sockets as fds (libos::net), one subcommand per area. Plain POSIX: the same
 * source builds for Linux, where sock.linux.api runs `api` against the host's sockets.
 *   test_sock api           in-guest checks over lo (127.0.0.1, ::1) and socketpair: addresses as
 *                           text, getaddrinfo/getnameinfo, TCP connect/accept (blocking and not,
 *                           EINPROGRESS, ECONNREFUSED, SO_ERROR), send/recv/readv/writev/
 *                           sendmsg/recvmsg, FIONREAD, shutdown, get*name, poll and epoll (level,
 *                           edge, one-shot) on TCP sockets, IPv6 and v4-mapped, UDP, timeouts,
 *                           interfaces. Prints "sock api: all checks passed" and exits 0.
 *   test_sock dns           getaddrinfo and gethostbyname of names, answered by a DNS server of
 *                           its own on 127.0.0.1:53 (boot it with net.eth0=...,dns=127.0.0.1):
 *                           A, AAAA, NXDOMAIN, and a name that gets no answer (bounded wait).
 *   test_sock echo PORT     TCP and UDP echo on PORT (IPv6 sockets, v4-mapped accepted), one
 *                           thread and epoll; a UDP datagram "quit" ends it (exit 0) after
 *                           printing "sock: served N connections, M bytes".
 *   test_sock connect HOST PORT MESSAGE  a client: getaddrinfo, connect, send MESSAGE and a
 *                           newline, print "reply: <line>" for the line that comes back.
 *   test_sock keepalive ADDR PORT  connect to ADDR:PORT, turn keepalive on (SO_KEEPALIVE 1,
 *                           TCP_KEEPIDLE 1, TCP_KEEPINTVL 1, TCP_KEEPCNT 2: getsockopt must give
 *                           them back), print "sock keepalive: armed", then block in recv: when
 *                           the peer vanishes it must fail ETIMEDOUT, SO_ERROR is 0 after that
 *                           and a second recv is end of file, as on Linux. Prints "sock
 *                           keepalive: recv failed <ERRNO NAME> after S s" and exits 0 when all
 *                           checks passed.
 * tests/boot/socktest.py drives echo and connect from host sockets.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <malloc.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../check.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static struct sockaddr_in sin4(const char *addr, int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, addr, &a.sin_addr);
    return a;
}

static struct sockaddr_in6 sin6(const char *addr, int port)
{
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
    inet_pton(AF_INET6, addr, &a.sin6_addr);
    return a;
}

/* A listener on lo: its fd, and its port in *port. */
static int listener(int family, int *port)
{
    int s = socket(family, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_storage ss;
    socklen_t len;
    if (family == AF_INET) {
        struct sockaddr_in a = sin4("127.0.0.1", 0);
        memcpy(&ss, &a, len = sizeof a);
    } else {
        struct sockaddr_in6 a = sin6("::", 0);
        memcpy(&ss, &a, len = sizeof a);
    }
    if (bind(s, (struct sockaddr *)&ss, len) != 0 || listen(s, 16) != 0)
        return -1;
    len = sizeof ss;
    getsockname(s, (struct sockaddr *)&ss, &len);
    *port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port : ((struct sockaddr_in6 *)&ss)->sin6_port);
    return s;
}

static int pton_ntop(int af, const char *in, const char *expect)
{
    unsigned char a[16];
    char out[INET6_ADDRSTRLEN];
    if (inet_pton(af, in, a) != 1)
        return 0;
    if (!inet_ntop(af, a, out, sizeof out))
        return 0;
    if (strcmp(out, expect)) {
        printf("  %s -> %s, expected %s\n", in, out, expect);
        return 0;
    }
    return 1;
}

static void api_text(void)
{
    unsigned char a[16];
    CHECK(pton_ntop(AF_INET, "10.0.2.15", "10.0.2.15"), "v4");
    CHECK(pton_ntop(AF_INET6, "::", "::"), "any");
    CHECK(pton_ntop(AF_INET6, "::1", "::1"), "loopback");
    CHECK(pton_ntop(AF_INET6, "FE80:0:0:0:5054:FF:FE12:3456", "fe80::5054:ff:fe12:3456"), "link-local");
    CHECK(pton_ntop(AF_INET6, "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), "first longest run");
    CHECK(pton_ntop(AF_INET6, "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"), "one zero group stays");
    CHECK(pton_ntop(AF_INET6, "::ffff:10.1.2.3", "::ffff:10.1.2.3"), "v4-mapped");
    CHECK(pton_ntop(AF_INET6, "1::", "1::"), "trailing run");
    CHECK(inet_pton(AF_INET, "1.2.3", a) == 0, "short v4");
    CHECK(inet_pton(AF_INET, "1.2.3.256", a) == 0, "256");
    CHECK(inet_pton(AF_INET, "01.2.3.4", a) == 0, "leading zero");
    CHECK(inet_pton(AF_INET6, "1:::2", a) == 0, ":::");
    CHECK(inet_pton(AF_INET6, "1::2::3", a) == 0, "two ::");
    CHECK(inet_pton(AF_INET6, "1:2:3:4:5:6:7:8:9", a) == 0, "nine groups");
    CHECK(inet_pton(AF_INET6, "12345::", a) == 0, "five digits");
    FAILS(inet_pton(99, "1.2.3.4", a), EAFNOSUPPORT);
    struct in_addr in;
    CHECK(inet_aton("127.1", &in) == 1 && in.s_addr == htonl(0x7f000001), "inet_aton short form");
    CHECK(inet_aton("0x7f.0.0.1", &in) == 1 && in.s_addr == htonl(0x7f000001), "inet_aton hex");
    CHECK(inet_addr("192.168.1.300") == INADDR_NONE, "inet_addr bad");
    in.s_addr = htonl(0xc0a80101);
    CHECK(!strcmp(inet_ntoa(in), "192.168.1.1"), "inet_ntoa");
    char small[8];
    inet_pton(AF_INET6, "2001:db8::1234:5678", a);
    errno = 0;
    CHECK(inet_ntop(AF_INET6, a, small, sizeof small) == NULL && errno == ENOSPC, "ntop ENOSPC");
    CHECK(htons(0x1234) == 0x3412 && ntohl(0x12345678) == 0x78563412, "byte order");
    CHECK((htons)(0x1234) == 0x3412 && (ntohl)(0x12345678) == 0x78563412, "byte order functions");
}

static void api_names(void)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
    CHECK(getaddrinfo("10.1.2.3", "80", &hints, &res) == 0 && res && res->ai_family == AF_INET &&
              ((struct sockaddr_in *)res->ai_addr)->sin_port == htons(80) &&
              ((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr == inet_addr("10.1.2.3") &&
              res->ai_protocol == IPPROTO_TCP && !res->ai_next, "numeric v4");
    freeaddrinfo(res);
    res = NULL;
    CHECK(getaddrinfo("fe80::1%lo", "8080", &hints, &res) == 0 && res->ai_family == AF_INET6 &&
              ((struct sockaddr_in6 *)res->ai_addr)->sin6_scope_id == if_nametoindex("lo"), "numeric v6 with scope");
    freeaddrinfo(res);
    hints.ai_flags = AI_PASSIVE;
    CHECK(getaddrinfo(NULL, "7", &hints, &res) == 0 && res->ai_family == AF_INET &&
              ((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr == INADDR_ANY && res->ai_next &&
              res->ai_next->ai_family == AF_INET6, "AI_PASSIVE");
    freeaddrinfo(res);
    hints.ai_flags = 0;
    CHECK(getaddrinfo("localhost", "http", &hints, &res) == 0 &&
              ((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr == htonl(INADDR_LOOPBACK) &&
              ((struct sockaddr_in *)res->ai_addr)->sin_port == htons(80), "localhost, service name");
    freeaddrinfo(res);
    hints.ai_flags = AI_NUMERICHOST;
    CHECK(getaddrinfo("example.invalid", "80", &hints, &res) == EAI_NONAME, "AI_NUMERICHOST");
    hints.ai_flags = 0;
    CHECK(getaddrinfo("1.2.3.4", "nosuchservice", &hints, &res) == EAI_SERVICE, "EAI_SERVICE");
    hints.ai_family = AF_INET6;
    hints.ai_flags = AI_V4MAPPED;
    CHECK(getaddrinfo("1.2.3.4", NULL, &hints, &res) == 0 &&
              IN6_IS_ADDR_V4MAPPED(&((struct sockaddr_in6 *)res->ai_addr)->sin6_addr), "AI_V4MAPPED");
    freeaddrinfo(res);
    hints = (struct addrinfo){0};
    CHECK(getaddrinfo("1.2.3.4", "53", &hints, &res) == 0 && res->ai_next &&
              res->ai_socktype == SOCK_STREAM && res->ai_next->ai_socktype == SOCK_DGRAM, "both socket types");
    freeaddrinfo(res);
    CHECK(strlen(gai_strerror(EAI_NONAME)) > 0, "gai_strerror");
    struct sockaddr_in6 a6 = sin6("2001:db8::7", 443);
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    CHECK(getnameinfo((struct sockaddr *)&a6, sizeof a6, host, sizeof host, serv, sizeof serv,
                      NI_NUMERICHOST | NI_NUMERICSERV) == 0 && !strcmp(host, "2001:db8::7") && !strcmp(serv, "443"),
          "getnameinfo v6");
    struct sockaddr_in a4 = sin4("10.0.2.2", 8080);
    CHECK(getnameinfo((struct sockaddr *)&a4, sizeof a4, host, sizeof host, NULL, 0, NI_NAMEREQD) == EAI_NONAME,
          "NI_NAMEREQD");
    char tiny[4];
    CHECK(getnameinfo((struct sockaddr *)&a4, sizeof a4, tiny, sizeof tiny, NULL, 0, NI_NUMERICHOST) == EAI_OVERFLOW,
          "EAI_OVERFLOW");
    struct hostent *h = gethostbyname("localhost");
    CHECK(h && h->h_addrtype == AF_INET && ((struct in_addr *)h->h_addr)->s_addr == htonl(INADDR_LOOPBACK),
          "gethostbyname");
    unsigned lo = if_nametoindex("lo");
    char name[IF_NAMESIZE];
    CHECK(lo > 0 && if_indextoname(lo, name) && !strcmp(name, "lo"), "lo by name and index");
    CHECK(if_nametoindex("nosuch0") == 0, "no such interface");
    struct ifaddrs *ifs, *i;
    int found = 0;
    CHECK(getifaddrs(&ifs) == 0, "getifaddrs");
    for (i = ifs; i; i = i->ifa_next)
        if (!strcmp(i->ifa_name, "lo") && i->ifa_addr->sa_family == AF_INET &&
            ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr == htonl(INADDR_LOOPBACK) &&
            (i->ifa_flags & IFF_LOOPBACK) && (i->ifa_flags & IFF_UP))
            found = 1;
    CHECK(found, "lo has 127.0.0.1");
    freeifaddrs(ifs);
}

/* Write 100,000 bytes of a pattern in uneven pieces, then close. */
static void *pair_writer(void *arg)
{
    int fd = *(int *)arg;
    static unsigned char data[100000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 11);
    size_t off = 0;
    while (off < sizeof data) {
        size_t n = 1 + (off * 7) % 9000;
        if (n > sizeof data - off)
            n = sizeof data - off;
        ssize_t w = write(fd, data + off, n);
        if (w <= 0)
            return (void *)-1L;
        off += (size_t)w;
    }
    close(fd);
    return NULL;
}

static void api_socketpair(void)
{
    int sv[2];
    char buf[64];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
    CHECK(write(sv[0], "ping", 4) == 4 && read(sv[1], buf, sizeof buf) == 4 && !memcmp(buf, "ping", 4), "one way");
    CHECK(send(sv[1], "pong!", 5, 0) == 5, "send");
    int n = 0;
    CHECK(ioctl(sv[0], FIONREAD, &n) == 0 && n == 5, "FIONREAD %d", n);
    CHECK(recv(sv[0], buf, 2, MSG_PEEK) == 2 && recv(sv[0], buf, sizeof buf, 0) == 5 && !memcmp(buf, "pong!", 5),
          "peek then read");
    FAILS(recv(sv[0], buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    struct pollfd p = {sv[0], POLLIN | POLLOUT, 0};
    CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLOUT, "writable, not readable: %x", p.revents);
    CHECK(shutdown(sv[1], SHUT_WR) == 0 && read(sv[0], buf, sizeof buf) == 0, "EOF after SHUT_WR");
    p.events = POLLIN | POLLRDHUP;
    CHECK(poll(&p, 1, 0) == 1 && (p.revents & POLLRDHUP), "POLLRDHUP");
    FAILS(write(sv[1], "x", 1), EPIPE);
    int type = 0;
    socklen_t len = sizeof type;
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_STREAM, "SO_TYPE");
    struct stat st;
    CHECK(fstat(sv[0], &st) == 0 && S_ISSOCK(st.st_mode), "S_ISSOCK");
    close(sv[1]);
    CHECK(read(sv[0], buf, sizeof buf) == 0, "EOF after close");
    close(sv[0]);
    FAILS(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP);

    /* between threads: the reader blocks when it is empty, the writer when it is full */
    CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0, "socketpair for two threads");
    pthread_t t;
    pthread_create(&t, NULL, pair_writer, &sv[1]);
    long got = 0;
    int in_order = 1;
    ssize_t k;
    char chunk[3000];
    while ((k = read(sv[0], chunk, sizeof chunk)) > 0) {
        for (ssize_t i = 0; i < k; i++)
            in_order &= (unsigned char)chunk[i] == (unsigned char)((got + i) * 11);
        got += k;
    }
    void *wr;
    pthread_join(t, &wr);
    CHECK(got == 100000 && in_order && wr == NULL, "100,000 bytes across threads, in order: %ld", got);
    close(sv[0]);
    FAILS(send(0, "x", 1, 0), ENOTSOCK);
    FAILS(send(999, "x", 1, 0), EBADF);
}

/* Read until EOF; the byte count. */
static void *reader_any(void *arg)
{
    int s = *(int *)arg;
    long total = 0;
    char buf[4096];
    ssize_t n;
    while ((n = recv(s, buf, sizeof buf, 0)) > 0)
        total += n;
    return (void *)total;
}

/* Options set on a listener, before listen() and after, are its connections' from accept(). */
static void api_tcp_inherit(void)
{
    int l = socket(AF_INET, SOCK_STREAM, 0), one = 1, idle = 7, intvl = 3, cnt = 4, v;
    CHECK(setsockopt(l, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) == 0 &&
              setsockopt(l, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle) == 0, "keepalive before listen");
    struct sockaddr_in a = sin4("127.0.0.1", 0);
    socklen_t len = sizeof a;
    CHECK(bind(l, (struct sockaddr *)&a, sizeof a) == 0 && listen(l, 4) == 0 &&
              getsockname(l, (struct sockaddr *)&a, &len) == 0, "listen");
    CHECK(setsockopt(l, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl) == 0 &&
              setsockopt(l, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt) == 0 &&
              setsockopt(l, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0, "options after listen");
    static const struct { int level, name, val; const char *what; } want[] = {
        {SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE"}, {IPPROTO_TCP, TCP_KEEPIDLE, 7, "TCP_KEEPIDLE"},
        {IPPROTO_TCP, TCP_KEEPINTVL, 3, "TCP_KEEPINTVL"}, {IPPROTO_TCP, TCP_KEEPCNT, 4, "TCP_KEEPCNT"},
        {IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        v = -1, len = sizeof v;
        CHECK(getsockopt(l, want[i].level, want[i].name, &v, &len) == 0 && v == want[i].val,
              "the listener's %s: %d, set %d", want[i].what, v, want[i].val);
    }
    int c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(c, (struct sockaddr *)&a, sizeof a) == 0, "connect");
    int s = accept(l, NULL, NULL);
    CHECK(s >= 0, "accept");
    for (size_t i = 0; s >= 0 && i < sizeof want / sizeof want[0]; i++) {
        v = -1, len = sizeof v;
        CHECK(getsockopt(s, want[i].level, want[i].name, &v, &len) == 0 && v == want[i].val,
              "the accepted connection's %s: %d, the listener's %d", want[i].what, v, want[i].val);
    }
    v = -1, len = sizeof v; /* the connecting side keeps the defaults */
    CHECK(getsockopt(c, IPPROTO_TCP, TCP_KEEPIDLE, &v, &len) == 0 && v != 7, "the client's TCP_KEEPIDLE: %d", v);
    close(s);
    close(c);
    close(l);
}

static void api_tcp4(void)
{
    int port, l = listener(AF_INET, &port);
    CHECK(l >= 0 && port > 0, "listen on 127.0.0.1:%d", port);
    int acc = 0;
    socklen_t len = sizeof acc;
    CHECK(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) == 0 && acc == 1, "SO_ACCEPTCONN");
    int fl = fcntl(l, F_GETFL);
    fcntl(l, F_SETFL, fl | O_NONBLOCK);
    FAILS(accept(l, NULL, NULL), EAGAIN);
    fcntl(l, F_SETFL, fl);

    /* non-blocking connect: EINPROGRESS, then POLLOUT and SO_ERROR 0 */
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = sin4("127.0.0.1", port);
    FAILS(connect(c, (struct sockaddr *)&a, sizeof a), EINPROGRESS);
    struct pollfd p = {c, POLLOUT, 0};
    CHECK(poll(&p, 1, 5000) == 1 && (p.revents & POLLOUT), "connected: POLLOUT");
    int err = -1;
    len = sizeof err;
    CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0, "SO_ERROR 0");
    CHECK(connect(c, (struct sockaddr *)&a, sizeof a) == 0, "connect again: 0 the first time (the result, as Linux)");
    FAILS(connect(c, (struct sockaddr *)&a, sizeof a), EISCONN);
    struct pollfd lp = {l, POLLIN, 0};
    CHECK(poll(&lp, 1, 5000) == 1, "listener readable");
    struct sockaddr_in peer;
    len = sizeof peer;
    int s = accept4(l, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
    CHECK(s >= 0 && len == sizeof peer && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK), "accept4");
    struct sockaddr_in me, him;
    socklen_t l1 = sizeof me, l2 = sizeof him;
    CHECK(getsockname(c, (struct sockaddr *)&me, &l1) == 0 && getpeername(s, (struct sockaddr *)&him, &l2) == 0 &&
              me.sin_port == him.sin_port && ntohs(me.sin_port) != 0, "getsockname = peer's getpeername");
    l2 = sizeof him;
    CHECK(getpeername(c, (struct sockaddr *)&him, &l2) == 0 && ntohs(him.sin_port) == port, "getpeername");
    fcntl(c, F_SETFL, fcntl(c, F_GETFL) & ~O_NONBLOCK);

    /* data both ways; FIONREAD; readv/writev; sendmsg/recvmsg */
    char buf[256];
    CHECK(send(c, "hello", 5, 0) == 5, "send");
    p = (struct pollfd){s, POLLIN, 0};
    CHECK(poll(&p, 1, 5000) == 1, "data readable");
    int n = 0;
    CHECK(ioctl(s, FIONREAD, &n) == 0 && n == 5, "FIONREAD %d", n);
    CHECK(recv(s, buf, sizeof buf, MSG_PEEK) == 5 && recv(s, buf, sizeof buf, 0) == 5 && !memcmp(buf, "hello", 5),
          "peek, recv");
    struct iovec iov[3] = {{"ab", 2}, {"", 0}, {"cdef", 4}};
    CHECK(writev(s, iov, 3) == 6, "writev");
    char x[3], y[3];
    struct iovec riov[2] = {{x, 3}, {y, 3}};
    struct msghdr m = {.msg_iov = riov, .msg_iovlen = 2};
    CHECK(recvmsg(c, &m, MSG_WAITALL) == 6 && !memcmp(x, "abc", 3) && !memcmp(y, "def", 3), "recvmsg WAITALL");
    struct msghdr sm = {.msg_iov = iov, .msg_iovlen = 3};
    CHECK(sendmsg(c, &sm, 0) == 6 && recv(s, buf, 6, MSG_WAITALL) == 6 && !memcmp(buf, "abcdef", 6), "sendmsg");
    FAILS(recv(s, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    int on = 1, off = 0;
    CHECK(ioctl(s, FIONBIO, &on) == 0, "FIONBIO on");
    FAILS(recv(s, buf, sizeof buf, 0), EAGAIN);
    ioctl(s, FIONBIO, &off);
    fd_set rfds;
    FD_ZERO(&rfds);
    FD_SET(s, &rfds);
    struct timeval zero = {0, 0};
    CHECK(select(s + 1, &rfds, NULL, NULL, &zero) == 0, "select: nothing to read");
    send(c, "z", 1, 0);
    FD_SET(s, &rfds);
    struct timeval five = {5, 0};
    CHECK(select(s + 1, &rfds, NULL, NULL, &five) == 1 && FD_ISSET(s, &rfds) && recv(s, buf, 1, 0) == 1,
          "select: readable");

    /* SO_RCVTIMEO */
    struct timeval tv = {0, 200000};
    CHECK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0, "SO_RCVTIMEO");
    double t0 = now();
    FAILS(recv(s, buf, sizeof buf, 0), EAGAIN);
    CHECK(now() - t0 >= 0.19, "waited the timeout");

    /* options */
    int one = 1, v = 0;
    len = sizeof v;
    CHECK(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0 &&
              getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &len) == 0 && v == 1, "TCP_NODELAY");
    int idle = 30;
    len = sizeof v;
    CHECK(setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) == 0 &&
              setsockopt(c, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle) == 0 &&
              getsockopt(c, IPPROTO_TCP, TCP_KEEPIDLE, &v, &len) == 0 && v == 30, "keepalive");
    len = sizeof v;
    CHECK(getsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &v, &len) == 0 && v == 1, "SO_KEEPALIVE");
    len = sizeof v;
    CHECK(getsockopt(c, SOL_SOCKET, SO_TYPE, &v, &len) == 0 && v == SOCK_STREAM, "SO_TYPE");
    len = sizeof v;
    CHECK(getsockopt(c, SOL_SOCKET, SO_RCVBUF, &v, &len) == 0 && v > 0, "SO_RCVBUF");
    FAILS(setsockopt(c, SOL_SOCKET, 9999, &one, sizeof one), ENOPROTOOPT);

    /* epoll, level- then edge-triggered, then one-shot, on the accepted socket */
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 7}, out[4];
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0, "epoll_ctl ADD");
    CHECK(epoll_wait(ep, out, 4, 0) == 0, "nothing yet");
    send(c, "12345678", 8, 0);
    CHECK(epoll_wait(ep, out, 4, 5000) == 1 && out[0].data.u32 == 7 && (out[0].events & EPOLLIN), "level: ready");
    CHECK(epoll_wait(ep, out, 4, 0) == 1, "level: still ready");
    recv(s, buf, 4, 0);
    CHECK(epoll_wait(ep, out, 4, 0) == 1, "level: half read, still ready");
    recv(s, buf, 4, 0);
    CHECK(epoll_wait(ep, out, 4, 0) == 0, "level: drained");
    ev.events = EPOLLIN | EPOLLET;
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, s, &ev) == 0, "MOD to edge");
    send(c, "ab", 2, 0);
    CHECK(epoll_wait(ep, out, 4, 5000) == 1, "edge: ready");
    CHECK(epoll_wait(ep, out, 4, 0) == 0, "edge: once");
    send(c, "cd", 2, 0);
    CHECK(epoll_wait(ep, out, 4, 5000) == 1, "edge: again on new data");
    CHECK(recv(s, buf, sizeof buf, 0) == 4, "edge: both pieces there");
    ev.events = EPOLLIN | EPOLLONESHOT;
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, s, &ev) == 0, "MOD to one-shot");
    send(c, "e", 1, 0);
    CHECK(epoll_wait(ep, out, 4, 5000) == 1, "one-shot: ready");
    send(c, "f", 1, 0);
    usleep(50000);
    CHECK(epoll_wait(ep, out, 4, 0) == 0, "one-shot: disabled");
    recv(s, buf, sizeof buf, 0);
    ev.events = EPOLLOUT | EPOLLRDHUP;
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, s, &ev) == 0 && epoll_wait(ep, out, 4, 0) == 1 &&
              out[0].events == EPOLLOUT, "EPOLLOUT: %x", out[0].events);

    /* shutdown: SHUT_WR is the peer's EOF and EPOLLRDHUP; writing after it is EPIPE */
    ev.events = EPOLLRDHUP | EPOLLET;
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, s, &ev) == 0 && epoll_wait(ep, out, 4, 0) == 0, "no EPOLLRDHUP yet");
    CHECK(shutdown(c, SHUT_WR) == 0, "shutdown SHUT_WR");
    CHECK(epoll_wait(ep, out, 4, 5000) == 1 && (out[0].events & EPOLLRDHUP), "EPOLLRDHUP: %x", out[0].events);
    CHECK(recv(s, buf, sizeof buf, 0) == 0, "EOF");
    FAILS(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
    CHECK(send(s, "bye", 3, 0) == 3 && recv(c, buf, sizeof buf, 0) == 3, "the other way still works");
    close(s);
    CHECK(recv(c, buf, sizeof buf, 0) == 0, "EOF after the peer's close");
    p = (struct pollfd){c, POLLIN, 0};
    CHECK(poll(&p, 1, 5000) == 1 && (p.revents & POLLHUP), "POLLHUP once both ways are shut: %x", p.revents);
    close(c);
    close(ep);

    /* connection refused: blocking, and non-blocking through SO_ERROR */
    close(l);
    c = socket(AF_INET, SOCK_STREAM, 0);
    FAILS(connect(c, (struct sockaddr *)&a, sizeof a), ECONNREFUSED);
    close(c);
    c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    FAILS(connect(c, (struct sockaddr *)&a, sizeof a), EINPROGRESS);
    p = (struct pollfd){c, POLLOUT, 0};
    CHECK(poll(&p, 1, 5000) == 1 && (p.revents & (POLLERR | POLLHUP)), "refused: POLLERR %x", p.revents);
    len = sizeof err;
    CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == ECONNREFUSED, "SO_ERROR ECONNREFUSED (%d)", err);
    len = sizeof err;
    CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0, "SO_ERROR clears");
    close(c);

    /* SO_LINGER 0: close resets; the peer sees ECONNRESET */
    l = listener(AF_INET, &port);
    a = sin4("127.0.0.1", port);
    c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(c, (struct sockaddr *)&a, sizeof a) == 0, "blocking connect");
    s = accept(l, NULL, NULL);
    struct linger lg = {1, 0};
    CHECK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0, "SO_LINGER 0");
    close(s);
    FAILS(recv(c, buf, sizeof buf, 0), ECONNRESET);
    close(c);
    close(l);

    /* the listen backlog: while it is full of connections waiting for accept(), a SYN is
     * dropped; the connection is made once accept() made room, after a SYN retransmit (libos
     * queues backlog connections, Linux backlog + 1: of two more, at least one waits) */
    l = listener(AF_INET, &port);
    listen(l, 1);
    a = sin4("127.0.0.1", port);
    int c1 = socket(AF_INET, SOCK_STREAM, 0);
    int cn[2] = {socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)};
    CHECK(connect(c1, (struct sockaddr *)&a, sizeof a) == 0, "the first connection");
    FAILS(connect(cn[0], (struct sockaddr *)&a, sizeof a), EINPROGRESS);
    FAILS(connect(cn[1], (struct sockaddr *)&a, sizeof a), EINPROGRESS);
    struct pollfd pn[2] = {{cn[0], POLLOUT, 0}, {cn[1], POLLOUT, 0}};
    usleep(500000);
    CHECK(poll(pn, 2, 0) < 2, "a connection waits while the backlog is full");
    struct timeval acc_tv = {20, 0};
    setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &acc_tv, sizeof acc_tv);
    int accepted[3], na = 0;
    while (na < 3 && (accepted[na] = accept(l, NULL, NULL)) >= 0)
        na++;
    CHECK(na == 3 && poll(pn, 2, 5000) == 2 && !((pn[0].revents | pn[1].revents) & POLLERR),
          "once accept() made room, all three are connected (%d accepted)", na);
    for (int k = 0; k < na; k++)
        close(accepted[k]);
    close(c1);
    close(cn[0]);
    close(cn[1]);
    close(l);

    /* SO_LINGER with a timeout: close returns once the data is acknowledged; the peer gets it all */
    l = listener(AF_INET, &port);
    a = sin4("127.0.0.1", port);
    c = socket(AF_INET, SOCK_STREAM, 0);
    connect(c, (struct sockaddr *)&a, sizeof a);
    s = accept(l, NULL, NULL);
    lg = (struct linger){1, 5};
    static char chunk[200000];
    memset(chunk, 'L', sizeof chunk);
    CHECK(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0, "SO_LINGER 5 s");
    pthread_t drainer;
    pthread_create(&drainer, NULL, reader_any, &s);
    CHECK(send(c, chunk, sizeof chunk, 0) == (ssize_t)sizeof chunk, "send 200 KB");
    CHECK(close(c) == 0, "close lingers");
    void *got;
    pthread_join(drainer, &got);
    CHECK((long)got == (long)sizeof chunk, "the peer read all of it: %ld", (long)got);
    close(s);
    close(l);
    FAILS(bind(socket(AF_INET, SOCK_STREAM, 0), (struct sockaddr *)&a, 3), EINVAL);
    FAILS(listen(socket(AF_INET, SOCK_DGRAM, 0), 1), EOPNOTSUPP);
    FAILS(socket(AF_INET, SOCK_RAW, 0), EPROTONOSUPPORT);
    FAILS(socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT);
}

/* A lot of data one way while the other side reads slowly: send blocks and resumes. */
static void *reader(void *arg)
{
    int s = *(int *)arg;
    long total = 0;
    char buf[3000];
    ssize_t n;
    while ((n = recv(s, buf, sizeof buf, 0)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            if ((unsigned char)buf[i] != (unsigned char)((total + i) * 7))
                return (void *)-1L;
        total += n;
    }
    return (void *)total;
}

static void api_bulk(void)
{
    int port, l = listener(AF_INET6, &port);
    struct sockaddr_in a = sin4("127.0.0.1", port); /* v4 to a dual-stack listener */
    int c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(c, (struct sockaddr *)&a, sizeof a) == 0, "v4 connect to a dual-stack listener");
    struct sockaddr_in6 peer;
    socklen_t len = sizeof peer;
    int s = accept(l, (struct sockaddr *)&peer, &len);
    char txt[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &peer.sin6_addr, txt, sizeof txt);
    CHECK(s >= 0 && !strcmp(txt, "::ffff:127.0.0.1"), "peer is v4-mapped: %s", txt);
    pthread_t t;
    pthread_create(&t, NULL, reader, &s);
    static unsigned char data[1 << 20];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 7);
    CHECK(send(c, data, sizeof data, 0) == (ssize_t)sizeof data, "1 MiB in one send");
    close(c);
    void *r;
    pthread_join(t, &r);
    CHECK((long)r == (long)sizeof data, "received all of it in order: %ld", (long)r);
    close(s);
    close(l);
}

/* EPOLLOUT, edge-triggered, and poll's POLLOUT: a full socket is not writable; it is again, with
 * an event, once the peer has read what filled it. */
static void api_pollout(void)
{
    int port, l = listener(AF_INET, &port);
    struct sockaddr_in a = sin4("127.0.0.1", port);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    connect(c, (struct sockaddr *)&a, sizeof a);
    int s = accept(l, NULL, NULL);
    fcntl(c, F_SETFL, O_NONBLOCK);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLOUT | EPOLLET}, out[2];
    epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
    CHECK(epoll_wait(ep, out, 2, 0) == 1 && out[0].events == EPOLLOUT, "ET EPOLLOUT at first");
    CHECK(epoll_wait(ep, out, 2, 0) == 0, "once");
    static char fill[8192];
    long sent = 0;
    ssize_t n;
    while ((n = send(c, fill, sizeof fill, 0)) > 0)
        sent += n;
    CHECK(n < 0 && errno == EAGAIN && sent > 0, "filled with %ld bytes until EAGAIN", sent);
    struct pollfd p = {c, POLLOUT, 0};
    CHECK(poll(&p, 1, 0) == 0, "poll: not writable when full");
    CHECK(epoll_wait(ep, out, 2, 0) == 0, "no EPOLLOUT while full");
    long got = 0;
    char buf[8192];
    while (got < sent && (n = recv(s, buf, sizeof buf, 0)) > 0)
        got += n;
    CHECK(got == sent, "the peer read it all");
    CHECK(epoll_wait(ep, out, 2, 5000) == 1 && (out[0].events & EPOLLOUT), "EPOLLOUT again once drained");
    CHECK(poll(&p, 1, 5000) == 1 && (p.revents & POLLOUT), "poll: writable again");
    /* SO_SNDTIMEO: a blocking send into a full buffer gives up with what it sent, or EAGAIN */
    fcntl(c, F_SETFL, 0);
    struct timeval tv = {0, 300000};
    setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    static char big[1 << 20];
    double t0 = now();
    for (int k = 0; k < 64 && (n = send(c, big, sizeof big, 0)) == (ssize_t)sizeof big; k++)
        t0 = now(); /* a big socket buffer (Linux's) takes several before one waits */
    CHECK((n >= 0 || errno == EAGAIN) && n < (ssize_t)sizeof big && now() - t0 >= 0.29,
          "SO_SNDTIMEO: a send into a full buffer returned %ld after the timeout", (long)n);
    errno = 0;
    n = send(c, big, sizeof big, 0);
    CHECK((n == -1 && errno == EAGAIN) || (n >= 0 && n < (ssize_t)sizeof big), "and again: %ld", (long)n);
    close(ep);
    close(c);
    close(s);
    close(l);
}

/* Many short connections: every socket's memory comes back (TIME-WAIT PCBs are lwIP's pool's,
 * reclaimed when it runs short: more connections than the pool holds must work). */
static void api_churn(void)
{
    int port, l = listener(AF_INET, &port);
    struct sockaddr_in a = sin4("127.0.0.1", port);
    char buf[128];
    struct mallinfo before = mallinfo();
    int ok = 1, i;
    for (i = 0; i < 300 && ok; i++) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        ok = connect(c, (struct sockaddr *)&a, sizeof a) == 0;
        int s = accept(l, NULL, NULL);
        ok = ok && s >= 0 && send(c, buf, 100, 0) == 100 && recv(s, buf, 100, MSG_WAITALL) == 100 &&
             send(s, buf, 50, 0) == 50 && recv(c, buf, 50, MSG_WAITALL) == 50;
        close(c); /* the client closes first: its PCB lingers in TIME-WAIT */
        ok = ok && recv(s, buf, sizeof buf, 0) == 0;
        close(s);
    }
    CHECK(ok, "300 connections one after another (%d done)", i);
    usleep(100000);
    struct mallinfo after = mallinfo();
    CHECK(after.uordblks <= before.uordblks + 1024, "the heap is back: %d bytes in use before, %d after",
          before.uordblks, after.uordblks);
    close(l);
}

static void api_tcp6(void)
{
    int port, l = listener(AF_INET6, &port);
    struct sockaddr_in6 a = sin6("::1", port);
    int c = socket(AF_INET6, SOCK_STREAM, 0);
    CHECK(connect(c, (struct sockaddr *)&a, sizeof a) == 0, "connect to [::1]:%d", port);
    struct sockaddr_in6 peer;
    socklen_t len = sizeof peer;
    int s = accept(l, (struct sockaddr *)&peer, &len);
    CHECK(s >= 0 && IN6_IS_ADDR_LOOPBACK(&peer.sin6_addr), "peer ::1");
    char buf[16];
    CHECK(write(c, "six", 3) == 3 && read(s, buf, sizeof buf) == 3, "data over IPv6");
    close(c);
    close(s);
    close(l);
    /* IPV6_V6ONLY: the listener takes no IPv4 */
    int one = 1;
    l = socket(AF_INET6, SOCK_STREAM, 0);
    CHECK(setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) == 0, "IPV6_V6ONLY");
    struct sockaddr_in6 any = sin6("::", 0);
    bind(l, (struct sockaddr *)&any, sizeof any);
    listen(l, 4);
    len = sizeof any;
    getsockname(l, (struct sockaddr *)&any, &len);
    struct sockaddr_in a4 = sin4("127.0.0.1", ntohs(any.sin6_port));
    c = socket(AF_INET, SOCK_STREAM, 0);
    FAILS(connect(c, (struct sockaddr *)&a4, sizeof a4), ECONNREFUSED);
    close(c);
    close(l);
}

static void api_udp(void)
{
    int u = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 any = sin6("::", 0);
    CHECK(bind(u, (struct sockaddr *)&any, sizeof any) == 0, "UDP bind ::");
    socklen_t len = sizeof any;
    getsockname(u, (struct sockaddr *)&any, &len);
    int port = ntohs(any.sin6_port);
    int c = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = sin4("127.0.0.1", port);
    CHECK(sendto(c, "datagram", 8, 0, (struct sockaddr *)&to, sizeof to) == 8, "sendto");
    struct pollfd p = {u, POLLIN, 0};
    CHECK(poll(&p, 1, 5000) == 1, "UDP readable");
    int n = 0;
    CHECK(ioctl(u, FIONREAD, &n) == 0 && n == 8, "FIONREAD is the datagram's size");
    char buf[64];
    struct sockaddr_in6 from;
    len = sizeof from;
    CHECK(recvfrom(u, buf, 4, 0, (struct sockaddr *)&from, &len) == 4 && IN6_IS_ADDR_V4MAPPED(&from.sin6_addr),
          "recvfrom: truncated, v4-mapped sender");
    FAILS(recv(u, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    CHECK(sendto(u, "back", 4, 0, (struct sockaddr *)&from, len) == 4 && recv(c, buf, sizeof buf, 0) == 4, "reply");
    struct sockaddr_in6 to6 = sin6("::1", port);
    int c6 = socket(AF_INET6, SOCK_DGRAM, 0);
    CHECK(connect(c6, (struct sockaddr *)&to6, sizeof to6) == 0 && send(c6, "v6", 2, 0) == 2, "connected UDP over ::1");
    struct iovec iov = {buf, 1};
    struct msghdr m = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1};
    CHECK(recvmsg(u, &m, 0) == 1 && (m.msg_flags & MSG_TRUNC) && IN6_IS_ADDR_LOOPBACK(&from.sin6_addr), "recvmsg MSG_TRUNC");
    FAILS(send(c, "x", 1, 0), EDESTADDRREQ);
    close(c);
    close(c6);
    close(u);
}

static int api(void)
{
    signal(SIGPIPE, SIG_IGN); /* writes after shutdown: EPIPE, not the signal */
    api_text();
    api_names();
    api_socketpair();
    api_tcp4();
    api_tcp_inherit();
    api_pollout();
    api_churn();
    api_tcp6();
    api_udp();
    api_bulk();
    if (!failures)
        printf("sock api: all checks passed\n");
    return failures != 0;
}

/* --- dns: getaddrinfo and gethostbyname through lwIP's DNS client, answered by our own server --- */

/* A DNS server for two names on 127.0.0.1:53 (the image is booted with dns=127.0.0.1):
 * test.libos has A 10.9.8.7 and AAAA 2001:db8::5, missing.libos is NXDOMAIN, anything else gets
 * no answer at all. */
static void *dns_server(void *arg)
{
    int u = *(int *)arg;
    for (;;) {
        unsigned char q[512], r[600];
        struct sockaddr_in from;
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(u, q, sizeof q, 0, (struct sockaddr *)&from, &len);
        if (n < 17)
            continue;
        char name[256];
        size_t p = 12, k = 0;
        while (p < (size_t)n && q[p] && k + q[p] + 1 < sizeof name) {
            if (k)
                name[k++] = '.';
            memcpy(name + k, q + p + 1, q[p]);
            k += q[p];
            p += q[p] + 1u;
        }
        name[k] = '\0';
        p++;
        if (p + 4 > (size_t)n)
            continue;
        unsigned type = (unsigned)(q[p] << 8 | q[p + 1]);
        size_t qend = p + 4;
        int known = !strcmp(name, "test.libos");
        if (!known && strcmp(name, "missing.libos"))
            continue; /* silence: the client's wait is bounded */
        memcpy(r, q, qend);
        r[2] = 0x81, r[3] = known ? 0x80 : 0x83; /* a response, recursion; NXDOMAIN for missing */
        r[4] = 0, r[5] = 1, r[6] = 0, r[7] = known && (type == 1 || type == 28), r[8] = r[9] = r[10] = r[11] = 0;
        size_t m = qend;
        if (r[7]) {
            static const unsigned char v4[] = {10, 9, 8, 7};
            static const unsigned char v6[] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5};
            unsigned char rr[] = {0xc0, 12, 0, (unsigned char)type, 0, 1, 0, 0, 0, 60, 0, type == 1 ? 4 : 16};
            memcpy(r + m, rr, sizeof rr);
            m += sizeof rr;
            memcpy(r + m, type == 1 ? v4 : v6, type == 1 ? 4 : 16);
            m += type == 1 ? 4 : 16;
        }
        sendto(u, r, m, 0, (struct sockaddr *)&from, len);
    }
    return NULL;
}

static int dns(void)
{
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = sin4("127.0.0.1", 53);
    CHECK(bind(u, (struct sockaddr *)&a, sizeof a) == 0, "a DNS server on 127.0.0.1:53");
    pthread_t t;
    pthread_create(&t, NULL, dns_server, &u);
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
    char txt[INET6_ADDRSTRLEN] = "";
    int r = getaddrinfo("test.libos", "80", &hints, &res);
    if (!r)
        inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, txt, sizeof txt);
    CHECK(r == 0 && res->ai_family == AF_INET && !strcmp(txt, "10.9.8.7") &&
              ((struct sockaddr_in *)res->ai_addr)->sin_port == htons(80), "A record: %s (%s)", txt, gai_strerror(r));
    if (!r)
        freeaddrinfo(res);
    hints.ai_family = AF_INET6;
    r = getaddrinfo("test.libos", NULL, &hints, &res);
    if (!r)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, txt, sizeof txt);
    CHECK(r == 0 && !strcmp(txt, "2001:db8::5"), "AAAA record: %s (%s)", txt, gai_strerror(r));
    if (!r)
        freeaddrinfo(res);
    hints.ai_family = AF_UNSPEC;
    r = getaddrinfo("missing.libos", NULL, &hints, &res);
    CHECK(r == EAI_NONAME, "NXDOMAIN: EAI_NONAME (%s)", gai_strerror(r));
    struct hostent *h = gethostbyname("test.libos");
    CHECK(h && h->h_length == 4 && !memcmp(h->h_addr, "\x0a\x09\x08\x07", 4), "gethostbyname");
    double t0 = now();
    r = getaddrinfo("silent.libos", NULL, &hints, &res);
    double waited = now() - t0;
    CHECK((r == EAI_AGAIN || r == EAI_NONAME) && waited < 8, "no answer: %s after %.1f s", gai_strerror(r), waited);
    if (!failures)
        printf("sock dns: all checks passed\n");
    return failures != 0;
}

/* --- echo: one thread, epoll, level-triggered ------------------------------------------------ */

struct conn {
    int fd;
    size_t len, off; /* bytes in buf still to write back */
    char buf[16384];
};

static int echo(int port)
{
    int one = 1;
    int l = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int u = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in6 a = sin6("::", port);
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 256) || bind(u, (struct sockaddr *)&a, sizeof a)) {
        printf("FAIL: cannot listen on port %d: %s\n", port, strerror(errno));
        return 1;
    }
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
    static struct conn udp_mark;
    ev.data.ptr = &udp_mark;
    epoll_ctl(ep, EPOLL_CTL_ADD, u, &ev);
    printf("sock: echo ready on port %d\n", port);
    fflush(stdout);
    unsigned long conns = 0, bytes = 0, datagrams = 0;
    for (;;) {
        struct epoll_event evs[64];
        int n = epoll_wait(ep, evs, 64, -1);
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            if (!c) {
                int s;
                while ((s = accept4(l, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    struct conn *nc = malloc(sizeof *nc);
                    nc->fd = s, nc->len = nc->off = 0;
                    struct epoll_event e = {.events = EPOLLIN, .data.ptr = nc};
                    epoll_ctl(ep, EPOLL_CTL_ADD, s, &e);
                    conns++;
                }
                continue;
            }
            if (c == &udp_mark) {
                char buf[65536];
                struct sockaddr_in6 from;
                socklen_t len = sizeof from;
                ssize_t k;
                while ((k = recvfrom(u, buf, sizeof buf, 0, (struct sockaddr *)&from, &len)) >= 0) {
                    if (k == 4 && !memcmp(buf, "quit", 4)) {
                        printf("sock: served %lu connections, %lu bytes, %lu datagrams\n", conns, bytes, datagrams);
                        return 0;
                    }
                    sendto(u, buf, (size_t)k, 0, (struct sockaddr *)&from, len);
                    datagrams++;
                    len = sizeof from;
                }
                continue;
            }
            if (c->len) { /* writable again: finish the pending echo */
                ssize_t w = send(c->fd, c->buf + c->off, c->len - c->off, 0);
                if (w > 0)
                    c->off += (size_t)w;
                if (w < 0 && errno != EAGAIN)
                    goto drop;
                if (c->off == c->len) {
                    c->len = c->off = 0;
                    struct epoll_event e = {.events = EPOLLIN, .data.ptr = c};
                    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
                }
                continue;
            }
            ssize_t k = recv(c->fd, c->buf, sizeof c->buf, 0);
            if (k == 0 || (k < 0 && errno != EAGAIN))
                goto drop;
            if (k < 0)
                continue;
            bytes += (unsigned long)k;
            ssize_t w = send(c->fd, c->buf, (size_t)k, 0);
            if (w < 0 && errno != EAGAIN)
                goto drop;
            if (w < k) {
                c->len = (size_t)k, c->off = w > 0 ? (size_t)w : 0;
                struct epoll_event e = {.events = EPOLLOUT, .data.ptr = c};
                epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
            }
            continue;
        drop:
            close(c->fd); /* removes it from the epoll set */
            free(c);
        }
    }
}

/* --- connect: a client out ------------------------------------------------------------------- */

static int client(const char *host, const char *port, const char *msg)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res;
    int r = getaddrinfo(host, port, &hints, &res);
    if (r) {
        printf("FAIL: getaddrinfo %s: %s\n", host, gai_strerror(r));
        return 1;
    }
    int s = socket(res->ai_family, SOCK_STREAM, 0);
    if (connect(s, res->ai_addr, res->ai_addrlen) != 0) {
        printf("FAIL: connect to %s:%s: %s\n", host, port, strerror(errno));
        return 1;
    }
    freeaddrinfo(res);
    struct sockaddr_in me;
    socklen_t len = sizeof me;
    getsockname(s, (struct sockaddr *)&me, &len);
    char a[INET_ADDRSTRLEN];
    printf("connected from %s:%u\n", inet_ntop(AF_INET, &me.sin_addr, a, sizeof a), ntohs(me.sin_port));
    dprintf(s, "%s\n", msg);
    char line[512];
    size_t n = 0;
    ssize_t k;
    while (n < sizeof line - 1 && (k = recv(s, line + n, 1, 0)) == 1 && line[n] != '\n')
        n++;
    line[n] = '\0';
    printf("reply: %s\n", line);
    close(s);
    return 0;
}

/* --- keepalive: a connection whose peer vanishes ends ETIMEDOUT ------------------------------- */

static int keepalive(const char *addr, int port)
{
    struct sockaddr_in a = sin4(addr, port);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) {
        printf("FAIL: connect to %s:%d: %s\n", addr, port, strerror(errno));
        return 1;
    }
    static const struct { int level, name, val; const char *what; } opts[] = {
        {SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE"}, {IPPROTO_TCP, TCP_KEEPIDLE, 1, "TCP_KEEPIDLE"},
        {IPPROTO_TCP, TCP_KEEPINTVL, 1, "TCP_KEEPINTVL"}, {IPPROTO_TCP, TCP_KEEPCNT, 2, "TCP_KEEPCNT"},
    };
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        int v = opts[i].val;
        socklen_t len = sizeof v;
        CHECK(setsockopt(s, opts[i].level, opts[i].name, &v, sizeof v) == 0, "setsockopt %s", opts[i].what);
        v = -1;
        CHECK(getsockopt(s, opts[i].level, opts[i].name, &v, &len) == 0 && v == opts[i].val,
              "getsockopt %s gave %d, set %d", opts[i].what, v, opts[i].val);
    }
    printf("sock keepalive: armed\n");
    double t0 = now();
    char c;
    errno = 0;
    ssize_t n = recv(s, &c, 1, 0);
    int e = errno;
    printf("sock keepalive: recv returned %zd, %s after %.1f s\n", n,
           n < 0 ? (e == ETIMEDOUT ? "ETIMEDOUT" : strerror(e)) : "no error", now() - t0);
    errno = e;
    CHECK(n == -1 && e == ETIMEDOUT, "recv on a connection whose peer vanished");
    int err = -1;
    socklen_t len = sizeof err;
    CHECK(getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0,
          "SO_ERROR after recv reported the error: %d", err);
    CHECK(recv(s, &c, 1, 0) == 0, "a second recv is end of file");
    close(s);
    if (!failures)
        printf("sock keepalive: all checks passed\n");
    return failures != 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc >= 2 && !strcmp(argv[1], "api"))
        return api();
    if (argc >= 2 && !strcmp(argv[1], "dns"))
        return dns();
    if (argc >= 3 && !strcmp(argv[1], "echo"))
        return echo(atoi(argv[2]));
    if (argc >= 5 && !strcmp(argv[1], "connect"))
        return client(argv[2], argv[3], argv[4]);
    if (argc >= 4 && !strcmp(argv[1], "keepalive"))
        return keepalive(argv[2], atoi(argv[3]));
    printf("usage: test_sock api | dns | echo PORT | connect HOST PORT MESSAGE | keepalive ADDR PORT\n");
    return 2;
}

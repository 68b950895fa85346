/*
 * echo: TCP and UDP echo on one port (7, or argv[1]), many clients at once, one thread, poll().
 * Plain POSIX: the same file builds on Linux.
 *   toolchain/libos-run build/examples/echo/echo.elf --net user,hostfwd=tcp::7007-:7,hostfwd=udp::7007-:7
 * then, on the host: python3 -c 'import socket; s=socket.create_connection(("127.0.0.1",7007)); ...'
 *
 * Each TCP client has a small buffer for bytes read but not yet written back: while it holds
 * any, the client is polled for POLLOUT instead of POLLIN, so a client that does not read its
 * echo stops being read (TCP's window then stops it sending).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF 4096

struct client {
    char *buf; /* pending bytes (NULL while none: idle clients cost no buffer) */
    int len, off;
};

static struct pollfd *fds;   /* [0] TCP listener, [1] UDP socket, then the clients */
static struct client *clients;
static int nfds, cap;

static int add_client(int fd)
{
    if (nfds == cap) {
        int ncap = cap ? cap * 2 : 64;
        struct pollfd *f = realloc(fds, ncap * sizeof *f);
        if (!f)
            return -1;
        fds = f;
        struct client *c = realloc(clients, ncap * sizeof *c);
        if (!c)
            return -1;
        clients = c;
        cap = ncap;
    }
    fds[nfds] = (struct pollfd){.fd = fd, .events = POLLIN};
    clients[nfds] = (struct client){0};
    nfds++;
    return 0;
}

static void drop_client(int i)
{
    close(fds[i].fd);
    free(clients[i].buf);
    nfds--;
    fds[i] = fds[nfds];
    clients[i] = clients[nfds];
}

/* Serve client i; returns 0 when it is gone (and slot i now holds another client). */
static int serve(int i)
{
    struct client *c = &clients[i];
    if (c->buf) {
        ssize_t w = write(fds[i].fd, c->buf + c->off, c->len - c->off);
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            goto gone;
        c->off += w > 0 ? (int)w : 0;
        if (c->off == c->len) {
            free(c->buf);
            c->buf = NULL;
            fds[i].events = POLLIN;
        }
        return 1;
    }
    char buf[BUF];
    ssize_t r = read(fds[i].fd, buf, sizeof buf);
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 1;
    if (r <= 0)
        goto gone;
    ssize_t w = write(fds[i].fd, buf, (size_t)r);
    if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        goto gone;
    if (w < 0)
        w = 0;
    if (w < r) {
        c->buf = malloc((size_t)(r - w));
        if (!c->buf)
            goto gone;
        memcpy(c->buf, buf + w, (size_t)(r - w));
        c->len = (int)(r - w);
        c->off = 0;
        fds[i].events = POLLOUT;
    }
    return 1;
gone:
    drop_client(i);
    return 0;
}

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 7;
    if (port <= 0 || port > 65535) {
        fprintf(stderr, "usage: echo [PORT]\n");
        return 2;
    }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port),
                             .sin_addr.s_addr = htonl(INADDR_ANY)};
    int one = 1;
    int t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
    if (t < 0 || u < 0 || setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(t, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(t, 128) != 0 ||
        bind(u, (struct sockaddr *)&sa, sizeof sa) != 0 || fcntl(t, F_SETFL, O_NONBLOCK) != 0 ||
        fcntl(u, F_SETFL, O_NONBLOCK) != 0) {
        perror("echo: cannot listen");
        return 1;
    }
    add_client(t);
    add_client(u);
    printf("echo: tcp and udp on port %d\n", port);
    fflush(stdout);
    for (;;) {
        if (poll(fds, (nfds_t)nfds, -1) < 0) {
            if (errno == EINTR)
                continue;
            perror("echo: poll");
            return 1;
        }
        if (fds[1].revents & POLLIN) {
            char buf[65536];
            struct sockaddr_in from;
            socklen_t fl = sizeof from;
            ssize_t r;
            while ((r = recvfrom(u, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl)) >= 0) {
                sendto(u, buf, (size_t)r, 0, (struct sockaddr *)&from, fl);
                fl = sizeof from;
            }
        }
        /* Clients first (from the end: a dropped one's slot gets the last client, served
         * already), then new ones, which this turn's revents do not cover. */
        for (int i = nfds - 1; i >= 2; i--)
            if (fds[i].revents)
                serve(i);
        if (fds[0].revents & POLLIN) {
            int fd;
            while ((fd = accept(t, NULL, NULL)) >= 0) {
                if (fcntl(fd, F_SETFL, O_NONBLOCK) != 0 || add_client(fd) != 0)
                    close(fd);
            }
        }
    }
}

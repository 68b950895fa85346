/*
 * fetch: GET a URL and print the response (status line, headers and body) to stdout.
 *   fetch http://HOST[:PORT]/PATH      (HOST: a name getaddrinfo resolves, or an address)
 *   toolchain/libos-run build/examples/fetch/fetch.elf --net user -- http://10.0.2.2:8000/
 * Exit status 0 when a response came (whatever its status), 1 otherwise with a line saying why.
 * Plain POSIX: the same file builds on Linux.
 */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 2 || strncmp(argv[1], "http://", 7) != 0) {
        fprintf(stderr, "usage: fetch http://HOST[:PORT]/PATH\n");
        return 2;
    }
    char host[256], port[8] = "80";
    const char *h = argv[1] + 7, *path = strchr(h, '/');
    size_t hl = path ? (size_t)(path - h) : strlen(h);
    if (!path)
        path = "/";
    if (hl == 0 || hl >= sizeof host) {
        fprintf(stderr, "fetch: bad host in %s\n", argv[1]);
        return 2;
    }
    memcpy(host, h, hl);
    host[hl] = 0;
    char *colon = strrchr(host, ':');
    if (colon && !strchr(colon, ']')) {
        if (strlen(colon + 1) == 0 || strlen(colon + 1) >= sizeof port) {
            fprintf(stderr, "fetch: bad port in %s\n", argv[1]);
            return 2;
        }
        strcpy(port, colon + 1);
        *colon = 0;
    }
    if (host[0] == '[') { /* [IPv6] */
        size_t l = strlen(host);
        if (l < 3 || host[l - 1] != ']') {
            fprintf(stderr, "fetch: bad host in %s\n", argv[1]);
            return 2;
        }
        memmove(host, host + 1, l - 2);
        host[l - 2] = 0;
    }

    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res, *ai;
    int e = getaddrinfo(host, port, &hints, &res);
    if (e != 0) {
        fprintf(stderr, "fetch: %s: %s\n", host, gai_strerror(e));
        return 1;
    }
    int fd = -1;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        perror("fetch: connect");
        return 1;
    }
    char req[1024];
    int n = snprintf(req, sizeof req,
                     "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: libos-fetch\r\n"
                     "Connection: close\r\n\r\n", path, host);
    if (n < 0 || (size_t)n >= sizeof req) {
        fprintf(stderr, "fetch: URL too long\n");
        return 2;
    }
    for (int off = 0; off < n;) {
        ssize_t w = send(fd, req + off, (size_t)(n - off), 0);
        if (w <= 0) {
            perror("fetch: send");
            return 1;
        }
        off += (int)w;
    }
    char buf[4096];
    ssize_t r;
    long total = 0;
    while ((r = recv(fd, buf, sizeof buf, 0)) > 0) {
        fwrite(buf, 1, (size_t)r, stdout);
        total += r;
    }
    fflush(stdout);
    close(fd);
    if (r < 0) {
        perror("fetch: recv");
        return 1;
    }
    if (total == 0) {
        fprintf(stderr, "fetch: the server closed the connection without a response\n");
        return 1;
    }
    return 0;
}

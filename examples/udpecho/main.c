/*
 * udpecho: answers every UDP datagram on port 7 (or argv[1]) with the same bytes, over IPv4 and
 * IPv6 (one AF_INET6 socket takes v4-mapped senders too), through POSIX sockets. The NIC is
 * configured at boot:
 *   toolchain/libos-run udpecho.elf --net user,hostfwd=udp::5555-:7
 * then, on the host: echo hi | nc -u -w1 127.0.0.1 5555
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
    unsigned port = argc > 1 ? (unsigned)atoi(argv[1]) : 7;
    int s = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0) {
        printf("udpecho: cannot bind port %u\n", port);
        return 1;
    }
    printf("udpecho: listening on port %u\n", port);
    for (;;) {
        static char buf[65536];
        struct sockaddr_in6 from;
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
        if (n < 0)
            return 1;
        sendto(s, buf, (size_t)n, 0, (struct sockaddr *)&from, len); /* back to the sender */
    }
}

/*
 * udpecho: answers every UDP datagram on port 7 (or argv[1]) with the same bytes, over IPv4 and
 * IPv6, through lwIP's netconn API (POSIX sockets come later). The NIC is configured at boot:
 *   toolchain/libos-run udpecho.elf --net user,hostfwd=udp::5555-:7
 * then, on the host: echo hi | nc -u -w1 127.0.0.1 5555
 */
#include <lwip/api.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    unsigned port = argc > 1 ? (unsigned)atoi(argv[1]) : 7;
    struct netconn *c = netconn_new(NETCONN_UDP_IPV6); /* IPv6 and IPv4-mapped: both families */
    if (!c || netconn_bind(c, IP6_ADDR_ANY, (u16_t)port) != ERR_OK) {
        printf("udpecho: cannot bind port %u\n", port);
        return 1;
    }
    printf("udpecho: listening on port %u\n", port);
    for (;;) {
        struct netbuf *b;
        if (netconn_recv(c, &b) != ERR_OK)
            return 1;
        netconn_send(c, b); /* back to where it came from (the netbuf keeps the sender) */
        netbuf_delete(b);
    }
}

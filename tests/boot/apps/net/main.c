/*
 * The network's boot test image (tests/boot/nettest.py drives it from the host):
 *   test_net [echo [PORT]]   print each NIC's addresses, then echo UDP datagrams on PORT (7)
 *                            through POSIX sockets until one says "quit"; exit 0. A thread
 *                            echoes TCP connections on the same port meanwhile, one at a time.
 *   test_net need-ipv4       exit 0 when eth0 has an IPv4 address, 3 when it has none
 *   test_net unlocked        a raw-API call without libos_net_lock, which must panic
 * "net: udp echo ready on port N" tells the host when to send.
 */
#include <libos/net.h>

#include <lwip/dns.h>
#include <lwip/netif.h>
#include <lwip/udp.h>

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void print_nics(void)
{
    for (unsigned i = 0; i < libos_net_count(); i++) {
        struct netif *n = libos_net_netif(i);
        char a[IP6ADDR_STRLEN_MAX];
        printf("nic eth%u: mac %02x:%02x:%02x:%02x:%02x:%02x mtu %u ipv4 %s", i, n->hwaddr[0], n->hwaddr[1],
               n->hwaddr[2], n->hwaddr[3], n->hwaddr[4], n->hwaddr[5], n->mtu,
               ip4addr_ntoa_r(netif_ip4_addr(n), a, sizeof a));
        printf(" ipv6 %s\n", ip6addr_ntoa_r(netif_ip6_addr(n, 0), a, sizeof a));
    }
    for (u8_t k = 0; k < DNS_MAX_SERVERS; k++) {
        const ip_addr_t *d = dns_getserver(k);
        char a[IPADDR_STRLEN_MAX];
        if (!ip_addr_isany(d))
            printf("dns %u: %s\n", k, ipaddr_ntoa_r(d, a, sizeof a));
    }
}

/* TCP echo: every byte of each connection back, until the client closes. */
static void *tcp_echo(void *arg)
{
    unsigned port = *(unsigned *)arg;
    int l = socket(AF_INET6, SOCK_STREAM, 0); /* dual stack: IPv4 and IPv6 */
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) != 0 || listen(l, 8) != 0) {
        printf("FAIL: cannot listen on TCP port %u\n", port);
        return NULL;
    }
    for (;;) {
        int c = accept(l, NULL, NULL);
        if (c < 0)
            continue;
        unsigned long total = 0;
        static char buf[16384];
        ssize_t n;
        int ok = 1;
        while (ok && (n = recv(c, buf, sizeof buf, 0)) > 0) {
            ok = send(c, buf, (size_t)n, 0) == n;
            total += (unsigned long)n;
        }
        printf("net: tcp connection closed after %lu bytes%s\n", total, ok ? "" : " (write failed)");
        close(c);
    }
}

static int echo(unsigned port)
{
    static unsigned tcp_port;
    pthread_t t;
    tcp_port = port;
    if (pthread_create(&t, NULL, tcp_echo, &tcp_port) != 0) {
        printf("FAIL: pthread_create\n");
        return 1;
    }
    int u = socket(AF_INET6, SOCK_DGRAM, 0); /* dual stack: IPv4 and IPv6 */
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
    if (u < 0 || bind(u, (struct sockaddr *)&a, sizeof a) != 0) {
        printf("FAIL: cannot bind UDP port %u\n", port);
        return 1;
    }
    printf("net: udp echo ready on port %u\n", port);
    fflush(stdout);
    unsigned n = 0;
    for (;;) {
        static char buf[65536];
        struct sockaddr_in6 from;
        socklen_t len = sizeof from;
        ssize_t k = recvfrom(u, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
        if (k < 0) {
            printf("FAIL: recvfrom: %s\n", strerror(errno));
            return 1;
        }
        int quit = k == 4 && memcmp(buf, "quit", 4) == 0;
        if (sendto(u, buf, (size_t)k, 0, (struct sockaddr *)&from, len) != k) {
            printf("FAIL: sendto: %s\n", strerror(errno));
            return 1;
        }
        n++;
        if (quit) {
            printf("net: echoed %u datagrams\n", n);
            close(u);
            return 0;
        }
    }
}

int main(int argc, char **argv)
{
    print_nics();
    if (argc > 1 && strcmp(argv[1], "need-ipv4") == 0)
        return libos_net_count() && !ip4_addr_isany_val(*netif_ip4_addr(libos_net_netif(0))) ? 0 : 3;
    if (argc > 1 && strcmp(argv[1], "unlocked") == 0) {
        libos_net_lock();
        struct udp_pcb *ok = udp_new(); /* with the lock: fine */
        udp_remove(ok);
        libos_net_unlock();
        printf("net: raw calls under the lock are fine\n");
        fflush(stdout);
        udp_new(); /* without it: a panic */
        printf("FAIL: udp_new without the core lock did not panic\n");
        return 1;
    }
    return echo(argc > 2 ? (unsigned)atoi(argv[2]) : 7);
}

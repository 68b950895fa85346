/*
 * The network's boot test image (tests/boot/nettest.py drives it from the host):
 *   test_net [echo [PORT]]   print each NIC's addresses, then echo UDP datagrams on PORT (7)
 *                            through lwIP's netconn API until one says "quit"; exit 0. A thread
 *                            echoes TCP connections on the same port meanwhile, one at a time.
 *                            A datagram "stats" is answered with eth0's counters instead.
 *   test_net need-ipv4       exit 0 when eth0 has an IPv4 address, 3 when it has none
 *   test_net unlocked        a raw-API call without libos_net_lock, which must panic
 * "net: udp echo ready on port N" tells the host when to send.
 */
#include <libos/net.h>

#include <lwip/api.h>
#include <lwip/dns.h>
#include <lwip/netif.h>
#include <lwip/udp.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    struct netconn *l = netconn_new(NETCONN_TCP_IPV6);
    if (!l || netconn_bind(l, IP6_ADDR_ANY, (u16_t)port) != ERR_OK || netconn_listen(l) != ERR_OK) {
        printf("FAIL: cannot listen on TCP port %u\n", port);
        return NULL;
    }
    for (;;) {
        struct netconn *c;
        if (netconn_accept(l, &c) != ERR_OK)
            continue;
        unsigned long total = 0;
        struct netbuf *b;
        err_t e = ERR_OK;
        while (e == ERR_OK && netconn_recv(c, &b) == ERR_OK) {
            do {
                void *d;
                u16_t len;
                netbuf_data(b, &d, &len);
                e = netconn_write(c, d, len, NETCONN_COPY);
                total += len;
            } while (e == ERR_OK && netbuf_next(b) >= 0);
            netbuf_delete(b);
        }
        printf("net: tcp connection closed after %lu bytes%s\n", total, e == ERR_OK ? "" : " (write failed)");
        netconn_close(c);
        netconn_delete(c);
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
    struct netconn *c = netconn_new(NETCONN_UDP_IPV6); /* dual stack: IPv4 and IPv6 */
    if (!c || netconn_bind(c, IP6_ADDR_ANY, (u16_t)port) != ERR_OK) {
        printf("FAIL: cannot bind UDP port %u\n", port);
        return 1;
    }
    printf("net: udp echo ready on port %u\n", port);
    fflush(stdout);
    unsigned n = 0;
    for (;;) {
        struct netbuf *b;
        err_t e = netconn_recv(c, &b);
        if (e != ERR_OK) {
            printf("FAIL: netconn_recv: %d\n", e);
            return 1;
        }
        char head[6] = {0};
        netbuf_copy(b, head, 5);
        int quit = netbuf_len(b) == 4 && memcmp(head, "quit", 4) == 0;
        struct libos_net_counters k;
        if (netbuf_len(b) == 5 && memcmp(head, "stats", 5) == 0 && libos_net_counters(0, &k) == 0) {
            char line[120]; /* the answer is eth0's counters instead of the echo */
            int len = snprintf(line, sizeof line, "interrupts %llu notifications %llu rx %llu tx %llu",
                               (unsigned long long)k.interrupts, (unsigned long long)k.notifications,
                               (unsigned long long)k.rx_frames, (unsigned long long)k.tx_frames);
            struct netbuf *r = netbuf_new();
            void *d = r ? netbuf_alloc(r, (u16_t)len) : NULL; /* a copy: the NIC sends it later */
            if (d) {
                memcpy(d, line, (size_t)len);
                netconn_sendto(c, r, netbuf_fromaddr(b), netbuf_fromport(b));
            }
            netbuf_delete(r);
            netbuf_delete(b);
            continue;
        }
        e = netconn_send(c, b);
        netbuf_delete(b);
        if (e != ERR_OK) {
            printf("FAIL: netconn_send: %d\n", e);
            return 1;
        }
        n++;
        if (quit) {
            printf("net: echoed %u datagrams\n", n);
            netconn_delete(c);
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

/*
 * A TCP server on lwIP's raw API, for the connection tests (tests/boot/tcptest.py drives it):
 *   test_tcpserve PORT HOLDPORT BACKLOG
 * On PORT every connection reads commands, one per segment:
 *   close    answer "bye\n" and close: the guest closes first, so its PCB ends in TIME-WAIT
 *   stats    answer one line of counters (below) and close
 *   release  accept what HOLDPORT holds (answering "hi\n" on each, then closing), answer "ok\n"
 *            and close
 *   quit     answer "bye\n", close, and end the program (exit 0)
 *   stall    from now on, take the connection's data without reading it (no tcp_recved): its
 *            receive window closes as data comes
 *   count    answer "count: frames F input N ns heap H KiB\n" (eth0's received frames, lwIP's
 *            time over them: libos_net_counters; the heap in use), the connection stays open
 *   anything else is echoed back, the connection stays open.
 * HOLDPORT listens with a backlog of BACKLOG and holds every connection it gets without
 * accepting it (tcp_backlog_delayed, what a socket layer does until the app calls accept), so
 * the host can fill the backlog and see what lwIP does with the SYNs after that.
 * The stats line: "stats: pcbs U/A max M exhausted E, active N, time-wait T, held H, rst R"
 * (lwIP's TCP_PCB pool counters, the PCBs on each list, connections held on HOLDPORT, and the
 * TCP resets the guest sent, counted by a wrapper around eth0's output).
 * Raw-API calls run under libos_net_lock; the callbacks run with it held.
 */
#include <libos/net.h>

#include <lwip/ip.h>
#include <lwip/netif.h>
#include <lwip/priv/tcp_priv.h>
#include <lwip/prot/ip4.h>
#include <lwip/prot/tcp.h>
#include <lwip/stats.h>
#include <lwip/tcp.h>

#include <libos/sched.h>
#include <libos/time.h>

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOLD_MAX 64

static struct tcp_pcb *held[HOLD_MAX];
static unsigned nheld, resets;
static int quitting;
static netif_output_fn eth0_output;

/* eth0's IPv4 output with a count of the TCP resets in it. */
static err_t counting_output(struct netif *n, struct pbuf *p, const ip4_addr_t *to)
{
    if (p->len >= IP_HLEN + TCP_HLEN) {
        const struct ip_hdr *ip = p->payload;
        unsigned hl = IPH_HL_BYTES(ip);
        if (IPH_PROTO(ip) == IP_PROTO_TCP && p->len >= hl + TCP_HLEN) {
            const struct tcp_hdr *t = (const struct tcp_hdr *)((const u8_t *)p->payload + hl);
            if (TCPH_FLAGS(t) & TCP_RST)
                resets++;
        }
    }
    return eth0_output(n, p, to);
}

static unsigned count(struct tcp_pcb *list)
{
    unsigned n = 0;
    for (; list; list = list->next)
        n++;
    return n;
}

static void reply_and_close(struct tcp_pcb *pcb, const char *text)
{
    tcp_write(pcb, text, (u16_t)strlen(text), TCP_WRITE_FLAG_COPY);
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    if (tcp_close(pcb) != ERR_OK)
        tcp_abort(pcb);
}

static void release_held(void)
{
    for (unsigned i = 0; i < nheld; i++) {
        tcp_backlog_accepted(held[i]);
        reply_and_close(held[i], "hi\n");
    }
    nheld = 0;
}

/* A stalled connection: its data is dropped unread, so the window shrinks. */
static err_t hoard(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg, (void)err;
    if (!p) {
        tcp_recv(pcb, NULL);
        if (tcp_close(pcb) != ERR_OK) {
            tcp_abort(pcb);
            return ERR_ABRT;
        }
        return ERR_OK;
    }
    pbuf_free(p);
    return ERR_OK;
}

static err_t received(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg, (void)err;
    if (!p) { /* the client closed: so do we */
        tcp_recv(pcb, NULL);
        if (tcp_close(pcb) != ERR_OK) {
            tcp_abort(pcb);
            return ERR_ABRT;
        }
        return ERR_OK;
    }
    char cmd[8] = {0};
    pbuf_copy_partial(p, cmd, sizeof cmd - 1, 0);
    tcp_recved(pcb, p->tot_len);
    if (strncmp(cmd, "close", 5) == 0) {
        reply_and_close(pcb, "bye\n");
    } else if (strncmp(cmd, "stats", 5) == 0) {
        char line[160];
        const struct stats_mem *m = lwip_stats.memp[MEMP_TCP_PCB];
        snprintf(line, sizeof line, "stats: pcbs %u/%u max %u exhausted %u, active %u, time-wait %u, held %u, rst %u\n",
                 (unsigned)m->used, (unsigned)m->avail, (unsigned)m->max, (unsigned)m->err,
                 count(tcp_active_pcbs), count(tcp_tw_pcbs), nheld, resets);
        reply_and_close(pcb, line);
    } else if (strncmp(cmd, "stall", 5) == 0) {
        tcp_recv(pcb, hoard);
    } else if (strncmp(cmd, "count", 5) == 0) {
        struct libos_net_counters k = {0};
        char line[80];
        libos_net_counters(0, &k);
        snprintf(line, sizeof line, "count: frames %llu input %llu ns heap %u KiB\n",
                 (unsigned long long)k.rx_frames, (unsigned long long)k.input_ns,
                 (unsigned)(mallinfo().uordblks / 1024));
        tcp_write(pcb, line, (u16_t)strlen(line), TCP_WRITE_FLAG_COPY);
        tcp_output(pcb);
    } else if (strncmp(cmd, "release", 7) == 0) {
        release_held();
        reply_and_close(pcb, "ok\n");
    } else if (strncmp(cmd, "quit", 4) == 0) {
        reply_and_close(pcb, "bye\n");
        quitting = 1;
    } else {
        for (struct pbuf *q = p; q; q = q->next)
            tcp_write(pcb, q->payload, q->len, TCP_WRITE_FLAG_COPY);
        tcp_output(pcb);
    }
    pbuf_free(p);
    return ERR_OK;
}

static err_t accepted(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    tcp_recv(pcb, received);
    return ERR_OK;
}

/* HOLDPORT: keep the connection in the backlog, as an accept queue would. */
static err_t hold(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    if (nheld == HOLD_MAX) {
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    tcp_backlog_delayed(pcb);
    held[nheld++] = pcb;
    return ERR_OK;
}

static struct tcp_pcb *listen_on(unsigned port, unsigned backlog, tcp_accept_fn fn)
{
    struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_ANY);
    if (!pcb || tcp_bind(pcb, IP_ANY_TYPE, (u16_t)port) != ERR_OK)
        return NULL;
    struct tcp_pcb *l = tcp_listen_with_backlog(pcb, (u8_t)backlog);
    if (l)
        tcp_accept(l, fn);
    return l;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        printf("usage: test_tcpserve PORT HOLDPORT BACKLOG\n");
        return 2;
    }
    unsigned port = (unsigned)atoi(argv[1]), hport = (unsigned)atoi(argv[2]), backlog = (unsigned)atoi(argv[3]);
    if (libos_net_wait_ipv4(0, 0) != 0) {
        printf("FAIL: no eth0\n");
        return 1;
    }
    libos_net_lock();
    struct netif *n = libos_net_netif(0);
    eth0_output = n->output;
    n->output = counting_output;
    struct tcp_pcb *l = listen_on(port, 255, accepted), *h = listen_on(hport, backlog, hold);
    libos_net_unlock();
    if (!l || !h) {
        printf("FAIL: cannot listen on ports %u and %u\n", port, hport);
        return 1;
    }
    printf("tcpserve: listening on %u, holding on %u with backlog %u\n", port, hport, backlog);
    fflush(stdout);
    while (!quitting)
        libos_sleep_until(libos_time_monotonic_ns() + 20 * 1000 * 1000);
    libos_sleep_until(libos_time_monotonic_ns() + 200 * 1000 * 1000); /* the last answer goes out */
    printf("tcpserve: done\n");
    return 0;
}

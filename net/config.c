/*
 * The network's kernel parameters (pure logic: no lwIP, no allocation; tests/unit builds it for
 * the host). Grammar, one word each, documented in docs/networking.md:
 *   net.ethN=ADDR/PREFIX[,gw=ADDR][,dns=ADDR]...   static IPv4 (at most two dns)
 *   net.ethN=dhcp                                   DHCP (also what an unnamed NIC gets)
 *   net.ethN=off                                    leave the NIC down
 *   net.hostname=NAME                               sent with DHCP requests
 *   net.dhcp_wait=SECONDS                           boot waits this long for leases (0: not)
 *   net.max_conns=N                                 TCP connections the pools hold (pools.c)
 * Every other net.* word is refused, with its reason.
 */
#include "config.h"

#include <string.h>

/* A dotted quad at *s, to its end or a ','; network byte order in *out. */
static int parse_ip4(const char **s, uint32_t *out)
{
    uint8_t b[4];
    const char *p = *s;
    for (int i = 0; i < 4; i++) {
        unsigned v = 0, digits = 0;
        while (*p >= '0' && *p <= '9' && digits < 4)
            v = v * 10 + (unsigned)(*p++ - '0'), digits++;
        if (!digits || digits > 3 || v > 255 || (i < 3 && *p++ != '.'))
            return -1;
        b[i] = (uint8_t)v;
    }
    memcpy(out, b, 4);
    *s = p;
    return 0;
}

static int parse_uint(const char **s, unsigned max, unsigned *out)
{
    const char *p = *s;
    unsigned v = 0;
    if (*p < '0' || *p > '9')
        return -1;
    while (*p >= '0' && *p <= '9') {
        v = v * 10 + (unsigned)(*p++ - '0');
        if (v > max)
            return -1;
    }
    *out = v;
    *s = p;
    return 0;
}

static int parse_static(struct net_if_config *n, const char *s, const char **why)
{
    unsigned prefix;
    *why = "expected ADDR/PREFIX (e.g. 10.0.2.15/24), dhcp or off";
    if (parse_ip4(&s, &n->addr) || *s++ != '/' || parse_uint(&s, 32, &prefix))
        return -1;
    uint32_t m = prefix ? ~0u << (32 - prefix) : 0;
    uint8_t mb[4] = {(uint8_t)(m >> 24), (uint8_t)(m >> 16), (uint8_t)(m >> 8), (uint8_t)m};
    memcpy(&n->mask, mb, 4);
    while (*s == ',') {
        s++;
        if (strncmp(s, "gw=", 3) == 0) {
            s += 3;
            *why = "gw=: expected an IPv4 address";
            if (parse_ip4(&s, &n->gw))
                return -1;
        } else if (strncmp(s, "dns=", 4) == 0) {
            s += 4;
            *why = n->ndns == 2 ? "dns=: at most two servers" : "dns=: expected an IPv4 address";
            if (n->ndns == 2 || parse_ip4(&s, &n->dns[n->ndns]))
                return -1;
            n->ndns++;
        } else {
            *why = "unknown option after the address (known: gw=ADDR, dns=ADDR)";
            return -1;
        }
        if (*s && *s != ',') {
            *why = "unexpected characters after an address";
            return -1;
        }
    }
    if (*s) {
        *why = "unexpected characters after the address";
        return -1;
    }
    n->dhcp = 0;
    return 0;
}

int libos_net_config_word(struct net_config *c, const char *w, const char **why)
{
    if (strncmp(w, "hostname=", 9) == 0) {
        size_t n = strlen(w + 9);
        *why = "hostname=: 1 to 63 characters";
        if (n == 0 || n >= sizeof c->hostname)
            return -1;
        memcpy(c->hostname, w + 9, n + 1);
        return 0;
    }
    if (strncmp(w, "dhcp_wait=", 10) == 0) {
        const char *s = w + 10;
        unsigned secs;
        *why = "dhcp_wait=: seconds, 0 to 600";
        if (parse_uint(&s, 600, &secs) || *s)
            return -1;
        c->dhcp_wait_ms = secs * 1000;
        return 0;
    }
    if (strncmp(w, "max_conns=", 10) == 0) {
        const char *s = w + 10;
        unsigned n;
        *why = "max_conns=: connections, 1 to 65535";
        if (parse_uint(&s, NET_MAX_CONNS_LIMIT, &n) || *s || n == 0)
            return -1;
        c->max_conns = n;
        return 0;
    }
    if (strncmp(w, "eth", 3) == 0 && w[3] >= '0' && w[3] <= '9' && w[4] == '=') {
        unsigned i = (unsigned)(w[3] - '0');
        *why = "at most " "8" " interfaces (eth0 to eth7)";
        if (i >= NET_NIC_MAX)
            return -1;
        struct net_if_config *n = &c->nic[i];
        *why = "interface configured twice";
        if (n->given)
            return -1;
        *n = (struct net_if_config){0};
        n->given = 1;
        n->dhcp = 1;
        const char *v = w + 5;
        if (strcmp(v, "dhcp") == 0)
            return 0;
        if (strcmp(v, "off") == 0) {
            n->off = 1;
            n->dhcp = 0;
            return 0;
        }
        return parse_static(n, v, why);
    }
    *why = "unknown word (known: net.ethN=..., net.hostname=, net.dhcp_wait=, net.max_conns=)";
    return -1;
}

/*
 * Names and services (<netdb.h>): getaddrinfo, getnameinfo, gethostbyname.
 *
 * Hosts: numeric addresses (inet_aton's forms for IPv4, inet_pton's for IPv6 with an optional
 * %scope: an interface name or number), "localhost" (127.0.0.1 and ::1), and other names
 * through lwIP's DNS client (dns_gethostbyname under the core lock) with a bounded wait of
 * RESOLVE_WAIT_MS; the request lives on the heap, so an answer arriving after the wait gave up
 * frees it instead of writing into a stack that is gone. Services: decimal numbers and a few
 * well-known names (there is no /etc/services). getnameinfo is numeric only: there is no reverse
 * DNS, so NI_NAMEREQD fails EAI_NONAME.
 */
#include <libos/net.h>
#include <libos/sched.h>
#include <libos/time.h>

#include <lwip/dns.h>
#include <lwip/ip_addr.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RESOLVE_WAIT_MS 5000
#define MAX_ADDRS 2

int h_errno;

struct addr {
    int family;
    uint8_t a[16];
    uint32_t scope;
};

struct lookup {
    int done, abandoned, ok;
    ip_addr_t ip;
    struct libos_waitq wq;
};

/* lwIP's DNS answer (core lock held). */
static void found(const char *name, const ip_addr_t *ip, void *arg)
{
    struct lookup *l = arg;
    (void)name;
    if (l->abandoned) {
        free(l);
        return;
    }
    l->done = 1;
    if (ip) {
        l->ok = 1;
        ip_addr_copy(l->ip, *ip);
    }
    libos_wake_all(&l->wq);
}

/* One address for name from DNS: 0, or an EAI_ code. */
static int dns_lookup(const char *name, int family, struct addr *out)
{
    if (strlen(name) >= DNS_MAX_NAME_LENGTH)
        return EAI_NONAME;
    struct lookup *l = calloc(1, sizeof *l);
    if (!l)
        return EAI_MEMORY;
    l->wq = (struct libos_waitq)LIBOS_WAITQ_INIT("a DNS answer", 0);
    u8_t type = family == AF_INET ? LWIP_DNS_ADDRTYPE_IPV4
              : family == AF_INET6 ? LWIP_DNS_ADDRTYPE_IPV6 : LWIP_DNS_ADDRTYPE_IPV4_IPV6;
    int r = 0;
    libos_net_lock();
    err_t e = dns_gethostbyname_addrtype(name, &l->ip, found, l, type);
    if (e == ERR_OK) {
        l->ok = l->done = 1;
    } else if (e == ERR_INPROGRESS) {
        uint64_t deadline = libos_time_monotonic_ns() + RESOLVE_WAIT_MS * 1000000ull;
        while (!l->done) {
            libos_net_unlock();
            int t = libos_wait(&l->wq, deadline);
            libos_net_lock();
            if (t != 0 && !l->done)
                break;
        }
        if (!l->done) {
            l->abandoned = 1; /* found() frees it */
            libos_net_unlock();
            return EAI_AGAIN;
        }
    } else {
        r = e == ERR_MEM ? EAI_MEMORY : EAI_FAIL; /* ERR_ARG: no DNS server, or a bad name */
        if (e == ERR_ARG && dns_getserver(0) && ip_addr_isany(dns_getserver(0)))
            r = EAI_AGAIN;
    }
    libos_net_unlock();
    if (!r && !l->ok)
        r = EAI_NONAME;
    if (!r) {
        if (IP_IS_V4(&l->ip)) {
            out->family = AF_INET;
            memcpy(out->a, &ip_2_ip4(&l->ip)->addr, 4);
        } else {
            out->family = AF_INET6;
            memcpy(out->a, ip_2_ip6(&l->ip)->addr, 16);
        }
        out->scope = 0;
    }
    free(l);
    return r;
}

/* "fe80::1%eth0" or "%2": the address and its scope. 1 when numeric IPv6. */
static int numeric6(const char *s, struct addr *out)
{
    char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 1];
    const char *pct = strchr(s, '%');
    size_t n = pct ? (size_t)(pct - s) : strlen(s);
    if (n >= INET6_ADDRSTRLEN)
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (inet_pton(AF_INET6, buf, out->a) != 1)
        return 0;
    out->family = AF_INET6;
    out->scope = 0;
    if (pct) {
        char *end;
        unsigned long v = strtoul(pct + 1, &end, 10);
        if (pct[1] && !*end)
            out->scope = (uint32_t)v;
        else if (!(out->scope = if_nametoindex(pct + 1)))
            return 0;
    }
    return 1;
}

static const struct {
    const char *name;
    unsigned short port;
} services[] = {
    {"echo", 7}, {"ftp", 21}, {"ssh", 22}, {"telnet", 23}, {"smtp", 25}, {"domain", 53},
    {"http", 80}, {"pop3", 110}, {"ntp", 123}, {"imap", 143}, {"https", 443}, {"http-alt", 8080},
};

/* The port of service (NULL: 0): 0 and *port, or an EAI_ code. */
static int service_port(const char *service, int flags, unsigned *port)
{
    *port = 0;
    if (!service)
        return 0;
    char *end;
    unsigned long v = strtoul(service, &end, 10);
    if (*service && !*end) {
        if (v > 65535)
            return EAI_SERVICE;
        *port = (unsigned)v;
        return 0;
    }
    if (flags & AI_NUMERICSERV)
        return EAI_NONAME;
    for (size_t i = 0; i < sizeof services / sizeof services[0]; i++)
        if (!strcmp(service, services[i].name)) {
            *port = services[i].port;
            return 0;
        }
    return EAI_SERVICE;
}

/* One result (an address with a socket type), in one allocation freeaddrinfo frees. */
static struct addrinfo *result(const struct addr *a, int socktype, int protocol, unsigned port,
                               const char *canon)
{
    size_t clen = canon ? strlen(canon) + 1 : 0;
    struct addrinfo *ai = calloc(1, sizeof *ai + sizeof(struct sockaddr_in6) + clen);
    if (!ai)
        return NULL;
    void *sa = ai + 1;
    ai->ai_family = a->family;
    ai->ai_socktype = socktype;
    ai->ai_protocol = protocol ? protocol : socktype == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
    ai->ai_addr = sa;
    if (a->family == AF_INET) {
        struct sockaddr_in *in = sa;
        in->sin_family = AF_INET;
        in->sin_port = htons((uint16_t)port);
        memcpy(&in->sin_addr, a->a, 4);
        ai->ai_addrlen = sizeof *in;
    } else {
        struct sockaddr_in6 *in6 = sa;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        memcpy(&in6->sin6_addr, a->a, 16);
        in6->sin6_scope_id = a->scope;
        ai->ai_addrlen = sizeof *in6;
    }
    if (canon) {
        ai->ai_canonname = (char *)sa + sizeof(struct sockaddr_in6);
        memcpy(ai->ai_canonname, canon, clen);
    }
    return ai;
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res)
{
    int flags = hints ? hints->ai_flags : 0;
    int family = hints ? hints->ai_family : AF_UNSPEC;
    int socktype = hints ? hints->ai_socktype : 0;
    int protocol = hints ? hints->ai_protocol : 0;
    if (flags & ~(AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | AI_ALL | AI_ADDRCONFIG | AI_NUMERICSERV))
        return EAI_BADFLAGS;
    if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6)
        return EAI_FAMILY;
    if (socktype != 0 && socktype != SOCK_STREAM && socktype != SOCK_DGRAM)
        return EAI_SOCKTYPE;
    if (protocol && protocol != IPPROTO_TCP && protocol != IPPROTO_UDP)
        return EAI_SOCKTYPE;
    if (!node && !service)
        return EAI_NONAME;
    if (!node && (flags & AI_CANONNAME))
        return EAI_BADFLAGS;
    unsigned port;
    int r = service_port(service, flags, &port);
    if (r)
        return r;

    struct addr addrs[MAX_ADDRS];
    int n = 0;
    struct in_addr in;
    if (!node || !strcmp(node, "localhost")) {
        int passive = !node && (flags & AI_PASSIVE);
        addrs[0] = (struct addr){AF_INET, {0}, 0};
        addrs[1] = (struct addr){AF_INET6, {0}, 0};
        if (!passive) {
            uint32_t lo = htonl(INADDR_LOOPBACK);
            memcpy(addrs[0].a, &lo, 4);
            addrs[1].a[15] = 1;
        }
        n = 2;
    } else if (inet_aton(node, &in)) {
        addrs[0] = (struct addr){AF_INET, {0}, 0};
        memcpy(addrs[0].a, &in, 4);
        n = 1;
    } else if (numeric6(node, &addrs[0])) {
        n = 1;
    } else if (flags & AI_NUMERICHOST) {
        return EAI_NONAME;
    } else {
        if ((r = dns_lookup(node, family, &addrs[0])) != 0)
            return r;
        n = 1;
    }
    /* Keep the family asked for; AI_V4MAPPED turns IPv4 into v4-mapped IPv6 when there is no
     * IPv6 result. */
    int have6 = 0, kept = 0;
    for (int i = 0; i < n; i++)
        have6 |= addrs[i].family == AF_INET6;
    for (int i = 0; i < n; i++) {
        struct addr a = addrs[i];
        if (family == AF_INET6 && a.family == AF_INET) {
            if (!(flags & AI_V4MAPPED) || (have6 && !(flags & AI_ALL)))
                continue;
            memmove(a.a + 12, a.a, 4);
            memset(a.a, 0, 10);
            a.a[10] = a.a[11] = 0xff;
            a.family = AF_INET6;
        } else if (family == AF_INET && a.family == AF_INET6) {
            continue;
        }
        addrs[kept++] = a;
    }
    if (!kept)
        return EAI_ADDRFAMILY;

    struct addrinfo *head = NULL, **tail = &head;
    const char *canon = (flags & AI_CANONNAME) ? node : NULL;
    for (int i = 0; i < kept; i++)
        for (int t = 0; t < 2; t++) {
            int type = t == 0 ? SOCK_STREAM : SOCK_DGRAM;
            if (socktype ? socktype != type : protocol && protocol != (type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP))
                continue;
            struct addrinfo *ai = result(&addrs[i], type, protocol, port, canon);
            if (!ai) {
                freeaddrinfo(head);
                return EAI_MEMORY;
            }
            canon = NULL;
            *tail = ai;
            tail = &ai->ai_next;
        }
    *res = head;
    return 0;
}

void freeaddrinfo(struct addrinfo *ai)
{
    while (ai) {
        struct addrinfo *next = ai->ai_next;
        free(ai);
        ai = next;
    }
}

const char *gai_strerror(int code)
{
    switch (code) {
    case 0: return "Success";
    case EAI_BADFLAGS: return "Bad value for ai_flags";
    case EAI_NONAME: return "Name or service not known";
    case EAI_AGAIN: return "Temporary failure in name resolution";
    case EAI_FAIL: return "Non-recoverable failure in name resolution";
    case EAI_NODATA: return "No address associated with hostname";
    case EAI_FAMILY: return "ai_family not supported";
    case EAI_SOCKTYPE: return "ai_socktype not supported";
    case EAI_SERVICE: return "Servname not supported for ai_socktype";
    case EAI_ADDRFAMILY: return "Address family for hostname not supported";
    case EAI_MEMORY: return "Memory allocation failure";
    case EAI_SYSTEM: return "System error";
    case EAI_OVERFLOW: return "Result too large for supplied buffer";
    default: return "Unknown error";
    }
}

int getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen, char *serv,
                socklen_t servlen, int flags)
{
    char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 1];
    unsigned port;
    if (!sa || salen < sizeof(sa_family_t))
        return EAI_FAMILY;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        if (salen < sizeof *in)
            return EAI_FAMILY;
        inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
        port = ntohs(in->sin_port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        if (salen < sizeof *in6)
            return EAI_FAMILY;
        inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
        if (in6->sin6_scope_id) {
            char name[IF_NAMESIZE];
            size_t l = strlen(buf);
            if (!(flags & NI_NUMERICHOST) && if_indextoname(in6->sin6_scope_id, name))
                snprintf(buf + l, sizeof buf - l, "%%%s", name);
            else
                snprintf(buf + l, sizeof buf - l, "%%%u", (unsigned)in6->sin6_scope_id);
        }
        port = ntohs(in6->sin6_port);
    } else {
        return EAI_FAMILY;
    }
    if (host && hostlen) {
        if (flags & NI_NAMEREQD)
            return EAI_NONAME; /* no reverse DNS */
        if (strlen(buf) >= hostlen)
            return EAI_OVERFLOW;
        strcpy(host, buf);
    }
    if (serv && servlen) {
        if ((socklen_t)snprintf(serv, servlen, "%u", port) >= servlen)
            return EAI_OVERFLOW;
    }
    return 0;
}

struct hostent *gethostbyname(const char *name)
{
    static struct in_addr addr;
    static char *addrs[2];
    static char *aliases[1];
    static char hname[DNS_MAX_NAME_LENGTH];
    static struct hostent h;
    struct addr a;
    if (!name) {
        h_errno = HOST_NOT_FOUND;
        return NULL;
    }
    if (!strcmp(name, "localhost")) {
        addr.s_addr = htonl(INADDR_LOOPBACK);
    } else if (!inet_aton(name, &addr)) {
        int r = dns_lookup(name, AF_INET, &a);
        if (r) {
            h_errno = r == EAI_AGAIN ? TRY_AGAIN : r == EAI_NONAME ? HOST_NOT_FOUND : NO_RECOVERY;
            return NULL;
        }
        memcpy(&addr, a.a, 4);
    }
    snprintf(hname, sizeof hname, "%s", name);
    addrs[0] = (char *)&addr;
    addrs[1] = NULL;
    aliases[0] = NULL;
    h = (struct hostent){hname, aliases, AF_INET, 4, addrs};
    return &h;
}

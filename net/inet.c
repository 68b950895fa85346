/*
 * Byte order and addresses as text (<netinet/in.h>, <arpa/inet.h>): pure code, no lwIP, so an
 * image that only formats addresses carries no network stack. inet_pton and inet_ntop follow
 * POSIX (and RFC 5952 for the text of an IPv6 address: lowercase, the longest run of two or more
 * zero groups as "::", the first on a tie, dotted IPv4 for v4-mapped addresses, as glibc prints).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

const struct in6_addr in6addr_any = IN6ADDR_ANY_INIT;
const struct in6_addr in6addr_loopback = IN6ADDR_LOOPBACK_INIT;

uint32_t(htonl)(uint32_t x) { return __builtin_bswap32(x); }
uint16_t(htons)(uint16_t x) { return __builtin_bswap16(x); }
uint32_t(ntohl)(uint32_t x) { return __builtin_bswap32(x); }
uint16_t(ntohs)(uint16_t x) { return __builtin_bswap16(x); }

/* Dotted decimal, exactly four parts of 0-255 (inet_pton's form). 1 or 0. */
static int pton4(const char *s, uint8_t out[4])
{
    for (int i = 0; i < 4; i++) {
        if (*s < '0' || *s > '9')
            return 0;
        unsigned v = 0, digits = 0;
        while (*s >= '0' && *s <= '9') {
            if (digits && v == 0)
                return 0; /* a leading zero */
            v = v * 10 + (unsigned)(*s++ - '0');
            if (++digits > 3 || v > 255)
                return 0;
        }
        out[i] = (uint8_t)v;
        if (i < 3 && *s++ != '.')
            return 0;
    }
    return *s == '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int pton6(const char *s, uint8_t out[16])
{
    uint8_t a[16] = {0};
    int n = 0, gap = -1; /* bytes filled, and where "::" stands */
    if (*s == ':' && *++s != ':')
        return 0;
    while (*s) {
        if (*s == ':') { /* the second colon of "::" */
            if (gap >= 0)
                return 0;
            gap = n;
            s++;
            continue;
        }
        const char *start = s;
        unsigned v = 0;
        int digits = 0, h;
        while ((h = hexval(*s)) >= 0) {
            if (++digits > 4)
                return 0;
            v = v * 16 + (unsigned)h;
            s++;
        }
        if (*s == '.') { /* the last 32 bits as dotted IPv4 */
            if (n > 12 || !pton4(start, a + n))
                return 0;
            n += 4;
            break;
        }
        if (!digits || n > 14)
            return 0;
        a[n++] = (uint8_t)(v >> 8);
        a[n++] = (uint8_t)v;
        if (*s == ':') {
            if (!*++s)
                return 0; /* a trailing single colon */
        } else if (*s) {
            return 0;
        }
    }
    if (gap >= 0) {
        if (n == 16)
            return 0;
        memmove(a + 16 - (n - gap), a + gap, (size_t)(n - gap));
        memset(a + gap, 0, (size_t)(16 - n));
    } else if (n != 16) {
        return 0;
    }
    memcpy(out, a, 16);
    return 1;
}

int inet_pton(int af, const char *s, void *dst)
{
    if (af == AF_INET)
        return pton4(s, dst);
    if (af == AF_INET6)
        return pton6(s, dst);
    errno = EAFNOSUPPORT;
    return -1;
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
    char buf[INET6_ADDRSTRLEN];
    const uint8_t *a = src;
    if (af == AF_INET) {
        snprintf(buf, sizeof buf, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
    } else if (af == AF_INET6) {
        int best = -1, bestlen = 1;
        for (int i = 0; i < 8;) { /* the longest run of two or more zero groups, the first on a tie */
            int j = i;
            while (j < 8 && a[2 * j] == 0 && a[2 * j + 1] == 0)
                j++;
            if (j - i > bestlen)
                best = i, bestlen = j - i;
            i = j > i ? j : i + 1;
        }
        /* ::a.b.c.d and ::ffff:a.b.c.d print their IPv4 part dotted */
        int v4 = best == 0 && (bestlen == 6 || (bestlen == 5 && a[10] == 0xff && a[11] == 0xff));
        char *p = buf;
        for (int i = 0; i < 8; i++) {
            if (best >= 0 && i >= best && i < best + bestlen) {
                if (i == best)
                    *p++ = ':';
                continue;
            }
            if (i)
                *p++ = ':';
            if (v4 && i == 6) {
                p += sprintf(p, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
                break;
            }
            p += sprintf(p, "%x", (unsigned)(a[2 * i] << 8 | a[2 * i + 1]));
        }
        if (best >= 0 && best + bestlen == 8)
            *p++ = ':';
        *p = '\0';
    } else {
        errno = EAFNOSUPPORT;
        return NULL;
    }
    if (strlen(buf) >= size) {
        errno = ENOSPC;
        return NULL;
    }
    strcpy(dst, buf);
    return dst;
}

/* The classic forms: a, a.b, a.b.c, a.b.c.d, each part decimal, octal (0...) or hex (0x...). */
int inet_aton(const char *s, struct in_addr *out)
{
    unsigned long parts[4];
    int n = 0;
    for (;;) {
        if (*s < '0' || *s > '9')
            return 0;
        unsigned long v = 0;
        int base = 10;
        if (*s == '0') {
            base = 8, s++;
            if (*s == 'x' || *s == 'X') {
                base = 16, s++;
                if (hexval(*s) < 0)
                    return 0;
            }
        }
        int h;
        while ((h = hexval(*s)) >= 0 && h < base) {
            v = v * (unsigned)base + (unsigned)h;
            if (v > 0xffffffffUL)
                return 0;
            s++;
        }
        parts[n++] = v;
        if (*s != '.')
            break;
        if (n == 4)
            return 0;
        s++;
    }
    if (*s != '\0')
        return 0;
    unsigned long addr;
    switch (n) {
    case 1: addr = parts[0]; break;
    case 2:
        if (parts[0] > 255 || parts[1] > 0xffffff) return 0;
        addr = parts[0] << 24 | parts[1];
        break;
    case 3:
        if (parts[0] > 255 || parts[1] > 255 || parts[2] > 0xffff) return 0;
        addr = parts[0] << 24 | parts[1] << 16 | parts[2];
        break;
    default:
        if (parts[0] > 255 || parts[1] > 255 || parts[2] > 255 || parts[3] > 255) return 0;
        addr = parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3];
    }
    if (out)
        out->s_addr = htonl((uint32_t)addr);
    return 1;
}

in_addr_t inet_addr(const char *s)
{
    struct in_addr a;
    return inet_aton(s, &a) ? a.s_addr : INADDR_NONE;
}

char *inet_ntoa(struct in_addr a)
{
    static char buf[INET_ADDRSTRLEN];
    return (char *)inet_ntop(AF_INET, &a, buf, sizeof buf);
}

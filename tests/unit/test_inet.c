/*
 * net/inet.c (inet_pton, inet_ntop, inet_aton) on the host, against the host's C library
 * (glibc's, reached with dlsym(RTLD_NEXT): inet.c's definitions take the names in this program):
 * both must agree on random IPv6 addresses with runs of zero groups (the text of each, and
 * reading it back), on v4-mapped and compatible ones, on random IPv4 addresses, and on random
 * strings made of the characters addresses are made of (accepted or not, and the bytes).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static int (*libc_pton)(int, const char *, void *);
static const char *(*libc_ntop)(int, const void *, char *, socklen_t);
static int (*libc_aton)(const char *, struct in_addr *);

static unsigned long long rng = 0x9e3779b97f4a7c15ull;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* A random IPv6 address whose 16-bit groups are often zero (runs of every length). */
static void random6(unsigned char a[16])
{
    for (int i = 0; i < 8; i++) {
        unsigned v = rnd(3) ? 0 : rnd(4) == 0 ? rnd(16) : rnd(0x10000);
        a[2 * i] = (unsigned char)(v >> 8), a[2 * i + 1] = (unsigned char)v;
    }
    if (rnd(8) == 0) { /* v4-mapped or compatible */
        memset(a, 0, 10);
        a[10] = a[11] = rnd(2) ? 0xff : 0;
    }
}

static int ntop_agrees(int af, const unsigned char *a)
{
    char ours[INET6_ADDRSTRLEN], theirs[INET6_ADDRSTRLEN];
    unsigned char back[16], back2[16];
    if (!inet_ntop(af, a, ours, sizeof ours) || !libc_ntop(af, a, theirs, sizeof theirs))
        return 0;
    if (strcmp(ours, theirs)) {
        printf("  ntop differs: ours %s, libc %s\n", ours, theirs);
        return 0;
    }
    if (inet_pton(af, ours, back) != 1 || libc_pton(af, ours, back2) != 1 ||
        memcmp(back, a, af == AF_INET ? 4 : 16) || memcmp(back2, a, af == AF_INET ? 4 : 16)) {
        printf("  %s does not read back\n", ours);
        return 0;
    }
    return 1;
}

static int pton_agrees(int af, const char *s)
{
    unsigned char ours[16] = {0}, theirs[16] = {0};
    int r1 = inet_pton(af, s, ours), r2 = libc_pton(af, s, theirs);
    if (r1 != r2 || (r1 == 1 && memcmp(ours, theirs, 16))) {
        printf("  pton(%s, \"%s\"): ours %d, libc %d\n", af == AF_INET ? "AF_INET" : "AF_INET6", s, r1, r2);
        return 0;
    }
    return 1;
}

static int aton_agrees(const char *s)
{
    struct in_addr ours = {0}, theirs = {0};
    int r1 = inet_aton(s, &ours), r2 = libc_aton(s, &theirs);
    if (r1 != r2 || (r1 && ours.s_addr != theirs.s_addr)) {
        printf("  aton(\"%s\"): ours %d %08x, libc %d %08x\n", s, r1, ours.s_addr, r2, theirs.s_addr);
        return 0;
    }
    return 1;
}

static void random_text(char *s, size_t max, const char *alphabet)
{
    size_t n = 1 + rnd((unsigned)max - 1), k = strlen(alphabet);
    for (size_t i = 0; i < n; i++)
        s[i] = alphabet[rnd((unsigned)k)];
    s[n] = '\0';
}

int main(void)
{
    libc_pton = (int (*)(int, const char *, void *))dlsym(RTLD_NEXT, "inet_pton");
    libc_ntop = (const char *(*)(int, const void *, char *, socklen_t))dlsym(RTLD_NEXT, "inet_ntop");
    libc_aton = (int (*)(const char *, struct in_addr *))dlsym(RTLD_NEXT, "inet_aton");
    CHECK(libc_pton && libc_ntop && libc_aton && libc_pton != inet_pton);
    if (!libc_pton || !libc_ntop || !libc_aton)
        return 1;

    int bad = 0;
    for (int i = 0; i < 200000 && bad < 5; i++) {
        unsigned char a[16];
        random6(a);
        bad += !ntop_agrees(AF_INET6, a);
        for (int k = 0; k < 4; k++)
            a[k] = (unsigned char)rnd(256);
        bad += !ntop_agrees(AF_INET, a);
    }
    CHECK(bad == 0);

    bad = 0;
    char s[40];
    for (int i = 0; i < 300000 && bad < 5; i++) {
        random_text(s, 24, "0123456789abcdefABCDEF::::..x");
        bad += !pton_agrees(AF_INET6, s);
        random_text(s, 18, "0123456789...");
        bad += !pton_agrees(AF_INET, s);
        bad += !aton_agrees(s);
        random_text(s, 16, "0123456789.xX0aAfF");
        bad += !aton_agrees(s);
    }
    CHECK(bad == 0);

    const char *cases[] = {"::", "::1", "1::", "::ffff:1.2.3.4", "::1.2.3.4", "1:2:3:4:5:6:7:8",
                           "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4", "1::2::3",
                           ":1::2", "1::2:", "12345::", "::ffff:256.1.1.1", "::ffff:1.2.3", "",
                           ":", ":::", "1:2:3:4:5:6:7:8:9", "fe80::1%eth0", "::ffff:01.2.3.4"};
    bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        bad += !pton_agrees(AF_INET6, cases[i]);
    CHECK(bad == 0);
    const char *acases[] = {"127.1", "0x7f.1", "0177.0.0.1", "1.2.3.4", "1.2.3.256", "4294967295",
                            "4294967296", "0x", "08", "1.2.3.4.5", "1..2", ".1", "1.", "1.2.3.4 x",
                            "0x100.1", "255.65535", "255.65536", "1.2.65535", "1.2.65536"};
    bad = 0;
    for (size_t i = 0; i < sizeof acases / sizeof acases[0]; i++)
        bad += !aton_agrees(acases[i]);
    CHECK(bad == 0);
    return CHECK_DONE();
}

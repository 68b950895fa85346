/*
 * The network's kernel parameters (net/config.c, the same file the image links): every accepted
 * form lands in the right fields, every malformed word is refused with a reason and changes
 * nothing it should not.
 */
#include "check.h"

#include "config.h"

#include <arpa/inet.h>

static uint32_t ip(const char *s) { return inet_addr(s); } /* network byte order, as lwIP's */

static int word(struct net_config *c, const char *w)
{
    const char *why = NULL;
    int r = libos_net_config_word(c, w, &why);
    if (r != 0 && !why)
        printf("FAIL: '%s' refused without a reason\n", w), check_failed++;
    return r;
}

int main(void)
{
    struct net_config c = {0};
    CHECK(word(&c, "eth0=10.0.2.15/24,gw=10.0.2.2,dns=10.0.2.3,dns=1.1.1.1") == 0);
    CHECK(c.nic[0].given && !c.nic[0].dhcp && !c.nic[0].off);
    CHECK(c.nic[0].addr == ip("10.0.2.15") && c.nic[0].mask == ip("255.255.255.0"));
    CHECK(c.nic[0].gw == ip("10.0.2.2") && c.nic[0].ndns == 2);
    CHECK(c.nic[0].dns[0] == ip("10.0.2.3") && c.nic[0].dns[1] == ip("1.1.1.1"));
    CHECK(word(&c, "eth0=dhcp") != 0); /* twice */
    CHECK(word(&c, "eth1=dhcp") == 0 && c.nic[1].dhcp && c.nic[1].given);
    CHECK(word(&c, "eth2=off") == 0 && c.nic[2].off && !c.nic[2].dhcp);
    CHECK(word(&c, "eth3=192.168.1.9/32") == 0 && c.nic[3].mask == ip("255.255.255.255") && c.nic[3].gw == 0);
    CHECK(word(&c, "eth4=192.168.1.9/0") == 0 && c.nic[4].mask == 0);
    CHECK(word(&c, "eth5=172.16.0.1/12") == 0 && c.nic[5].mask == ip("255.240.0.0"));
    CHECK(word(&c, "hostname=box") == 0 && strcmp(c.hostname, "box") == 0);
    CHECK(word(&c, "dhcp_wait=0") == 0 && c.dhcp_wait_ms == 0);
    CHECK(word(&c, "dhcp_wait=600") == 0 && c.dhcp_wait_ms == 600000);
    CHECK(c.max_conns == 0);
    CHECK(word(&c, "max_conns=1") == 0 && c.max_conns == 1);
    CHECK(word(&c, "max_conns=65535") == 0 && c.max_conns == 65535);

    static const char *bad[] = {
        "eth6=10.0.2.300/24", "eth6=10.0.2/24", "eth6=10.0.2.15", "eth6=10.0.2.15/33",
        "eth6=10.0.2.15/", "eth6=10.0.2.15/24,", "eth6=10.0.2.15/24,gw=", "eth6=10.0.2.15/24,gw=1.2.3",
        "eth6=10.0.2.15/24,gateway=1.2.3.4", "eth6=10.0.2.15/24,gw=1.2.3.4x",
        "eth6=10.0.2.15/24,dns=1.1.1.1,dns=2.2.2.2,dns=3.3.3.3", "eth6=10.0.2.15x/24", "eth6=",
        "eth6=DHCP", "eth6=1.2.3.4/24 ", "eth6=0001.2.3.4/8", "eth8=dhcp", "eth=dhcp", "eth0x=dhcp",
        "hostname=", "hostname=0123456789012345678901234567890123456789012345678901234567890123",
        "dhcp_wait=601", "dhcp_wait=", "dhcp_wait=5s", "dhcp_wait=-1",
        "max_conns=0", "max_conns=65536", "max_conns=", "max_conns=10k", "max_conns=-1", "mtu=9000", "", "eth6",
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct net_config before = c;
        if (!CHECK(word(&c, bad[i]) != 0))
            printf("  accepted: '%s'\n", bad[i]);
        /* a refused word leaves every other interface as it was */
        for (unsigned k = 0; k < NET_NIC_MAX; k++)
            if (k != 6)
                CHECK(memcmp(&before.nic[k], &c.nic[k], sizeof c.nic[k]) == 0);
        c.nic[6] = (struct net_if_config){0}; /* and eth6 may be named again */
    }
    return CHECK_DONE();
}

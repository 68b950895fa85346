/*
 * httpd/linux-init.c: /init of the Linux guest that tests/bench/httpd.py runs examples/httpd in.
 * Loads the virtio-net modules packed beside it (/modules, in load order), gives eth0 the
 * address on its command line (argv[1], e.g. 192.168.77.2, a /24) and brings lo and eth0 up
 * with ioctls (no tools in this initramfs), lifts the fd limit for 1000 connections, then execs
 * /httpd (examples/httpd/main.c built with gcc -static) with the rest of its arguments.
 * Built with gcc -static by httpd.py.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <arpa/inet.h>
#include <unistd.h>

static const char *const modules[] = {"virtio_ring", "virtio", "virtio_pci_legacy_dev",
                                      "virtio_pci_modern_dev", "virtio_pci", "virtio_mmio",
                                      "failover", "net_failover", "virtio_net"};

static int set_addr(int s, const char *ifname, unsigned long req, const char *addr)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
    sin->sin_family = AF_INET;
    inet_pton(AF_INET, addr, &sin->sin_addr);
    return ioctl(s, req, &ifr);
}

static int up(int s, const char *ifname)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
        return -1;
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    return ioctl(s, SIOCSIFFLAGS, &ifr);
}

int main(int argc, char **argv)
{
    char path[64];
    for (unsigned i = 0; i < sizeof modules / sizeof modules[0]; i++) {
        snprintf(path, sizeof path, "/modules/%s.ko", modules[i]);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST))
            printf("init: loading %s: %m\n", path);
        if (fd >= 0)
            close(fd);
    }
    if (argc < 2) {
        printf("init: usage: init ADDR [httpd arguments]\n");
        return 1;
    }
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    int ok = 0;
    for (int i = 0; i < 500 && !ok; i++) { /* the NIC probes asynchronously */
        ok = set_addr(s, "eth0", SIOCSIFADDR, argv[1]) == 0;
        if (!ok)
            usleep(10000);
    }
    if (!ok || set_addr(s, "eth0", SIOCSIFNETMASK, "255.255.255.0") != 0 || up(s, "eth0") != 0 ||
        up(s, "lo") != 0) {
        printf("init: cannot configure eth0 as %s: %m\n", argv[1]);
        return 1;
    }
    close(s);
    struct rlimit rl = {65536, 65536};
    setrlimit(RLIMIT_NOFILE, &rl);
    printf("init: eth0 %s/24 up\n", argv[1]);
    fflush(stdout);
    argv[1] = "/httpd";
    execv("/httpd", argv + 1);
    printf("init: exec /httpd: %m\n");
    return 1;
}

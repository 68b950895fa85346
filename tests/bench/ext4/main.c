/*
 * Files on an ext4 disk through the POSIX calls, one source built twice (tests/bench/ext4.py boots
 * both under the same QEMU flags, each on a copy of the same fresh mke2fs -t ext4 image):
 *   - as a libos image, bench_ext4.elf, which mounts the disk with libos.mount=vda:/data;
 *   - with `gcc -static -DBENCH_LINUX_INIT` as /init of a minimal Linux guest, which first loads
 *     the virtio and ext4 modules packed beside it, waits for /dev/vda and mounts it on /data, and
 *     at the end unmounts it and writes to isa-debug-exit as libos does.
 * The first argument picks the phase, one per boot, so that reads start cold on both guests; the
 * second is the size of the big file in MiB (default 256):
 *   write   seqwrite: 1 MiB write()s of /data/big, then one fsync() (ns per MiB, fsync included);
 *           files: 1,000 files of 100 bytes in /data/files, each created, written, fsynced, closed
 *           (ns per file); fsyncp50, fsyncp99: 200 appends of 64 bytes to /data/log, each followed
 *           by fsync() (ns per fsync, the 50th and 99th percentile of the 200)
 *   seqread 1 MiB read()s of /data/big from the start (ns per MiB)
 *   rand    4 KiB pread()s of /data/big at 4 KiB-aligned offsets from a fixed seed (ns per read;
 *           the third argument is how many, default 2,000)
 * Figures, one line each, "<name> <ns per operation> <operations>" (bench.h).
 */
#include "bench.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MiB (1024 * 1024)
#define FILES 1000
#define FSYNCS 200

static int errors;
static unsigned char buf[MiB] __attribute__((aligned(4096)));

#ifdef BENCH_LINUX_INIT
#include <errno.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/syscall.h>

/* The modules Debian's kernel needs for ext4 on a virtio-blk disk, in load order (ext4.py packs
 * them into /modules, checking the order against each module's depends=). Those a machine has no
 * device for load and stay idle. */
static const char *const modules[] = {"virtio_ring", "virtio", "virtio_pci_legacy_dev",
                                      "virtio_pci_modern_dev", "virtio_pci", "virtio_mmio",
                                      "virtio_blk", "crc32c_generic", "crc16", "mbcache", "jbd2",
                                      "ext4"};

static int linux_setup(void)
{
    char path[64];
    for (unsigned i = 0; i < sizeof modules / sizeof modules[0]; i++) {
        snprintf(path, sizeof path, "/modules/%s.ko", modules[i]);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST))
            printf("bench_ext4: loading %s: %m\n", path);
        if (fd >= 0)
            close(fd);
    }
    mkdir("/dev", 0755);
    if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) != 0)
        printf("bench_ext4: mounting devtmpfs: %m\n");
    for (int i = 0; i < 500 && access("/dev/vda", F_OK) != 0; i++) /* the disk probes async */
        usleep(10000);
    mkdir("/data", 0755);
    if (mount("/dev/vda", "/data", "ext4", 0, NULL) != 0) {
        printf("bench_ext4: mounting /dev/vda on /data: %m\n");
        return -1;
    }
    return 0;
}

static void linux_exit(int status)
{
    /* Under TCG on a loaded host the kernel may judge the TSC unstable and fall back to jiffies
     * (microvm has no HPET or ACPI PM timer): ext4.py flags figures timed by such a clock. */
    char cs[32] = "";
    mkdir("/sys", 0755);
    FILE *f = mount("sysfs", "/sys", "sysfs", 0, NULL) == 0
                  ? fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r")
                  : NULL;
    if (f && fgets(cs, sizeof cs, f))
        printf("bench_ext4: clocksource %s", cs);
    if (f)
        fclose(f);
    if (umount("/data") != 0)
        printf("bench_ext4: unmounting /data: %m\n");
    fflush(stdout);
    if (ioperm(0xf4, 4, 1) == 0)
        outl((unsigned)status + 1, 0xf4); /* QEMU exits with (v << 1) | 1, as for libos */
    reboot(RB_POWER_OFF);
}
#endif

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void write_phase(long mib)
{
    for (int i = 0; i < MiB; i++)
        buf[i] = (unsigned char)(i * 7 + 1);
    int fd = open("/data/big", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        printf("bench_ext4: creating /data/big: %m\n");
        errors++;
        return;
    }
    double t0 = now_ns();
    for (long i = 0; i < mib; i++)
        errors += write(fd, buf, MiB) != MiB;
    errors += fsync(fd) != 0;
    report("seqwrite", now_ns() - t0, mib);
    errors += close(fd) != 0;

    errors += mkdir("/data/files", 0755) != 0;
    char name[64];
    t0 = now_ns();
    for (int i = 0; i < FILES; i++) {
        snprintf(name, sizeof name, "/data/files/f%04d", i);
        fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0) {
            errors++;
            continue;
        }
        errors += write(fd, buf, 100) != 100;
        errors += fsync(fd) != 0;
        errors += close(fd) != 0;
    }
    report("files", now_ns() - t0, FILES);

    static double lat[FSYNCS];
    fd = open("/data/log", O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0) {
        errors++;
        return;
    }
    for (int i = 0; i < FSYNCS; i++) {
        t0 = now_ns();
        errors += write(fd, buf, 64) != 64;
        errors += fsync(fd) != 0;
        lat[i] = now_ns() - t0;
    }
    errors += close(fd) != 0;
    qsort(lat, FSYNCS, sizeof lat[0], cmp);
    printf("fsyncp50 %.1f %d\n", lat[FSYNCS / 2], FSYNCS);
    printf("fsyncp99 %.1f %d\n", lat[FSYNCS * 99 / 100], FSYNCS);
}

static void read_phase(long mib)
{
    int fd = open("/data/big", O_RDONLY);
    if (fd < 0) {
        printf("bench_ext4: opening /data/big: %m\n");
        errors++;
        return;
    }
    double t0 = now_ns();
    for (long i = 0; i < mib; i++) {
        buf[0] = buf[MiB - 1] = 0; /* what write_phase wrote must come back: two bytes a MiB */
        errors += read(fd, buf, MiB) != MiB || buf[0] != 1 || buf[MiB - 1] != (unsigned char)((MiB - 1) * 7 + 1);
    }
    report("seqread", now_ns() - t0, mib);
    for (int i = 0; i < MiB; i++) /* and the last MiB read, whole */
        if (buf[i] != (unsigned char)(i * 7 + 1)) {
            printf("bench_ext4: /data/big differs from what was written at byte %d of its last MiB\n", i);
            errors++;
            break;
        }
    close(fd);
}

static void rand_phase(long mib, long n)
{
    int fd = open("/data/big", O_RDONLY);
    if (fd < 0) {
        printf("bench_ext4: opening /data/big: %m\n");
        errors++;
        return;
    }
    uint64_t blocks = (uint64_t)mib * (MiB / 4096);
    unsigned seed = 1;
    double t0 = now_ns();
    for (long i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        errors += pread(fd, buf, 4096, (off_t)((seed >> 8) % blocks) * 4096) != 4096;
    }
    report("rand", now_ns() - t0, n);
    close(fd);
}

static int run(int argc, char **argv)
{
    const char *phase = argc > 1 ? argv[1] : "write";
    long mib = argc > 2 ? atol(argv[2]) : 256;
    long n = argc > 3 ? atol(argv[3]) : 2000;
    if (mib < 1 || n < 1) {
        printf("bench_ext4: usage: bench_ext4 write|seqread|rand [MiB [reads]]\n");
        return 2;
    }
    if (strcmp(phase, "write") == 0)
        write_phase(mib);
    else if (strcmp(phase, "seqread") == 0)
        read_phase(mib);
    else if (strcmp(phase, "rand") == 0)
        rand_phase(mib, n);
    else {
        printf("bench_ext4: unknown phase '%s' (write, seqread or rand)\n", phase);
        return 2;
    }
    if (errors)
        printf("bench_ext4: %d calls failed\n", errors);
    return errors != 0;
}

int main(int argc, char **argv)
{
#ifdef BENCH_LINUX_INIT
    int status = linux_setup() == 0 ? run(argc, argv) : 1;
    printf("bench_ext4: done\n");
    linux_exit(status);
    return status;
#else
    int status = run(argc, argv);
    printf("bench_ext4: done\n");
    return status;
#endif
}

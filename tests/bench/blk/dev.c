/*
 * Raw-disk throughput through POSIX calls on /dev/vda, opened O_DIRECT. One source built twice
 * (tests/bench/blk.py boots both under the same QEMU flags, on the same kind of disk image):
 *   - as a libos image, bench_blkdev.elf (libos has no page cache: O_DIRECT is what it does anyway);
 *   - with `gcc -static -pthread -DBENCH_LINUX_INIT` as /init of a minimal Linux guest, which first
 *     loads the virtio modules packed beside it, mounts devtmpfs and waits for /dev/vda, and at the
 *     end writes to isa-debug-exit as libos does.
 * Figures, one line each, "<name> <ns per operation> <operations>" (bench.h):
 *   seqwrite  1 MiB pwrite()s over the first 32 MiB, then one fsync() (ns per MiB, fsync included)
 *   seqread   1 MiB pread()s over the same 32 MiB (ns per MiB)
 *   randqd1   4 KiB pread()s at random 4 KiB-aligned offsets, one thread (ns per read)
 *   randqd32  the same from 32 threads at once, each with a descriptor of its own (ns per read,
 *             all threads together)
 * All buffers are 4 KiB aligned and all offsets and lengths are multiples of 4 KiB, as O_DIRECT on
 * Linux wants. Arguments pick phases (blk.py --requests counts each one's requests with QEMU's
 * tracing): "seq" (seqwrite, then seqread), "qd1", "qd32", "none" (only open the disk); all
 * three by default.
 */
#define _GNU_SOURCE /* O_DIRECT in glibc; newlib shows it by default */
#include "bench.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#ifndef BLKGETSIZE64
#define BLKGETSIZE64 _IOR(0x12, 114, size_t)
#endif

#define MiB (1024 * 1024)
#define SEQ_MIB 32
#define RAND_READS 2048
#define THREADS 32

static uint64_t disk_size;
static int errors;
static unsigned char seqbuf[MiB] __attribute__((aligned(4096)));
static unsigned char randbufs[THREADS][4096] __attribute__((aligned(4096)));

#ifdef BENCH_LINUX_INIT
#include <errno.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>

/* The virtio modules Debian's kernel needs for a virtio-blk disk, in dependency order (blk.py
 * packs them into /modules). Those a machine has no device for load and stay idle. */
static const char *const modules[] = {"virtio_ring", "virtio", "virtio_pci_legacy_dev",
                                      "virtio_pci_modern_dev", "virtio_pci", "virtio_mmio",
                                      "virtio_blk"};

static void linux_setup(void)
{
    char path[64];
    for (unsigned i = 0; i < sizeof modules / sizeof modules[0]; i++) {
        snprintf(path, sizeof path, "/modules/%s.ko", modules[i]);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST))
            printf("bench_blkdev: loading %s: %m\n", path);
        if (fd >= 0)
            close(fd);
    }
    mkdir("/dev", 0755);
    if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) != 0)
        printf("bench_blkdev: mounting devtmpfs: %m\n");
    for (int i = 0; i < 500 && access("/dev/vda", F_OK) != 0; i++) /* the disk probes async */
        usleep(10000);
}

static void linux_exit(int status)
{
    fflush(stdout);
    if (ioperm(0xf4, 4, 1) == 0)
        outl((unsigned)status + 1, 0xf4); /* QEMU exits with (v << 1) | 1, as for libos */
    reboot(RB_POWER_OFF);
}
#endif

static void random_reads(int fd, unsigned seed, int n)
{
    unsigned char *buf = randbufs[seed % THREADS];
    uint64_t blocks = disk_size / 4096;
    for (int i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        errors += pread(fd, buf, 4096, (off_t)((seed >> 8) % blocks) * 4096) != 4096;
    }
}

static void *reader(void *arg)
{
    int fd = open("/dev/vda", O_RDONLY | O_DIRECT);
    if (fd < 0) {
        errors++;
        return NULL;
    }
    random_reads(fd, (unsigned)(uintptr_t)arg, RAND_READS / THREADS);
    close(fd);
    return NULL;
}

static int wanted(int argc, char **argv, const char *phase)
{
    if (argc < 2)
        return 1;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], phase) == 0)
            return 1;
    return 0;
}

static int run(int argc, char **argv)
{
    int fd = open("/dev/vda", O_RDWR | O_DIRECT);
    if (fd < 0) {
        printf("bench_blkdev: cannot open /dev/vda with O_DIRECT: %m\n");
        return 1;
    }
    if (ioctl(fd, BLKGETSIZE64, &disk_size) != 0 || disk_size < SEQ_MIB * MiB) {
        printf("bench_blkdev: needs a disk /dev/vda of at least %d MiB\n", SEQ_MIB);
        return 1;
    }
    for (int i = 0; i < MiB; i++)
        seqbuf[i] = (unsigned char)i;

    double t0;
    if (wanted(argc, argv, "seq")) {
        t0 = now_ns();
        for (int i = 0; i < SEQ_MIB; i++)
            errors += pwrite(fd, seqbuf, MiB, (off_t)i * MiB) != MiB;
        errors += fsync(fd) != 0;
        report("seqwrite", now_ns() - t0, SEQ_MIB);

        t0 = now_ns();
        for (int i = 0; i < SEQ_MIB; i++)
            errors += pread(fd, seqbuf, MiB, (off_t)i * MiB) != MiB;
        report("seqread", now_ns() - t0, SEQ_MIB);
    }

    if (wanted(argc, argv, "qd1")) {
        t0 = now_ns();
        random_reads(fd, 1, RAND_READS);
        report("randqd1", now_ns() - t0, RAND_READS);
    }

    if (wanted(argc, argv, "qd32")) {
        pthread_t t[THREADS];
        t0 = now_ns();
        for (int i = 0; i < THREADS; i++)
            errors += pthread_create(&t[i], NULL, reader, (void *)(uintptr_t)(i + 1)) != 0;
        for (int i = 0; i < THREADS; i++)
            pthread_join(t[i], NULL);
        report("randqd32", now_ns() - t0, RAND_READS / THREADS * THREADS);
    }

    close(fd);
    if (errors)
        printf("bench_blkdev: %d calls failed\n", errors);
    return errors != 0;
}

int main(int argc, char **argv)
{
#ifdef BENCH_LINUX_INIT
    linux_setup();
    int status = run(argc, argv);
    printf("bench_blkdev: done\n");
    linux_exit(status);
    return status;
#else
    int status = run(argc, argv);
    printf("bench_blkdev: done\n");
    return status;
#endif
}

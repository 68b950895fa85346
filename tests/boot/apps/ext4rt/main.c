/*
 * test_ext4rt: the journal round trip with Linux (tests/boot/ext4linux.py). One source built
 * twice: as a libos image (test_ext4rt, the disk mounted by libos.mount=vda:/data) and, with
 * `gcc -static -DRT_LINUX_INIT`, as /init of the minimal Linux guest of tests/bench/linux.py
 * (Debian's kernel and its virtio and ext4 modules, packed beside /init in /modules), which mounts
 * /dev/vda on /data itself. Both run the same file operations and print the same listing, so
 * that either can write what the other replays. argv[1] is the case:
 *   write [pause|-] [OPTS]
 *           phase 1: a tree of files of several sizes, each fsync'ed, and a directory of a few
 *           blocks emptied and removed; "rt: phase 1 durable". With "pause", wait for a line on
 *           stdin (the test copies the image then). Phase 2: a rename, a rename over a
 *           file, an unlink, truncates down and up, appends, an overwrite in place, 200 small
 *           files in a new directory, a symlink, a deeper tree, a directory made and removed, a
 *           file whose every 1 KiB starts with the jbd2 magic (journaled: escaped);
 *           nothing fsync'ed until every file and directory is, at the end. Then "rt: durable"
 *           and wait forever: the test kills QEMU, the last transactions committed but not
 *           checkpointed. OPTS (Linux): more mount options.
 *   list    print "rt: <type> <path> ..." for everything under /data/rt, sorted (files with their
 *           size and CRC-32, symlinks with their target), then "rt: listed N"
 * ext4linux.py computes the same listing from its own model of the operations. Every failing
 * call prints "FAIL: ...", and the exit status is 0 only when none failed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures;

#define MUST(cond, ...)                                                                            \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("FAIL: %s: ", #cond);                                                           \
            printf(__VA_ARGS__);                                                                   \
            printf(" (errno %d %s)\n", errno, strerror(errno));                                    \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

#ifdef RT_LINUX_INIT
#include <sys/io.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/syscall.h>

/* In load order (linux.py checks it against each module's depends=). */
static const char *const modules[] = {"virtio_ring", "virtio", "virtio_pci_legacy_dev",
                                      "virtio_pci_modern_dev", "virtio_pci", "virtio_mmio",
                                      "virtio_blk", "crc32c_generic", "crc16", "mbcache", "jbd2",
                                      "ext4"};

static void put_sysctl(const char *path, const char *value)
{
    int fd = open(path, O_WRONLY);
    MUST(fd >= 0 && write(fd, value, strlen(value)) == (ssize_t)strlen(value), "%s", path);
    if (fd >= 0)
        close(fd);
}

/* Load the modules, find the disk and mount it on /data. Writing: commit=600 (no timer commit
 * besides ours; OPTS, argv[3], added) and no background writeback of dirty buffers for an hour,
 * so that what fsync committed stays in the journal only, not checkpointed home, until the test
 * kills QEMU. */
static int linux_setup(int writing, const char *opts)
{
    char path[64];
    for (unsigned i = 0; i < sizeof modules / sizeof modules[0]; i++) {
        snprintf(path, sizeof path, "/modules/%s.ko", modules[i]);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST))
            printf("FAIL: loading %s: %m\n", path);
        if (fd >= 0)
            close(fd);
    }
    mkdir("/dev", 0755);
    mkdir("/proc", 0755);
    MUST(mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) == 0, "devtmpfs");
    MUST(mount("proc", "/proc", "proc", 0, NULL) == 0, "proc");
    for (int i = 0; i < 1000 && access("/dev/vda", F_OK) != 0; i++) /* the disk probes async */
        usleep(10000);
    if (writing) {
        put_sysctl("/proc/sys/vm/dirty_writeback_centisecs", "0");
        put_sysctl("/proc/sys/vm/dirty_expire_centisecs", "360000");
    }
    mkdir("/data", 0755);
    char options[128];
    snprintf(options, sizeof options, "commit=600%s%s", opts ? "," : "", opts ? opts : "");
    if (mount("/dev/vda", "/data", "ext4", 0, writing ? options : "") != 0) {
        printf("FAIL: mounting /dev/vda on /data: %m\n");
        return -1;
    }
    return 0;
}

/* The kernel's lines about the file system and its journal (replay says "recovery complete"). */
static void kernel_lines(void)
{
    static char log[1 << 16];
    int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, sizeof log - 1);
    log[n > 0 ? n : 0] = 0;
    for (char *line = strtok(log, "\n"); line; line = strtok(NULL, "\n"))
        if (strstr(line, "EXT4-fs") || strstr(line, "JBD2") || strstr(line, "jbd2"))
            printf("rt: kernel: %s\n", line);
}

static void linux_exit(int status)
{
    if (umount("/data") != 0) {
        printf("FAIL: unmounting /data: %m\n");
        status = 1;
    }
    fflush(stdout);
    if (ioperm(0xf4, 4, 1) == 0)
        outl((unsigned)status + 1, 0xf4); /* QEMU exits with (v << 1) | 1, as for libos */
    reboot(RB_POWER_OFF);
}
#endif

/* The byte at offset o of contents with seed s (ext4linux.py has the same). */
static unsigned char pat(uint64_t o, unsigned s) { return (unsigned char)(o * 7 + s + (o >> 11)); }

static uint32_t crc32_update(uint32_t c, const unsigned char *p, size_t n)
{
    c = ~c;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++)
            c = c >> 1 ^ (0xEDB88320u & -(c & 1));
    }
    return ~c;
}

static unsigned char buf[1 << 16];

/* n bytes of seed s at offset off of fd (the pattern's offsets counted from 0 of the write). */
static void put(int fd, size_t n, unsigned s, const char *what)
{
    for (size_t done = 0; done < n;) {
        size_t k = n - done < sizeof buf ? n - done : sizeof buf;
        for (size_t i = 0; i < k; i++)
            buf[i] = pat(done + i, s);
        ssize_t w = write(fd, buf, k);
        MUST(w == (ssize_t)k, "writing %s", what);
        if (w <= 0)
            return;
        done += (size_t)w;
    }
}

/* A file of n bytes of seed s; fsync'ed when sync (else the end of phase 2 fsyncs it). */
static void create(const char *path, size_t n, unsigned s, int sync)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    MUST(fd >= 0, "creating %s", path);
    if (fd < 0)
        return;
    put(fd, n, s, path);
    MUST(!sync || fsync(fd) == 0, "fsync %s", path);
    MUST(close(fd) == 0, "close %s", path);
}

/* A file whose every 1 KiB starts with the jbd2 magic (c0 3b 39 98), the rest pattern s: a
 * journal writer must escape each block of it that it logs, and a replay unescape it. */
static void create_magic(const char *path, size_t n, unsigned s)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    MUST(fd >= 0 && n <= sizeof buf, "creating %s", path);
    if (fd < 0 || n > sizeof buf)
        return;
    for (size_t i = 0; i < n; i++)
        buf[i] = i % 1024 < 4 ? (unsigned char)(0xc03b3998u >> (24 - 8 * (i % 1024))) : pat(i, s);
    MUST(write(fd, buf, n) == (ssize_t)n, "writing %s", path);
    close(fd);
}

static void sync_path(const char *path)
{
    int fd = open(path, O_RDONLY);
    MUST(fd >= 0 && fsync(fd) == 0, "fsync %s", path);
    if (fd >= 0)
        close(fd);
}

static void dir(const char *path) { MUST(mkdir(path, 0755) == 0, "mkdir %s", path); }

static void append(const char *path, unsigned first, unsigned count, int sync)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    MUST(fd >= 0, "opening %s", path);
    if (fd < 0)
        return;
    for (unsigned i = first; i < first + count; i++)
        put(fd, 1000, 50 + i, path);
    MUST(!sync || fsync(fd) == 0, "fsync %s", path);
    close(fd);
}

static void truncate_to(const char *path, off_t n)
{
    int fd = open(path, O_WRONLY);
    MUST(fd >= 0 && ftruncate(fd, n) == 0, "ftruncate %s to %lld", path, (long long)n);
    if (fd >= 0)
        close(fd);
}

static void wait_forever(void)
{
    fflush(stdout);
    for (;;)
        sleep(60);
}

#define MANY 200

static int write_case(int pause)
{
    /* Phase 1: a tree of files, each fsync'ed. */
    dir("/data/rt");
    dir("/data/rt/tree");
    dir("/data/rt/tree/a");
    dir("/data/rt/tree/a/b");
    dir("/data/rt/tree/a/b/c");
    create("/data/rt/s0", 0, 1, 1);
    create("/data/rt/s1", 1, 2, 1);
    create("/data/rt/s4095", 4095, 3, 1);
    create("/data/rt/s4096", 4096, 4, 1);
    create("/data/rt/s4097", 4097, 5, 1);
    create("/data/rt/m70k", 70013, 6, 1);
    create("/data/rt/big", 3 * 1048576 + 5, 7, 1);
    create("/data/rt/tree/a/b/c/deep", 5000, 8, 1);
    create("/data/rt/old.txt", 1234, 9, 1);
    create("/data/rt/victim", 9000, 10, 1);
    create("/data/rt/shrink", 200000, 11, 1);
    create("/data/rt/target", 100, 12, 1);
    append("/data/rt/log", 0, 3, 1);
    /* A directory of a few blocks (metadata: journaled), emptied and removed: Linux's next
     * transaction carries revoke records for its blocks, which a replay must read. */
    char name[96];
    dir("/data/rt/dir");
    for (unsigned i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "/data/rt/dir/%03u-a-name-long-enough-to-fill-a-directory-block", i);
        create(name, 0, 0, 0);
    }
    sync_path("/data/rt/dir");
    for (unsigned i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "/data/rt/dir/%03u-a-name-long-enough-to-fill-a-directory-block", i);
        MUST(unlink(name) == 0, "unlink %s", name);
    }
    MUST(rmdir("/data/rt/dir") == 0, "rmdir dir");
    sync_path("/data/rt");
    for (const char *const *d = (const char *const[]){"/data/rt/tree/a/b/c", "/data/rt/tree/a/b",
                                                       "/data/rt/tree/a", "/data/rt/tree",
                                                       "/data/rt", "/data", NULL};
         *d; d++)
        sync_path(*d);
    printf("rt: phase 1 durable\n");
    fflush(stdout);
    if (pause) {
        char line[16];
        MUST(read(0, line, sizeof line) > 0, "a line on stdin");
    }

    /* Phase 2: the changes the crash must not lose, nothing fsync'ed before the end (libos commits
     * them in one transaction, at the first fsync there; Linux in one per file). */
    MUST(rename("/data/rt/old.txt", "/data/rt/tree/a/renamed.txt") == 0, "rename");
    int fd = open("/data/rt/target.tmp", O_WRONLY | O_CREAT | O_EXCL, 0644);
    MUST(fd >= 0, "creating target.tmp");
    if (fd >= 0) {
        put(fd, 300, 13, "target.tmp");
        close(fd);
    }
    MUST(rename("/data/rt/target.tmp", "/data/rt/target") == 0, "rename over target");
    MUST(unlink("/data/rt/victim") == 0, "unlink victim");
    truncate_to("/data/rt/shrink", 5000);
    fd = open("/data/rt/grow", O_WRONLY | O_CREAT | O_EXCL, 0644);
    MUST(fd >= 0, "creating grow");
    if (fd >= 0) {
        put(fd, 100, 14, "grow");
        MUST(ftruncate(fd, 100000) == 0, "ftruncate grow");
        close(fd);
    }
    append("/data/rt/log", 3, 4, 0);
    fd = open("/data/rt/big", O_WRONLY);
    MUST(fd >= 0 && lseek(fd, 1048576, SEEK_SET) == 1048576, "seek in big");
    if (fd >= 0) {
        put(fd, 4096, 15, "big in place");
        close(fd);
    }
    dir("/data/rt/many");
    for (unsigned i = 0; i < MANY; i++) {
        snprintf(name, sizeof name, "/data/rt/many/f%03u", i);
        fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
        MUST(fd >= 0, "creating %s", name);
        if (fd >= 0) {
            put(fd, 20 + i, 100 + i, name);
            close(fd);
        }
    }
    MUST(symlink("tree/a/renamed.txt", "/data/rt/link") == 0, "symlink");
    dir("/data/rt/tree/x");
    dir("/data/rt/tree/x/y");
    create("/data/rt/tree/x/y/z", 700, 16, 0);
    create_magic("/data/rt/magic", 12388, 18); /* the last block partial: journaled by libos */
    dir("/data/rt/tree/gone");
    MUST(rmdir("/data/rt/tree/gone") == 0, "rmdir");
    static const char *const files[] = {"target", "shrink", "grow", "big", "log",
                                        "tree/a/renamed.txt", "tree/x/y/z", "magic"};
    for (unsigned i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(name, sizeof name, "/data/rt/%s", files[i]);
        sync_path(name);
    }
    for (unsigned i = 0; i < MANY; i++) {
        snprintf(name, sizeof name, "/data/rt/many/f%03u", i);
        sync_path(name);
    }
    for (const char *const *d = (const char *const[]){"/data/rt/many", "/data/rt/tree/x/y",
                                                       "/data/rt/tree/x", "/data/rt/tree/a",
                                                       "/data/rt/tree", "/data/rt", NULL};
         *d; d++)
        sync_path(*d);
    printf("rt: durable (%d failures)\n", failures);
    wait_forever();
    return 1;
}

/* --- list ---------------------------------------------------------------------------------- */

static int count;

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *path, const char *rel)
{
    DIR *d = opendir(path);
    MUST(d, "opendir %s", path);
    if (!d)
        return;
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        char full[512], r[512];
        snprintf(full, sizeof full, "%s/%s", path, names[i]);
        snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", names[i]);
        struct stat st;
        count++;
        if (lstat(full, &st) != 0) {
            printf("FAIL: lstat %s: %s\n", full, strerror(errno));
            failures++;
        } else if (S_ISDIR(st.st_mode)) {
            printf("rt: d %s\n", r);
            list_dir(full, r);
        } else if (S_ISLNK(st.st_mode)) {
            char target[256];
            ssize_t k = readlink(full, target, sizeof target - 1);
            target[k > 0 ? k : 0] = 0;
            printf("rt: l %s %s\n", r, target);
        } else {
            int fd = open(full, O_RDONLY);
            uint32_t c = 0;
            long long size = 0;
            ssize_t k;
            while (fd >= 0 && (k = read(fd, buf, sizeof buf)) > 0) {
                c = crc32_update(c, buf, (size_t)k);
                size += k;
            }
            MUST(fd >= 0 && size == (long long)st.st_size, "reading %s", full);
            if (fd >= 0)
                close(fd);
            printf("rt: f %s %lld %08x\n", r, size, (unsigned)c);
        }
        free(names[i]);
    }
    free(names);
}

static int list_case(void)
{
    list_dir("/data/rt", "");
    printf("rt: listed %d (%d failures)\n", count, failures);
    return failures != 0;
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    int writing = !strcmp(what, "write");
#ifdef RT_LINUX_INIT
    if (linux_setup(writing, writing && argc > 3 ? argv[3] : NULL) != 0)
        linux_exit(1);
    if (!writing)
        kernel_lines();
#endif
    int r = 1;
    if (writing)
        r = write_case(argc > 2 && !strcmp(argv[2], "pause"));
    else if (!strcmp(what, "list"))
        r = list_case();
    else
        printf("FAIL: unknown case '%s'\n", what);
#ifdef RT_LINUX_INIT
    linux_exit(r);
#endif
    return r;
}

/*
 * test_ext4: the ext4 file system through the POSIX calls, on images tests/boot/ext4test.py
 * makes with mke2fs -d (and checks afterwards with debugfs and e2fsck). One subcommand per case
 * (argv[1]); each prints "ok: ..." or "FAIL: ..." per check, then "ext4: done", and exits 0 only
 * when every check held. The disks are mounted by the command line (libos.mount=vda:/data, and
 * vdb:/data2 where a case has two).
 *   posix   the host's files read byte-exact; the guest's written (ext4test.py reads them back);
 *           every errno of the calls
 *   ro      the disk mounted read-only: reads work, every change fails EROFS
 *   full    a small disk filled: ENOSPC, then room again after an unlink
 *   many    10,000 files in one directory
 *   walk    read every file and directory under /data (a damaged disk: EIO, never a crash)
 *   crash   the crash loop's writer: create, append, fsync, rename, forever (ext4crash.py kills it)
 *   verify  after a crash: every file the log says was fsync'ed is intact
 *   api     libos_ext4_mount/unmount from the program
 *   orphan  unlink a 1 MiB file while open, fsync (it is on the orphan list), leave with _exit
 *   timer   write without fsync, wait past the 5-second commit, leave with _exit (no unmount)
 */
#define _GNU_SOURCE
#include <libos/ext4.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "../check.h"

/* The byte at offset o of a file with pattern seed s (ext4test.py has the same). */
static unsigned char pat(uint64_t o, unsigned s) { return (unsigned char)(o * 7 + s + (o >> 11)); }

static char *pattern(size_t n, unsigned s)
{
    char *b = malloc(n);
    for (size_t i = 0; i < n; i++)
        b[i] = (char)pat(i, s);
    return b;
}

static ssize_t read_all(const char *path, char **out)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    struct stat st;
    fstat(fd, &st);
    char *b = malloc((size_t)st.st_size + 1);
    ssize_t got = 0, n;
    while ((n = read(fd, b + got, (size_t)st.st_size - (size_t)got + 1)) > 0)
        got += n;
    close(fd);
    *out = b;
    return n < 0 ? -1 : got;
}

static int same_file(const char *path, const void *want, size_t n)
{
    char *got;
    ssize_t len = read_all(path, &got);
    int ok = len == (ssize_t)n && memcmp(got, want, n) == 0;
    if (len >= 0)
        free(got);
    return ok;
}

static void write_file(const char *path, const void *buf, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0, "create %s", path);
    CHECK(write(fd, buf, n) == (ssize_t)n, "write %s", path);
    CHECK(close(fd) == 0, "close %s", path);
}

/* --- posix ------------------------------------------------------------------------------------ */

static void host_files(void)
{
    static const char small[] = "hello from the host\n";
    CHECK(same_file("/data/host/small.txt", small, sizeof small - 1), "small.txt");
    char *big = pattern(3 * 1024 * 1024 + 123, 1);
    CHECK(same_file("/data/host/big.bin", big, 3 * 1024 * 1024 + 123), "big.bin byte-exact");
    /* pread at odd offsets across block boundaries */
    int fd = open("/data/host/big.bin", O_RDONLY);
    char buf[10000];
    CHECK(pread(fd, buf, sizeof buf, 4090) == (ssize_t)sizeof buf && memcmp(buf, big + 4090, sizeof buf) == 0,
          "pread at 4090");
    CHECK(pread(fd, buf, 100, 3 * 1024 * 1024 + 100) == 23, "pread at the end: short");
    CHECK(pread(fd, buf, 100, 1 << 30) == 0, "pread past the end: 0");
    close(fd);
    free(big);
    CHECK(same_file("/data/host/sub/dir/deep.txt", "deep\n", 5), "deep.txt");
    char t[PATH_MAX];
    ssize_t n = readlink("/data/host/fast-link", t, sizeof t);
    CHECK(n == 9 && memcmp(t, "small.txt", 9) == 0, "fast symlink %zd", n);
    CHECK(same_file("/data/host/fast-link", small, sizeof small - 1), "through the fast symlink");
    n = readlink("/data/host/slow-link", t, sizeof t);
    CHECK(n == 120, "slow symlink's target: %zd bytes", n);
    struct stat a, b;
    CHECK(stat("/data/host/small.txt", &a) == 0 && stat("/data/host/hard-link", &b) == 0 && a.st_ino == b.st_ino &&
          a.st_nlink == 2, "hard link: one inode, 2 links");
    CHECK(S_ISREG(a.st_mode) && (a.st_mode & 07777) == 0640, "mode %o", a.st_mode);
    CHECK(a.st_size == 20 && a.st_blksize == 4096 && (a.st_blocks == 8 || a.st_blocks == 0 /* inline */), "size %ld blksize %ld blocks %ld",
          (long)a.st_size, (long)a.st_blksize, (long)a.st_blocks);
    CHECK(a.st_mtim.tv_sec == 1700000000 && a.st_mtim.tv_nsec == 123456789, "mtime with ns %ld.%09ld",
          (long)a.st_mtim.tv_sec, a.st_mtim.tv_nsec);
    DIR *d = opendir("/data/host");
    int seen = 0, types = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        seen++;
        if (!strcmp(e->d_name, "sub"))
            types += e->d_type == DT_DIR;
        if (!strcmp(e->d_name, "fast-link"))
            types += e->d_type == DT_LNK;
        if (!strcmp(e->d_name, "big.bin"))
            types += e->d_type == DT_REG;
    }
    CHECK(d && seen == 9 && types == 3, "readdir: %d entries, %d types right", seen, types);
    if (d)
        closedir(d);
}

static void guest_files(void)
{
    CHECK(mkdir("/data/out", 0755) == 0, "mkdir /data/out");
    write_file("/data/out/a.txt", "written by libos\n", 17);
    /* a big file in odd pieces: unaligned writes, writev, pwrite */
    size_t big = 5 * 1024 * 1024 + 77;
    char *p = pattern(big, 2);
    int fd = open("/data/out/big.bin", O_WRONLY | O_CREAT | O_EXCL, 0600);
    CHECK(fd >= 0, "create big.bin");
    size_t off = 0, step = 1000;
    while (off < 300000) {
        CHECK(write(fd, p + off, step) == (ssize_t)step, "write at %zu", off);
        off += step;
        step = step * 3 % 9001 + 1;
    }
    struct iovec iov[3] = {{p + off, 5000}, {p + off + 5000, 1}, {p + off + 5001, 200000}};
    CHECK(writev(fd, iov, 3) == 205001, "writev");
    off += 205001;
    CHECK(pwrite(fd, p + off, big - off, (off_t)off) == (ssize_t)(big - off), "pwrite the rest");
    CHECK(lseek(fd, 0, SEEK_END) == (off_t)big, "lseek SEEK_END");
    CHECK(fsync(fd) == 0, "fsync");
    CHECK(fdatasync(fd) == 0, "fdatasync");
    close(fd);
    CHECK(same_file("/data/out/big.bin", p, big), "big.bin reads back");
    free(p);
    /* readv, O_APPEND */
    fd = open("/data/out/a.txt", O_RDWR | O_APPEND);
    CHECK(write(fd, "more\n", 5) == 5, "append");
    char x[8], y[20];
    struct iovec r[2] = {{x, 8}, {y, 14}};
    CHECK(lseek(fd, 0, SEEK_SET) == 0 && readv(fd, r, 2) == 22, "readv");
    CHECK(memcmp(x, "written ", 8) == 0 && memcmp(y, "by libos\nmore\n", 14) == 0, "readv contents");
    close(fd);
    /* sparse: a hole reads as zeros */
    fd = open("/data/out/sparse", O_RDWR | O_CREAT, 0644);
    CHECK(pwrite(fd, "end", 3, 10 * 1024 * 1024) == 3, "pwrite at 10 MiB");
    char z[4096];
    CHECK(pread(fd, z, sizeof z, 4096 * 100) == (ssize_t)sizeof z, "read the hole");
    int zeros = 1;
    for (size_t i = 0; i < sizeof z; i++)
        zeros &= z[i] == 0;
    CHECK(zeros, "the hole is zeros");
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 10 * 1024 * 1024 + 3 && st.st_blocks <= 64, "sparse size %ld blocks %ld",
          (long)st.st_size, (long)st.st_blocks);
    /* ftruncate down and up: the cut part reads as zeros */
    CHECK(ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5, "ftruncate to 5");
    close(fd);
    write_file("/data/out/trunc", "0123456789abcdef", 16);
    CHECK(truncate("/data/out/trunc", 4) == 0 && truncate("/data/out/trunc", 8) == 0, "truncate 4 then 8");
    CHECK(same_file("/data/out/trunc", "0123\0\0\0\0", 8), "truncated then grown: zeros");
    fd = open("/data/out/a.txt", O_WRONLY | O_TRUNC);
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0, "O_TRUNC");
    CHECK(write(fd, "written by libos\nmore\n", 22) == 22, "rewrite a.txt");
    close(fd);
    /* links */
    CHECK(link("/data/out/a.txt", "/data/out/a-link") == 0, "link");
    CHECK(stat("/data/out/a.txt", &st) == 0 && st.st_nlink == 2, "nlink 2");
    CHECK(symlink("a.txt", "/data/out/fast") == 0, "fast symlink");
    char longt[200];
    memset(longt, 'L', sizeof longt - 1);
    longt[sizeof longt - 1] = '\0';
    CHECK(symlink(longt, "/data/out/slow") == 0, "slow symlink");
    char t[300];
    CHECK(readlink("/data/out/slow", t, sizeof t) == 199 && memcmp(t, longt, 199) == 0, "readlink slow");
    CHECK(same_file("/data/out/fast", "written by libos\nmore\n", 22), "through the new symlink");
    struct stat ls;
    CHECK(lstat("/data/out/fast", &ls) == 0 && S_ISLNK(ls.st_mode) && ls.st_size == 5, "lstat of a link");
    /* attributes */
    CHECK(chmod("/data/out/a.txt", 0604) == 0 && stat("/data/out/a.txt", &st) == 0 && (st.st_mode & 0777) == 0604,
          "chmod");
    fd = open("/data/out/a.txt", O_RDONLY);
    CHECK(fchmod(fd, 0640) == 0 && fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0640, "fchmod");
    close(fd);
    CHECK(chown("/data/out/a.txt", 1000, 7000) == 0 && stat("/data/out/a.txt", &st) == 0 && st.st_uid == 1000 &&
          st.st_gid == 7000, "chown");
    struct timespec ts[2] = {{1600000000, 111}, {1650000000, 987654321}};
    CHECK(utimensat(AT_FDCWD, "/data/out/a.txt", ts, 0) == 0, "utimensat");
    CHECK(stat("/data/out/a.txt", &st) == 0 && st.st_atim.tv_sec == 1600000000 && st.st_atim.tv_nsec == 111 &&
          st.st_mtim.tv_sec == 1650000000 && st.st_mtim.tv_nsec == 987654321, "times with ns");
    struct timeval tv[2] = {{1500000000, 5}, {1500000001, 6}};
    CHECK(utimes("/data/out/trunc", tv) == 0 && stat("/data/out/trunc", &st) == 0 && st.st_mtim.tv_sec == 1500000001 &&
          st.st_mtim.tv_nsec == 6000, "utimes");
    CHECK(access("/data/out/a.txt", R_OK | W_OK) == 0, "access");
    struct statvfs sv;
    CHECK(statvfs("/data", &sv) == 0 && sv.f_bsize == 4096 && sv.f_blocks == 16384 && sv.f_bfree > 0 &&
          sv.f_bfree < sv.f_blocks && !(sv.f_flag & ST_RDONLY) && sv.f_namemax == 255,
          "statvfs: %lu blocks %lu free", (unsigned long)sv.f_blocks, (unsigned long)sv.f_bfree);
    /* directories, cwd */
    CHECK(mkdir("/data/out/d1", 0700) == 0 && mkdir("/data/out/d1/d2", 0755) == 0, "mkdir nested");
    CHECK(stat("/data/out", &st) == 0 && st.st_nlink == 3, "parent's nlink %ld", (long)st.st_nlink);
    CHECK(chdir("/data/out/d1") == 0, "chdir");
    char cwd[PATH_MAX];
    CHECK(getcwd(cwd, sizeof cwd) && strcmp(cwd, "/data/out/d1") == 0, "getcwd");
    write_file("rel.txt", "relative\n", 9);
    CHECK(same_file("/data/out/d1/rel.txt", "relative\n", 9), "relative path");
    CHECK(chdir("/") == 0, "chdir /");
    char tmpl[] = "/data/out/tmpXXXXXX";
    fd = mkstemp(tmpl);
    CHECK(fd >= 0 && write(fd, "t", 1) == 1, "mkstemp %s", tmpl);
    close(fd);
    CHECK(unlink(tmpl) == 0, "unlink the mkstemp file");
    FILE *tf = tmpfile();
    char tb[8] = {0};
    CHECK(tf && fputs("tmp", tf) >= 0 && fseek(tf, 0, SEEK_SET) == 0 && fgets(tb, sizeof tb, tf) && !strcmp(tb, "tmp"),
          "tmpfile");
    if (tf)
        fclose(tf);
    sync();
}

static void renames(void)
{
    write_file("/data/out/r1", "one", 3);
    write_file("/data/out/r2", "two", 3);
    CHECK(rename("/data/out/r1", "/data/out/r2") == 0, "rename over a file");
    CHECK(same_file("/data/out/r2", "one", 3), "the target has the source's data");
    FAILS(open("/data/out/r1", O_RDONLY), ENOENT);
    /* a directory over an empty one, across parents: '..' and link counts follow */
    CHECK(mkdir("/data/out/src", 0755) == 0 && mkdir("/data/out/src/moving", 0755) == 0, "mkdir src/moving");
    write_file("/data/out/src/moving/f", "f", 1);
    CHECK(mkdir("/data/out/dst", 0755) == 0 && mkdir("/data/out/dst/empty", 0755) == 0, "mkdir dst/empty");
    CHECK(rename("/data/out/src/moving", "/data/out/dst/empty") == 0, "rename a directory over an empty one");
    CHECK(same_file("/data/out/dst/empty/f", "f", 1), "moved contents");
    CHECK(same_file("/data/out/dst/empty/../empty/f", "f", 1), "..");
    struct stat s1, s2;
    CHECK(stat("/data/out/src", &s1) == 0 && s1.st_nlink == 2, "src nlink %ld", (long)s1.st_nlink);
    CHECK(stat("/data/out/dst", &s2) == 0 && s2.st_nlink == 3, "dst nlink %ld", (long)s2.st_nlink);
    CHECK(rename("/data/out/dst/empty", "/data/out/moved") == 0, "rename a directory up");
    write_file("/data/out/dst/x", "x", 1);
    CHECK(mkdir("/data/out/full", 0755) == 0, "mkdir full");
    write_file("/data/out/full/y", "y", 1);
    FAILS(rename("/data/out/moved", "/data/out/full"), ENOTEMPTY);
    FAILS(rename("/data/out/moved", "/data/out/moved/sub"), EINVAL);
    FAILS(rename("/data/out/dst/x", "/data/out/full"), EISDIR);
    FAILS(rename("/data/out/full", "/data/out/dst/x"), ENOTDIR);
    CHECK(rename("/data/out/dst/x", "/data/out/dst/x") == 0, "rename onto itself");
}

static void unlink_open(void)
{
    write_file("/data/out/ghost", "boo", 3);
    int fd = open("/data/out/ghost", O_RDWR);
    CHECK(fd >= 0, "open ghost");
    CHECK(unlink("/data/out/ghost") == 0, "unlink while open");
    FAILS(open("/data/out/ghost", O_RDONLY), ENOENT);
    char b[8] = {0};
    CHECK(pread(fd, b, 8, 0) == 3 && memcmp(b, "boo", 3) == 0, "still readable");
    CHECK(pwrite(fd, "!!", 2, 3) == 2, "still writable");
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_nlink == 0 && st.st_size == 5, "nlink 0, size 5");
    CHECK(fsync(fd) == 0, "fsync the orphan (on the orphan list)");
    CHECK(close(fd) == 0, "last close frees it");
}

static void errnos(void)
{
    FAILS(open("/data/nope", O_RDONLY), ENOENT);
    FAILS(stat("/data/nope/x", &(struct stat){0}), ENOENT);
    FAILS(open("/data/out/a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
    FAILS(mkdir("/data/out", 0755), EEXIST);
    FAILS(link("/data/out/a.txt", "/data/out/r2"), EEXIST);
    FAILS(open("/data/out", O_WRONLY), EISDIR);
    FAILS(unlink("/data/out/d1"), EISDIR);
    FAILS(open("/data/out/a.txt/x", O_RDONLY), ENOTDIR);
    FAILS(open("/data/out/a.txt", O_RDONLY | O_DIRECTORY), ENOTDIR);
    FAILS(rmdir("/data/out/a.txt"), ENOTDIR);
    FAILS(mkdir("/data/out/a.txt/d", 0755), ENOTDIR);
    FAILS(rmdir("/data/out/d1"), ENOTEMPTY);
    int fd = open("/data/out/a.txt", O_RDONLY);
    FAILS(write(fd, "x", 1), EBADF);
    FAILS(ftruncate(fd, 0), EINVAL);
    close(fd);
    FAILS(close(fd), EBADF);
    FAILS(fsync(fd), EBADF);
    fd = open("/data/out/a.txt", O_RDWR);
    FAILS(lseek(fd, -1, SEEK_SET), EINVAL);
    FAILS(ftruncate(fd, -1), EINVAL);
    close(fd);
    FAILS(rename("/data/out/a.txt", "/tmp/a.txt"), EXDEV);
    FAILS(rename("/data/out/a.txt", "/data2/a.txt"), EXDEV);
    FAILS(link("/data/out/a.txt", "/data2/a.txt"), EXDEV);
    char name[300];
    memset(name, 'n', sizeof name);
    memcpy(name, "/data/", 6);
    name[sizeof name - 1] = '\0';
    FAILS(open(name, O_CREAT | O_WRONLY, 0644), ENAMETOOLONG);
    FAILS(mkdir(name, 0755), ENAMETOOLONG);
    CHECK(symlink("loop-b", "/data/out/loop-a") == 0 && symlink("loop-a", "/data/out/loop-b") == 0, "a link loop");
    FAILS(open("/data/out/loop-a", O_RDONLY), ELOOP);
    FAILS(open("/data/out/fast", O_RDONLY | O_NOFOLLOW), ELOOP);
    FAILS(link("/data/host/many-links", "/data/out/one-more"), EMLINK);
    FAILS(readlink("/data/out/a.txt", name, sizeof name), EINVAL);
    FAILS(utimensat(AT_FDCWD, "/data/out/a.txt", ((struct timespec[2]){{0, 2000000000}, {0, 0}}), 0), EINVAL);
}

/* Four threads writing their own files at once, in 4 KiB pieces (one on the second disk): the
 * mount's lock keeps libext2fs to one call at a time while the disk blocks the others. */
static void *writer(void *arg)
{
    unsigned id = (unsigned)(uintptr_t)arg;
    char path[64];
    snprintf(path, sizeof path, id == 3 ? "/data2/t%u" : "/data/out/t%u", id);
    char *p = pattern(1 << 20, 10 + id);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), bad = fd < 0;
    for (size_t off = 0; off < (1 << 20) && !bad; off += 4096)
        bad = write(fd, p + off, 4096) != 4096;
    bad |= close(fd) != 0 || !same_file(path, p, 1 << 20);
    free(p);
    return (void *)(uintptr_t)bad;
}

static void threads(void)
{
    pthread_t t[4];
    for (unsigned i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, writer, (void *)(uintptr_t)i);
    int bad = 0;
    for (unsigned i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        bad += r != NULL;
    }
    CHECK(bad == 0, "4 threads wrote and read back their files (%d failed)", bad);
}

static int posix(void)
{
    host_files();
    guest_files();
    renames();
    unlink_open();
    errnos();
    threads();
    /* the second disk: its own file system */
    write_file("/data2/other.txt", "on vdb\n", 7);
    struct stat a, b;
    CHECK(stat("/data", &a) == 0 && stat("/data2", &b) == 0 && a.st_dev != b.st_dev, "two file systems");
    return 0;
}

/* --- ro ---------------------------------------------------------------------------------------- */

static int ro(void)
{
    CHECK(same_file("/data/host/small.txt", "hello from the host\n", 20), "reads work");
    FAILS(open("/data/host/small.txt", O_WRONLY), EROFS);
    FAILS(open("/data/host/small.txt", O_RDONLY | O_TRUNC), EROFS);
    FAILS(open("/data/new", O_CREAT | O_WRONLY, 0644), EROFS);
    FAILS(mkdir("/data/d", 0755), EROFS);
    FAILS(unlink("/data/host/small.txt"), EROFS);
    FAILS(rmdir("/data/host/sub/dir"), EROFS);
    FAILS(rename("/data/host/small.txt", "/data/x"), EROFS);
    FAILS(link("/data/host/small.txt", "/data/x"), EROFS);
    FAILS(symlink("x", "/data/x"), EROFS);
    FAILS(chmod("/data/host/small.txt", 0600), EROFS);
    FAILS(truncate("/data/host/small.txt", 0), EROFS);
    FAILS(access("/data/host/small.txt", W_OK), EROFS);
    int fd = open("/data/host/small.txt", O_RDONLY);
    FAILS(fchmod(fd, 0600), EROFS);
    close(fd);
    struct statvfs sv;
    CHECK(statvfs("/data", &sv) == 0 && (sv.f_flag & ST_RDONLY), "statvfs says read-only");
    return 0;
}

/* --- full ---------------------------------------------------------------------------------------- */

static int full(void)
{
    char *buf = pattern(1 << 20, 3);
    int fd = open("/data/fill", O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0, "create fill");
    ssize_t n;
    size_t total = 0;
    while ((n = write(fd, buf, 1 << 20)) > 0)
        total += (size_t)n;
    CHECK(n == -1 && errno == ENOSPC, "the disk fills: ENOSPC after %zu bytes", total);
    CHECK(total > 4 << 20, "most of the disk was written (%zu bytes)", total);
    close(fd);
    /* small writes and new names fail too once nothing is left */
    fd = open("/data/fill", O_WRONLY | O_APPEND);
    while (write(fd, buf, 4096) == 4096)
        ;
    close(fd);
    int i, created = 0;
    for (i = 0; i < 200; i++) {
        char p[64];
        snprintf(p, sizeof p, "/data/small%d", i);
        fd = open(p, O_WRONLY | O_CREAT, 0644);
        if (fd < 0)
            break;
        created++;
        if (write(fd, buf, 4096) != 4096) {
            CHECK(errno == ENOSPC, "small write: ENOSPC");
            close(fd);
            break;
        }
        close(fd);
    }
    printf("created %d small files before the disk was full\n", created);
    CHECK(unlink("/data/fill") == 0, "unlink the big file");
    write_file("/data/after", buf, 100000);
    CHECK(same_file("/data/after", buf, 100000), "room again");
    free(buf);
    return 0;
}

/* --- many ---------------------------------------------------------------------------------------- */

static int many(void)
{
    CHECK(mkdir("/data/many", 0755) == 0, "mkdir many");
    int bad = 0;
    for (int i = 0; i < 10000; i++) {
        char p[64], c[32];
        snprintf(p, sizeof p, "/data/many/file-%05d", i);
        int n = snprintf(c, sizeof c, "%d\n", i);
        int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
        bad += fd < 0 || write(fd, c, (size_t)n) != n || close(fd) != 0;
    }
    CHECK(bad == 0, "10000 files created (%d failed)", bad);
    DIR *d = opendir("/data/many");
    int count = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        count++;
    closedir(d);
    CHECK(count == 10002, "readdir: %d entries", count);
    CHECK(same_file("/data/many/file-04567", "4567\n", 5), "one of them");
    for (int i = 0; i < 10000; i += 2) {
        char p[64];
        snprintf(p, sizeof p, "/data/many/file-%05d", i);
        bad += unlink(p) != 0;
    }
    CHECK(bad == 0, "5000 unlinked");
    FAILS(open("/data/many/file-00000", O_RDONLY), ENOENT);
    CHECK(same_file("/data/many/file-09999", "9999\n", 5), "the others stay");
    return 0;
}

/* --- walk: read everything (a damaged disk) -------------------------------------------------------- */

static int errors, entries;

static void walk_dir(const char *path, int depth)
{
    DIR *d = opendir(path);
    if (!d) {
        printf("walk: %s: %s\n", path, strerror(errno));
        errors++;
        return;
    }
    struct dirent *e;
    while ((errno = 0, e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        entries++;
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/%s", path, e->d_name);
        struct stat st;
        if (lstat(p, &st) < 0) {
            printf("walk: %s: %s\n", p, strerror(errno));
            errors++;
        } else if (S_ISDIR(st.st_mode) && depth < 8) {
            walk_dir(p, depth + 1);
            errno = 0;
        } else if (S_ISREG(st.st_mode)) {
            char *b;
            if (read_all(p, &b) < 0) {
                printf("walk: %s: %s\n", p, strerror(errno));
                errors++;
            } else {
                free(b);
            }
        }
        errno = 0;
    }
    if (errno) {
        printf("walk: readdir %s: %s\n", path, strerror(errno));
        errors++;
    }
    closedir(d);
}

static int walk(void)
{
    walk_dir("/data", 0);
    int fd = open("/data/new-file", O_WRONLY | O_CREAT, 0644);
    if (fd < 0 || write(fd, "x", 1) != 1) {
        printf("walk: writing: %s\n", strerror(errno));
        errors++;
    }
    if (fd >= 0)
        close(fd);
    printf("walk: %d entries, %d errors\n", entries, errors);
    return 0;
}

/* --- crash: the writer of the crash loop, and its check ------------------------------------------- */

/* File k of generation g holds the pattern with seed g*31+k, of size 1000 + (k * 7919) % 200000. */
static size_t crash_size(unsigned k) { return 1000 + (k * 7919u) % 200000u; }

static int crash(void)
{
    /* Every round: write f<k>.tmp, fsync it, rename to f<k>, fsync the directory (a commit), then
     * append the name to the log and fsync the log: a name in the log has been made durable. */
    mkdir("/data/crash", 0755);
    int log = open("/data/crash/log", O_WRONLY | O_CREAT | O_APPEND, 0644);
    CHECK(log >= 0, "open the log");
    struct stat st;
    fstat(log, &st);
    unsigned k = (unsigned)(st.st_size / 16);
    printf("crash: writing from round %u\n", k);
    for (;; k++) {
        size_t n = crash_size(k);
        char *p = pattern(n, k * 31);
        char tmp[64], name[64], line[17];
        snprintf(tmp, sizeof tmp, "/data/crash/f%u.tmp", k % 64);
        snprintf(name, sizeof name, "/data/crash/f%u", k % 64);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || write(fd, p, n) != (ssize_t)n || fsync(fd) != 0 || close(fd) != 0 || rename(tmp, name) != 0) {
            printf("FAIL: crash writer round %u: %s\n", k, strerror(errno));
            return 1;
        }
        int dir = open("/data/crash", O_RDONLY);
        fsync(dir);
        close(dir);
        snprintf(line, sizeof line, "%015u\n", k);
        if (write(log, line, 16) != 16 || fsync(log) != 0) {
            printf("FAIL: crash log round %u: %s\n", k, strerror(errno));
            return 1;
        }
        free(p);
        if (k % 10 == 0)
            printf("crash: round %u durable\n", k);
    }
}

static int verify(void)
{
    char *log;
    ssize_t n = read_all("/data/crash/log", &log);
    CHECK(n >= 0, "read the log");
    if (n < 0)
        return 0;
    unsigned rounds = (unsigned)(n / 16);
    /* the last round of each slot that the log names must be intact */
    int bad = 0, checked = 0;
    for (unsigned slot = 0; slot < 64; slot++) {
        int last = -1;
        for (unsigned r = 0; r < rounds; r++)
            if (r % 64 == slot)
                last = (int)r;
        if (last < 0)
            continue;
        char name[64], *got;
        snprintf(name, sizeof name, "/data/crash/f%u", slot);
        ssize_t len = read_all(name, &got);
        /* a later round may have replaced it after the log line (not yet logged): that is fine
         * when it holds that later round's data */
        int ok = 0;
        for (unsigned k = (unsigned)last; k < (unsigned)last + 128 && !ok; k += 64) {
            char *p = pattern(crash_size(k), k * 31);
            ok = len == (ssize_t)crash_size(k) && memcmp(got, p, (size_t)len) == 0;
            free(p);
        }
        if (!ok) {
            printf("FAIL: %s is not round %d's data (%zd bytes)\n", name, last, len);
            bad++;
        }
        if (len >= 0)
            free(got);
        checked++;
    }
    for (ssize_t i = 0; i + 16 <= n; i += 16)
        bad += strtoul(log + i, NULL, 10) != (unsigned long)(i / 16);
    CHECK(bad == 0, "%d of %d fsync'ed files intact (%u rounds logged)", checked - bad, checked, rounds);
    printf("verify: %u rounds logged\n", rounds);
    free(log);
    return 0;
}

/* --- api: mounting from the program ------------------------------------------------------------ */

static int api(void)
{
    CHECK(libos_ext4_mount("vdb", "/b", 0, "cache=1M") == 0, "libos_ext4_mount vdb at /b");
    write_file("/b/by-api", "api\n", 4);
    CHECK(libos_ext4_mount("vdb", "/c", 0, NULL) == -EBUSY, "the same disk twice: EBUSY");
    CHECK(libos_ext4_mount("vdz", "/z", 0, NULL) == -ENODEV, "no such disk: ENODEV");
    CHECK(libos_ext4_mount("vdb", "relative", 0, NULL) == -EINVAL, "a relative path: EINVAL");
    CHECK(libos_ext4_mount("vdb", "/x", 0, "bogus") == -EINVAL, "an unknown option: EINVAL");
    int fd = open("/b/by-api", O_RDONLY);
    CHECK(libos_ext4_unmount("/b") == -EBUSY, "unmount with a file open: EBUSY");
    close(fd);
    CHECK(libos_ext4_unmount("/b") == 0, "unmount");
    FAILS(open("/b/by-api", O_RDONLY), ENOENT);
    CHECK(libos_ext4_mount("vdb", "/b", LIBOS_EXT4_RDONLY, NULL) == 0, "mount again, read-only");
    CHECK(same_file("/b/by-api", "api\n", 4), "the file persisted");
    FAILS(open("/b/new", O_CREAT | O_WRONLY, 0644), EROFS);
    /* left mounted: exit unmounts it (and /data), after stdio's buffers; a FILE left open and
     * an fd left open too */
    write_file("/data/at-exit", "exit\n", 5);
    FILE *f = fopen("/data/stdio-at-exit", "w");
    CHECK(f != NULL, "fopen");
    fprintf(f, "buffered until exit\n");
    CHECK(open("/data/at-exit", O_RDONLY) >= 0, "an fd left open");
    return 0;
}

static int orphan(void)
{
    char *p = pattern(1 << 20, 4);
    write_file("/data/doomed", p, 1 << 20);
    int fd = open("/data/doomed", O_RDWR);
    CHECK(fd >= 0 && unlink("/data/doomed") == 0, "unlink while open");
    CHECK(fsync(fd) == 0, "fsync: committed with the inode on the orphan list");
    CHECK(pread(fd, p, 4096, 4096) == 4096, "still readable");
    printf("orphan: leaving with the file open\n");
    fflush(stdout);
    free(p);
    _exit(failures != 0);
}

static int timer(void)
{
    write_file("/data/timer.txt", "committed by the timer\n", 23);
    CHECK(mkdir("/data/timer-dir", 0755) == 0, "mkdir");
    printf("timer: written, waiting\n");
    sleep(8);
    printf("timer: leaving without unmounting\n");
    fflush(stdout);
    _exit(failures != 0);
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "posix";
    int r = 0;
    if (!strcmp(what, "posix"))
        r = posix();
    else if (!strcmp(what, "ro"))
        r = ro();
    else if (!strcmp(what, "full"))
        r = full();
    else if (!strcmp(what, "many"))
        r = many();
    else if (!strcmp(what, "walk"))
        r = walk();
    else if (!strcmp(what, "crash"))
        r = crash();
    else if (!strcmp(what, "verify"))
        r = verify();
    else if (!strcmp(what, "api"))
        r = api();
    else if (!strcmp(what, "orphan"))
        r = orphan();
    else if (!strcmp(what, "timer"))
        r = timer();
    else
        printf("FAIL: unknown case %s\n", what);
    printf("ext4: done (%d failures)\n", failures);
    return r || failures;
}

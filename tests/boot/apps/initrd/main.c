/*
 * test_initrd: the initrd file system (DEVICES initrd), through the POSIX calls only. One mode
 * per boot test (argv[1]):
 *   tree [ROOT]  walk the tree mounted at ROOT (default "/") with opendir/readdir and lstat, and
 *                print one line per entry: mode, nlink, owner, size, mtime, path, and an FNV-1a
 *                checksum of a regular file's bytes (read with read()) or a symlink's target
 *                (readlink). make_tree.py computes the same lines from the host's files, so the
 *                boot test checks every byte and attribute. Then the checks below (at "/" only:
 *                they know the tree's absolute links).
 *   mnt          the archive at /mnt (libos.initrd=/mnt): / is still the empty root, /dev works.
 *   implicit     an archive of data/nested/three alone: its directories exist all the same.
 *   none         DEVICES initrd without -initrd: nothing mounted, no error.
 * Each check prints "ok: ..." or "FAIL: ..."; the exit status is 0 only when every check held.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "../check.h"

static uint32_t fnv1a(uint32_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static unsigned char chunk[64 << 10];

/* The checksum of a whole file read with read() in 64 KiB pieces; -1 on an error. */
static long long sum_file(const char *path, off_t *size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    uint32_t h = 2166136261u;
    ssize_t n;
    *size = 0;
    while ((n = read(fd, chunk, sizeof chunk)) > 0) {
        h = fnv1a(h, chunk, (size_t)n);
        *size += n;
    }
    close(fd);
    return n < 0 ? -1 : h;
}

static int entries;

/* One line per entry below dir (its path as the guest sees it; shown relative to root). */
static void walk(const char *dir, size_t root_len)
{
    DIR *d = opendir(dir);
    if (!d) {
        printf("FAIL: opendir %s (errno %d)\n", dir, errno);
        failures++;
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (!strcmp(dir, "/") && !strcmp(e->d_name, "dev"))
            continue; /* the /dev mount, which the VFS lists in every root: not the archive's */
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
        struct stat st;
        if (lstat(path, &st) < 0) {
            printf("FAIL: lstat %s (errno %d)\n", path, errno);
            failures++;
            continue;
        }
        const char *shown = path + root_len;
        printf("entry %06o %u %u:%u %lld %lld %s%s", (unsigned)st.st_mode, (unsigned)st.st_nlink,
               (unsigned)st.st_uid, (unsigned)st.st_gid, (long long)st.st_size, (long long)st.st_mtime,
               *shown == '/' ? "" : "/", shown);
        entries++;
        if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            ssize_t n = readlink(path, target, sizeof target);
            printf(" -> %.*s", (int)(n < 0 ? 0 : n), target);
        } else if (S_ISREG(st.st_mode)) {
            off_t size;
            long long h = sum_file(path, &size);
            printf(" fnv1a 0x%08llx", h);
            if (h < 0 || size != st.st_size)
                printf(" (FAIL: read %lld of %lld bytes)", (long long)size, (long long)st.st_size), failures++;
        }
        printf("\n");
        if ((e->d_type == DT_DIR) != S_ISDIR(st.st_mode))
            printf("FAIL: d_type %u of %s\n", e->d_type, path), failures++;
        if (S_ISDIR(st.st_mode))
            walk(path, root_len);
    }
    closedir(d);
}

static void print_root(const char *root)
{
    struct stat st;
    if (stat(root, &st) < 0) {
        printf("FAIL: stat %s (errno %d)\n", root, errno);
        failures++;
        return;
    }
    printf("entry %06o %u %u:%u 0 %lld /\n", (unsigned)st.st_mode, (unsigned)st.st_nlink, (unsigned)st.st_uid,
           (unsigned)st.st_gid, (long long)st.st_mtime);
    entries = 1;
    walk(root, strcmp(root, "/") ? strlen(root) : 0);
    printf("tree: %d entries\n", entries);
}

/* The names in a directory, sorted by readdir's order, as one string "a b c". */
static void list(const char *dir, char *out, size_t size)
{
    out[0] = '\0';
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(out);
        snprintf(out + n, size - n, "%s%s", n ? " " : "", e->d_name);
    }
    closedir(d);
}

static int read_all(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return (int)n;
}

/* Everything else, on the tree of make_tree.py mounted at "/". */
static void checks(void)
{
    char buf[PATH_MAX], names[1024];
    struct stat st, st2;

    /* Symbolic links: relative, absolute, to a directory, dangling, a loop. */
    CHECK(read_all("/link", buf, sizeof buf) == 23 && !strcmp(buf, "Hello from the initrd!\n"), "%s", buf);
    CHECK(stat("/link", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 23, "stat /link");
    CHECK(lstat("/link", &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 9, "lstat /link");
    CHECK(readlink("/link", buf, sizeof buf) == 9 && !memcmp(buf, "hello.txt", 9), "readlink");
    CHECK(read_all("/abs", buf, sizeof buf) == 12 && !strcmp(buf, "answer = 42\n"), "%s", buf);
    CHECK(read_all("/data/etc/config", buf, sizeof buf) == 12, "through a link to a directory");
    FAILS(open("/data/dangling", O_RDONLY), ENOENT);
    FAILS(open("/loop1", O_RDONLY), ELOOP);
    FAILS(stat("/loop2", &st), ELOOP);
    CHECK(lstat("/loop1", &st) == 0 && S_ISLNK(st.st_mode), "lstat of a loop");
    FAILS(open("/link", O_RDONLY | O_NOFOLLOW), ELOOP);
    FAILS(readlink("/hello.txt", buf, sizeof buf), EINVAL);
    FAILS(open("/hello.txt/x", O_RDONLY), ENOTDIR);
    FAILS(open("/nothing", O_RDONLY), ENOENT);

    /* realpath, chdir, relative paths. */
    CHECK(realpath("/data/nested/../nested/./three", buf) && !strcmp(buf, "/data/nested/three"), "%s", buf);
    CHECK(realpath("/link", buf) && !strcmp(buf, "/hello.txt"), "%s", buf);
    CHECK(realpath("/data/etc/config", buf) && !strcmp(buf, "/etc/config"), "%s", buf);
    CHECK(chdir("/data/nested") == 0, "chdir");
    CHECK(read_all("three", buf, sizeof buf) == 3 && !strcmp(buf, "abc"), "relative open");
    CHECK(read_all("../../etc/config", buf, sizeof buf) == 12, "relative with ..");
    CHECK(getcwd(buf, sizeof buf) && !strcmp(buf, "/data/nested"), "%s", buf);
    FAILS(chdir("/hello.txt"), ENOTDIR);
    CHECK(chdir("/") == 0, "chdir /");

    /* pread and lseek on the 10 MiB file: the last word of the LCG sequence, anywhere. */
    int fd = open("/data/big.bin", O_RDONLY);
    CHECK(fd >= 0, "open big.bin");
    uint32_t x = 12345, last = 0, at4096 = 0;
    for (unsigned i = 0; i < (10u << 20) / 4; i++) {
        x = x * 1103515245u + 12345u;
        if (i == 1024)
            at4096 = x;
    }
    last = x;
    uint32_t w = 0;
    CHECK(pread(fd, &w, 4, (10 << 20) - 4) == 4 && w == last, "pread the last word: %08x", (unsigned)w);
    CHECK(pread(fd, &w, 4, 4096) == 4 && w == at4096, "pread at 4096: %08x", (unsigned)w);
    CHECK(pread(fd, &w, 4, 10 << 20) == 0, "pread at the end");
    CHECK(lseek(fd, 0, SEEK_CUR) == 0, "pread leaves the offset");
    CHECK(lseek(fd, -4, SEEK_END) == (10 << 20) - 4, "SEEK_END");
    uint32_t two[2] = {0, 0};
    CHECK(read(fd, two, 8) == 4 && two[0] == last, "read the last word, asking for two");
    CHECK(read(fd, &w, 4) == 0, "read at the end");
    CHECK(lseek(fd, 4096, SEEK_SET) == 4096 && read(fd, &w, 4) == 4 && w == at4096, "SEEK_SET");
    CHECK(fstat(fd, &st) == 0 && stat("/data/big.bin", &st2) == 0 && st.st_ino == st2.st_ino &&
              st.st_size == 10 << 20 && st2.st_size == st.st_size && S_ISREG(st.st_mode),
          "fstat matches stat");
    FAILS(write(fd, "x", 1), EBADF); /* opened O_RDONLY: the only way to open it */
    close(fd);

    /* Hard links: one file, two names, the same bytes. */
    CHECK(stat("/data/hard1", &st) == 0 && stat("/hard2", &st2) == 0 && st.st_ino == st2.st_ino &&
              st.st_nlink == 2 && st.st_size == 22 && st2.st_size == 22,
          "hard links: ino %lu %lu", (unsigned long)st.st_ino, (unsigned long)st2.st_ino);
    char other[64];
    CHECK(read_all("/data/hard1", buf, sizeof buf) == 22 && read_all("/hard2", other, sizeof other) == 22 &&
              !strcmp(buf, other),
          "hard links read the same");

    /* Directories: ".", "..", the children in name order; rewinding; fstat. */
    list("/data/nested", names, sizeof names);
    CHECK(!strcmp(names, ". .. three"), "%s", names);
    list("/data", names, sizeof names);
    CHECK(!strcmp(names, ". .. big.bin dangling etc hard1 nested"), "%s", names);
    DIR *d = opendir("/etc");
    CHECK(d != NULL, "opendir");
    int n1 = 0, n2 = 0;
    while (readdir(d))
        n1++;
    rewinddir(d);
    while (readdir(d))
        n2++;
    CHECK(n1 == 3 && n2 == 3, "rewinddir: %d then %d", n1, n2);
    CHECK(fstat(dirfd(d), &st) == 0 && S_ISDIR(st.st_mode), "fstat of a directory");
    closedir(d);
    FAILS(open("/etc", O_WRONLY), EISDIR);
    FAILS(opendir("/hello.txt") ? 0 : -1, ENOTDIR);

    /* Read-only: every change fails EROFS. */
    FAILS(open("/new", O_CREAT | O_WRONLY, 0644), EROFS);
    FAILS(open("/etc/new", O_CREAT | O_RDONLY, 0644), EROFS);
    FAILS(open("/hello.txt", O_WRONLY), EROFS);
    FAILS(open("/hello.txt", O_RDWR), EROFS);
    FAILS(open("/hello.txt", O_WRONLY | O_TRUNC), EROFS);
    FAILS(mkdir("/newdir", 0755), EROFS);
    FAILS(unlink("/hello.txt"), EROFS);
    FAILS(rmdir("/data/nested"), EROFS);
    FAILS(rename("/hello.txt", "/moved"), EROFS);
    FAILS(symlink("x", "/newlink"), EROFS);
    FAILS(link("/hello.txt", "/newhard"), EROFS);
    FAILS(chmod("/hello.txt", 0600), EROFS);
    FAILS(truncate("/hello.txt", 0), EROFS);
    FAILS(access("/hello.txt", W_OK), EROFS);
    CHECK(access("/data/nested/three", X_OK) == 0, "access X_OK of a 0755 file");
    struct statvfs sv;
    CHECK(statvfs("/etc", &sv) == 0 && (sv.f_flag & ST_RDONLY), "statvfs: ST_RDONLY");
    CHECK(read_all("/hello.txt", buf, sizeof buf) == 23, "unchanged");

    /* /dev is still there, under the initrd at /. */
    fd = open("/dev/zero", O_RDONLY);
    CHECK(fd >= 0 && read(fd, &w, 4) == 4 && w == 0, "/dev/zero");
    close(fd);
}

static void mnt(void)
{
    char names[1024], buf[64];
    list("/", names, sizeof names);
    CHECK(!strcmp(names, ". .. dev mnt"), "/ is the empty root: %s", names);
    CHECK(read_all("/mnt/hello.txt", buf, sizeof buf) == 23, "/mnt/hello.txt");
    CHECK(read_all("/mnt/link", buf, sizeof buf) == 23, "a relative link below /mnt");
    FAILS(open("/mnt/abs", O_RDONLY), ENOENT); /* /etc/config: not in the empty root */
    FAILS(open("/hello.txt", O_RDONLY), ENOENT);
    FAILS(open("/mnt/new", O_CREAT | O_WRONLY, 0644), EROFS);
    FAILS(open("/new", O_CREAT | O_WRONLY, 0644), EROFS);
    char real[PATH_MAX];
    /* data/etc is ../etc: ".." after it is taken from /mnt/etc, the link's target. */
    CHECK(realpath("/mnt/data/etc/../data/nested", real) && !strcmp(real, "/mnt/data/nested"), "%s", real);
    CHECK(realpath("/mnt/data/etc/..", real) && !strcmp(real, "/mnt"), "%s", real);
    CHECK(realpath("/mnt/data/etc/config", real) && !strcmp(real, "/mnt/etc/config"), "%s", real);
    CHECK(chdir("/mnt/data") == 0 && read_all("nested/three", buf, sizeof buf) == 3, "chdir /mnt/data");
    CHECK(chdir("..") == 0 && getcwd(real, sizeof real) && !strcmp(real, "/mnt"), "%s", real);
    int fd = open("/dev/null", O_WRONLY);
    CHECK(fd >= 0 && write(fd, "x", 1) == 1, "/dev/null");
    close(fd);
}

static void implicit(void)
{
    char names[1024], buf[64];
    struct stat st;
    CHECK(stat("/data", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0755, "/data: %o",
          (unsigned)st.st_mode);
    CHECK(stat("/data/nested", &st) == 0 && S_ISDIR(st.st_mode), "/data/nested");
    CHECK(stat("/", &st) == 0 && S_ISDIR(st.st_mode), "/");
    list("/", names, sizeof names); /* the archive's, then the mount point below it */
    CHECK(!strcmp(names, ". .. data dev"), "%s", names);
    list("/data", names, sizeof names);
    CHECK(!strcmp(names, ". .. nested"), "%s", names);
    CHECK(read_all("/data/nested/three", buf, sizeof buf) == 3 && !strcmp(buf, "abc"), "%s", buf);
    CHECK(lstat("/data/nested/three", &st) == 0 && (st.st_mode & 0777) == 0755, "mode as packed");
}

static void none(void)
{
    char names[1024];
    list("/", names, sizeof names);
    CHECK(!strcmp(names, ". .. dev"), "/ is the empty root: %s", names);
    FAILS(open("/hello.txt", O_RDONLY), ENOENT);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "tree";
    if (!strcmp(mode, "tree")) {
        print_root(argc > 2 ? argv[2] : "/");
        if (argc <= 2)
            checks();
    } else if (!strcmp(mode, "mnt")) {
        print_root("/mnt");
        mnt();
    } else if (!strcmp(mode, "implicit")) {
        implicit();
    } else if (!strcmp(mode, "none")) {
        none();
    } else {
        printf("usage: test_initrd tree|mnt|implicit|none\n");
        return 2;
    }
    printf(failures ? "initrd: %d checks FAILED\n" : "initrd: all checks passed\n", failures);
    return failures ? 1 : 0;
}

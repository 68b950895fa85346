/*
 * test_vfs: the fd layer and the VFS, one subcommand per area (argv[1]). Each prints "ok: ..." or
 * "FAIL: ..." per check and exits 0 only when every check held.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "../check.h"

static int fds(void)
{
    int p[2];
    char buf[20000];
    memset(buf, 'x', sizeof buf);
    /* A non-blocking pipe takes what fits and says so, then EAGAIN; never a block. */
    CHECK(pipe2(p, O_NONBLOCK) == 0, "pipe2");
    ssize_t n = write(p[1], buf, sizeof buf);
    CHECK(n > 0 && n < (ssize_t)sizeof buf, "short write of %zd", n);
    printf("non-blocking write of 20000 bytes: %zd\n", n);
    FAILS(write(p[1], buf, sizeof buf), EAGAIN);
    FAILS(write(p[1], buf, 10), EAGAIN); /* <= PIPE_BUF: all or nothing */
    int avail = -1;
    CHECK(ioctl(p[0], FIONREAD, &avail) == 0 && avail == n, "FIONREAD %d", avail);
    CHECK(read(p[0], buf, sizeof buf) == n, "read back");
    FAILS(read(p[0], buf, 1), EAGAIN);
    /* Access modes as opened. */
    CHECK(fcntl(p[0], F_GETFL) == (O_RDONLY | O_NONBLOCK), "read end %#x", fcntl(p[0], F_GETFL));
    CHECK(fcntl(p[1], F_GETFL) == (O_WRONLY | O_NONBLOCK), "write end %#x", fcntl(p[1], F_GETFL));
    FAILS(write(p[0], "a", 1), EBADF);
    FAILS(read(p[1], buf, 1), EBADF);
    int root = open("/", O_RDONLY);
    CHECK(root >= 0 && (fcntl(root, F_GETFL) & O_ACCMODE) == O_RDONLY, "F_GETFL of / %#x",
          fcntl(root, F_GETFL));
    FAILS(read(root, buf, 1), EISDIR);
    int null = open("/dev/null", O_WRONLY | O_APPEND);
    CHECK(null >= 0 && fcntl(null, F_GETFL) == (O_WRONLY | O_APPEND), "F_GETFL of /dev/null");
    CHECK((fcntl(1, F_GETFL) & O_ACCMODE) == O_RDWR, "the console is O_RDWR");
    /* F_SETFL keeps the access mode; dup'ed fds share the description's flags. */
    int d = dup(null);
    CHECK(fcntl(d, F_SETFL, O_NONBLOCK) == 0 && fcntl(null, F_GETFL) == (O_WRONLY | O_NONBLOCK),
          "shared flags %#x", fcntl(null, F_GETFL));
    int off = 0;
    CHECK(ioctl(d, FIONBIO, &off) == 0 && fcntl(null, F_GETFL) == O_WRONLY, "FIONBIO clears");
    FAILS(ioctl(null, FIONREAD, &avail), ENOTTY);
    FAILS(ioctl(99, FIONREAD, &avail), EBADF);
    close(d);
    close(null);
    close(root);
    close(p[0]);
    close(p[1]);
    /* Thousands of fds; select sees a high one. */
    int first = dup(1), last = first, count = 1;
    while ((last = dup(1)) >= 0)
        count++;
    CHECK(errno == EMFILE, "dup until the limit ends in EMFILE");
    printf("fds: %d dup'ed, the last %d\n", count, first + count - 1);
    CHECK(count + 3 >= 4096, "at least 4096 fds in all, got %d", count + 3);
    for (int fd = first; fd < first + count; fd++)
        close(fd);
    CHECK(pipe(p) == 0 && dup2(p[0], 4000) == 4000 && write(p[1], "z", 1) == 1, "pipe at fd 4000");
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(4000, &rd);
    struct timeval tv = {0, 0};
    CHECK(select(4001, &rd, NULL, NULL, &tv) == 1 && FD_ISSET(4000, &rd), "select sees fd 4000");
    close(4000);
    close(p[0]);
    close(p[1]);
    return failures != 0;
}

static int dev(void)
{
    char buf[64];
    int fd = open("/dev/null", O_RDWR);
    CHECK(fd >= 0 && read(fd, buf, sizeof buf) == 0 && write(fd, "abc", 3) == 3, "/dev/null");
    CHECK(!isatty(fd) && errno == ENOTTY, "/dev/null is no tty");
    close(fd);
    /* The console is a terminal as the runner's stdin (fd 0) and stdout (fd 1) are: here pipes
     * (boot.stdin.isatty_* test the terminal cases). fstat agrees with isatty. */
    struct stat cst;
    CHECK(!isatty(0) && !isatty(1) && errno == ENOTTY, "the console is no tty when the runner's are pipes");
    CHECK(fstat(1, &cst) == 0 && S_ISFIFO(cst.st_mode), "fstat(1) says FIFO, as isatty(1) says no tty");
    fd = open("/dev/zero", O_RDONLY);
    memset(buf, 1, sizeof buf);
    CHECK(fd >= 0 && read(fd, buf, sizeof buf) == (ssize_t)sizeof buf && buf[0] == 0 && buf[63] == 0,
          "/dev/zero");
    close(fd);
    fd = open("/dev/full", O_WRONLY);
    FAILS(write(fd, "a", 1), ENOSPC);
    close(fd);
    struct stat st;
    CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode), "stat /dev/null");
    CHECK(stat("/dev", &st) == 0 && S_ISDIR(st.st_mode), "stat /dev");
    fd = open("/dev/tty", O_WRONLY);
    CHECK(fd >= 0 && write(fd, "via /dev/tty\n", 13) == 13, "/dev/tty writes to the console");
    close(fd);
    DIR *dir = opendir("/dev");
    int seen = 0;
    struct dirent *e;
    while (dir && (e = readdir(dir)))
        seen += strcmp(e->d_name, "null") == 0 || strcmp(e->d_name, "urandom") == 0 ||
                strcmp(e->d_name, "console") == 0;
    CHECK(dir && seen == 3, "readdir /dev: %d of null, urandom, console", seen);
    closedir(dir);
    FAILS(open("/dev/nosuch", O_RDONLY), ENOENT);
    FAILS(open("/dev/new", O_WRONLY | O_CREAT, 0644), EROFS);
    return failures != 0;
}

static int paths(void)
{
    struct stat st;
    char buf[PATH_MAX];
    CHECK(stat("/dev/../dev/./null", &st) == 0 && S_ISCHR(st.st_mode), "dots");
    CHECK(stat("//dev///null", &st) == 0, "repeated slashes");
    CHECK(stat("/..", &st) == 0 && S_ISDIR(st.st_mode), "/.. is /");
    CHECK(realpath("/dev/../dev//null", buf) && strcmp(buf, "/dev/null") == 0, "realpath %s", buf);
    CHECK(chdir("/dev") == 0 && getcwd(buf, sizeof buf) && strcmp(buf, "/dev") == 0, "chdir /dev");
    CHECK(stat("null", &st) == 0 && S_ISCHR(st.st_mode), "relative to /dev");
    CHECK(stat("../dev/zero", &st) == 0, "../ across the mount");
    CHECK(chdir("..") == 0 && getcwd(buf, sizeof buf) && strcmp(buf, "/") == 0, "back to /");
    FAILS(stat("/dev/null/x", &st), ENOTDIR);
    FAILS(stat("/nonexistent", &st), ENOENT);
    FAILS(stat("", &st), ENOENT);
    FAILS(chdir("/dev/null"), ENOTDIR);
    FAILS(open("/x", O_WRONLY | O_CREAT, 0644), EROFS);
    FAILS(mkdir("/x", 0755), EROFS);
    FAILS(mkdir("/dev", 0755), EEXIST);
    FAILS(rmdir("/"), EBUSY);
    FAILS(unlink("/dev"), EISDIR);
    FAILS(open("/", O_WRONLY), EISDIR);
    FAILS(open("/dev/null", O_RDONLY | O_DIRECTORY), ENOTDIR);
    FAILS(open("/dev", O_RDONLY | O_CREAT | O_EXCL, 0644), EEXIST);
    char *longp = malloc(5000);
    memset(longp, 'a', 4999);
    longp[0] = '/';
    longp[4999] = 0;
    FAILS(stat(longp, &st), ENAMETOOLONG);
    free(longp);
    struct statvfs sv;
    CHECK(statvfs("/", &sv) == 0 && (sv.f_flag & ST_RDONLY), "/ is read-only");
    FAILS(access("/", W_OK), EROFS);
    CHECK(access("/dev/null", R_OK | W_OK) == 0, "access /dev/null");
    return failures != 0;
}

/* /tmp (tmpfs): creating, O_APPEND, links, renames, symbolic links and ELOOP, directories. */
static int tmp(void)
{
    char buf[256];
    struct stat st;
    int fd = open("/tmp/a", O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 0 && write(fd, "hello", 5) == 5, "create and write");
    FAILS(open("/tmp/a", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
    CHECK(lseek(fd, 0, SEEK_SET) == 0 && read(fd, buf, sizeof buf) == 5 && memcmp(buf, "hello", 5) == 0,
          "read back");
    CHECK(pwrite(fd, "J", 1, 0) == 1 && pread(fd, buf, 5, 0) == 5 && memcmp(buf, "Jello", 5) == 0,
          "pread/pwrite");
    close(fd);
    /* O_APPEND: every write lands at the end, whatever the position. */
    fd = open("/tmp/a", O_WRONLY | O_APPEND);
    CHECK(fd >= 0 && lseek(fd, 0, SEEK_SET) == 0 && write(fd, " world", 6) == 6, "append");
    CHECK(lseek(fd, 0, SEEK_CUR) == 11, "position after the append");
    close(fd);
    CHECK(stat("/tmp/a", &st) == 0 && st.st_size == 11 && S_ISREG(st.st_mode) &&
              (st.st_mode & 0777) == 0644,
          "size 11, mode %o", (unsigned)st.st_mode);
    fd = open("/tmp/a", O_RDONLY);
    CHECK(read(fd, buf, sizeof buf) == 11 && memcmp(buf, "Jello world", 11) == 0, "appended data");
    FAILS(write(fd, "x", 1), EBADF);
    FAILS(ftruncate(fd, 0), EINVAL);
    close(fd);
    fd = open("/tmp/a", O_WRONLY | O_TRUNC);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 0, "O_TRUNC");
    CHECK(ftruncate(fd, 100) == 0 && fstat(fd, &st) == 0 && st.st_size == 100, "ftruncate grows");
    close(fd);
    /* Directories, links, renames. */
    CHECK(mkdir("/tmp/d", 0755) == 0 && mkdir("/tmp/d/e", 0700) == 0, "mkdir");
    FAILS(mkdir("/tmp/d", 0755), EEXIST);
    FAILS(rmdir("/tmp/d"), ENOTEMPTY);
    CHECK(link("/tmp/a", "/tmp/d/hard") == 0 && stat("/tmp/a", &st) == 0 && st.st_nlink == 2, "link");
    CHECK(rename("/tmp/d/hard", "/tmp/d/e/moved") == 0 && stat("/tmp/d/e/moved", &st) == 0 &&
              st.st_size == 100,
          "rename");
    FAILS(stat("/tmp/d/hard", &st), ENOENT);
    FAILS(rename("/tmp/a", "/dev/a"), EXDEV);
    FAILS(rename("/tmp/d", "/tmp/d/e/inside"), EINVAL);
    CHECK(unlink("/tmp/d/e/moved") == 0 && stat("/tmp/a", &st) == 0 && st.st_nlink == 1, "unlink");
    /* An unlinked open file lives on until closed. */
    fd = open("/tmp/gone", O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0 && unlink("/tmp/gone") == 0 && write(fd, "still", 5) == 5 && pread(fd, buf, 5, 0) == 5,
          "unlinked file still open");
    close(fd);
    /* Symbolic links: relative and absolute, through directories, loops. */
    CHECK(symlink("a", "/tmp/rel") == 0 && symlink("/tmp/d", "/tmp/abs") == 0, "symlink");
    CHECK(stat("/tmp/rel", &st) == 0 && S_ISREG(st.st_mode) && lstat("/tmp/rel", &st) == 0 &&
              S_ISLNK(st.st_mode),
          "stat follows, lstat does not");
    ssize_t n = readlink("/tmp/abs", buf, sizeof buf);
    CHECK(n == 6 && memcmp(buf, "/tmp/d", 6) == 0, "readlink");
    CHECK(stat("/tmp/abs/e", &st) == 0 && S_ISDIR(st.st_mode), "a link in the middle of a path");
    CHECK(symlink("../../dev/null", "/tmp/d/up") == 0 && stat("/tmp/d/up", &st) == 0 &&
              S_ISCHR(st.st_mode),
          "a relative link out of the mount");
    CHECK(symlink("loop2", "/tmp/loop1") == 0 && symlink("loop1", "/tmp/loop2") == 0, "a loop");
    FAILS(stat("/tmp/loop1", &st), ELOOP);
    FAILS(open("/tmp/loop1/x", O_RDONLY), ELOOP);
    FAILS(open("/tmp/rel", O_RDONLY | O_NOFOLLOW), ELOOP);
    FAILS(readlink("/tmp/a", buf, sizeof buf), EINVAL);
    CHECK(chdir("/tmp/abs") == 0 && getcwd(buf, sizeof buf) && strcmp(buf, "/tmp/d") == 0,
          "chdir through a link: %s", buf);
    CHECK(stat("e", &st) == 0 && chdir("/") == 0, "relative in /tmp/d");
    /* Listing. */
    DIR *d = opendir("/tmp");
    int names = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        names++;
    closedir(d);
    CHECK(names == 2 + 6, "/tmp lists %d entries", names); /* a d rel abs loop1 loop2 */
    CHECK(chmod("/tmp/a", 0600) == 0 && stat("/tmp/a", &st) == 0 && (st.st_mode & 0777) == 0600, "chmod");
    struct statvfs sv;
    CHECK(statvfs("/tmp", &sv) == 0 && !(sv.f_flag & ST_RDONLY), "/tmp is writable");
    return failures != 0;
}

/* Raw disks (/dev/vda read-write: the host's pattern in its first MiB, zeros after; /dev/vdb
 * read-only), as tests/boot/blktest.py attaches them. */
static unsigned char host_pat(long o) { return (unsigned char)((o * 131 + (o >> 9)) & 0xff); }

static int disk(void)
{
    static unsigned char buf[8192], back[8192];
    struct stat st;
    uint64_t size = 0;
    int fd = open("/dev/vda", O_RDWR);
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && S_ISBLK(st.st_mode) && st.st_size == 8 << 20,
          "/dev/vda is an 8 MiB block device");
    CHECK(ioctl(fd, BLKGETSIZE64, &size) == 0 && size == 8 << 20, "BLKGETSIZE64 %lu", (unsigned long)size);
    int same = 1;
    CHECK(pread(fd, buf, 3000, 1000) == 3000, "unaligned pread");
    for (int i = 0; i < 3000; i++)
        same &= buf[i] == host_pat(1000 + i);
    CHECK(same, "the host's bytes at 1000..3999");
    for (int i = 0; i < 5000; i++)
        buf[i] = (unsigned char)(i * 7 + 1);
    long at = (2 << 20) + 123;
    CHECK(pwrite(fd, buf, 5000, at) == 5000 && fsync(fd) == 0, "unaligned pwrite and fsync");
    close(fd);
    fd = open("/dev/vda", O_RDONLY);
    CHECK(pread(fd, back, 5002, at - 1) == 5002, "read back");
    CHECK(back[0] == 0 && memcmp(back + 1, buf, 5000) == 0 && back[5001] == 0,
          "written bytes exact, neighbours untouched");
    CHECK(lseek(fd, 0, SEEK_END) == 8 << 20 && read(fd, buf, 10) == 0, "end of the disk: 0");
    close(fd);
    fd = open("/dev/vda", O_WRONLY);
    FAILS(pwrite(fd, buf, 10, 8 << 20), ENOSPC);
    close(fd);
    /* O_DIRECT is accepted, kept (F_GETFL) and changes nothing: there is no page cache. */
    static unsigned char direct[4096] __attribute__((aligned(4096)));
    fd = open("/dev/vda", O_RDONLY | O_DIRECT);
    CHECK(fd >= 0 && (fcntl(fd, F_GETFL) & O_DIRECT), "open with O_DIRECT");
    CHECK(pread(fd, direct, 4096, 4096) == 4096 && direct[0] == host_pat(4096) &&
          direct[4095] == host_pat(8191), "an aligned O_DIRECT pread");
    close(fd);
    CHECK(stat("/dev/vdb", &st) == 0 && S_ISBLK(st.st_mode), "/dev/vdb");
    fd = open("/dev/vdb", O_RDONLY);
    FAILS(pwrite(fd, buf, 512, 0), EBADF);
    close(fd);
    fd = open("/dev/vdb", O_RDWR);
    FAILS(pwrite(fd, buf, 512, 0), EROFS);
    CHECK(pread(fd, buf, 16, 512) == 16 && buf[0] == host_pat(512) && buf[15] == host_pat(527),
          "/dev/vdb reads");
    close(fd);
    return failures != 0;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(void);
    } tests[] = {{"fds", fds}, {"dev", dev}, {"paths", paths}, {"tmp", tmp}, {"disk", disk}};
    for (unsigned i = 0; argc > 1 && i < sizeof tests / sizeof tests[0]; i++)
        if (strcmp(argv[1], tests[i].name) == 0) {
            int r = tests[i].fn();
            printf("vfs %s: %s\n", argv[1], r ? "FAILED" : "all checks passed");
            return r;
        }
    fprintf(stderr, "usage: test_vfs fds|dev|paths|tmp|disk\n");
    return 2;
}

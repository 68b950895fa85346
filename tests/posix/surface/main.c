/*
 * posix_surface: an image that links every function the headers declare (surface_refs.c,
 * generated from the headers by tests/posix/surface.py), and runs the calls added for them that
 * work in one program.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <glob.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <regex.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <syslog.h>
#include <termios.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

extern const void *const libos_surface_refs[];
extern const unsigned long libos_surface_count;
extern const char libos_surface_names[];

static int passed, failed;

static void check(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    if (ok)
        passed++;
    else
        failed++;
}
#define CHECK(expr) check(!!(expr), #expr)

static int thread_fn(void *arg) { return *(int *)arg + 1; }

static int write_file(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    int r = (int)write(fd, "x", 1);
    close(fd);
    return r == 1 ? 0 : -1;
}

int main(void)
{
    /* Every declared function is linked, at an address. */
    unsigned long zero = 0;
    const char *name = libos_surface_names;
    for (unsigned long i = 0; i < libos_surface_count; i++, name += strlen(name) + 1)
        if (!libos_surface_refs[i]) {
            printf("FAIL: %s has no address\n", name);
            zero++;
        }
    printf("surface: %lu functions linked, %lu without an address\n", libos_surface_count, zero);
    check(zero == 0 && libos_surface_count > 1000, "every declared function is linked");

    /* users and groups */
    struct passwd *pw = getpwuid(0);
    CHECK(pw && !strcmp(pw->pw_name, "root") && !strcmp(pw->pw_dir, "/") && pw->pw_uid == 0);
    CHECK(getpwnam("root") == pw && getpwnam("nobody") == NULL && getpwuid(1000) == NULL);
    struct passwd pwbuf, *pwres;
    char buf[256];
    CHECK(getpwuid_r(0, &pwbuf, buf, sizeof buf, &pwres) == 0 && pwres == &pwbuf && !strcmp(pwbuf.pw_shell, "/bin/sh"));
    CHECK(getpwuid_r(0, &pwbuf, buf, 4, &pwres) == ERANGE && pwres == NULL);
    struct group *gr = getgrgid(0);
    CHECK(gr && !strcmp(gr->gr_name, "root") && gr->gr_mem[0] && !strcmp(gr->gr_mem[0], "root"));
    struct group grbuf, *grres;
    CHECK(getgrnam_r("root", &grbuf, buf, sizeof buf, &grres) == 0 && grres && !strcmp(grres->gr_mem[0], "root"));

    /* fnmatch, regex, basename and dirname (newlib's, built by build-newlib) */
    CHECK(fnmatch("*.c", "main.c", 0) == 0 && fnmatch("*.c", "main.h", 0) == FNM_NOMATCH);
    CHECK(fnmatch("a/*", "a/b/c", FNM_PATHNAME) == FNM_NOMATCH);
    regex_t re;
    regmatch_t m[2];
    CHECK(regcomp(&re, "^a(b+)c$", REG_EXTENDED) == 0);
    CHECK(regexec(&re, "abbbc", 2, m, 0) == 0 && m[1].rm_so == 1 && m[1].rm_eo == 4);
    CHECK(regexec(&re, "ac", 2, m, 0) == REG_NOMATCH);
    regfree(&re);
    CHECK(regcomp(&re, "a(", REG_EXTENDED) == REG_EPAREN && regerror(REG_EPAREN, &re, buf, sizeof buf) > 0);
    char path1[] = "/usr/lib/libz.a", path2[] = "/usr/lib/libz.a";
    CHECK(!strcmp(basename(path1), "libz.a") && !strcmp(dirname(path2), "/usr/lib"));

    /* files on /tmp: glob, the times, the *at calls, flock */
    CHECK(mkdir("/tmp/g", 0755) == 0 && write_file("/tmp/g/b.txt") == 0 && write_file("/tmp/g/a.txt") == 0 &&
          write_file("/tmp/g/c.log") == 0);
    glob_t g;
    CHECK(glob("/tmp/g/*.txt", 0, NULL, &g) == 0 && g.gl_pathc == 2 && !strcmp(g.gl_pathv[0], "/tmp/g/a.txt") &&
          !strcmp(g.gl_pathv[1], "/tmp/g/b.txt"));
    globfree(&g);
    /* XXX: newlib's glob is BSD's older one: no match is success with no paths (no GLOB_NOMATCH) */
    CHECK(glob("/tmp/g/*.none", 0, NULL, &g) == 0 && g.gl_pathc == 0);
    globfree(&g);
    struct stat st;
    struct timeval tv[2] = {{1000000, 0}, {2000000, 0}};
    CHECK(utimes("/tmp/g/a.txt", tv) == 0 && stat("/tmp/g/a.txt", &st) == 0 && st.st_mtime == 2000000);
    int dfd = open("/tmp/g", O_RDONLY | O_DIRECTORY);
    struct timespec ts[2] = {{0, UTIME_OMIT}, {3000000, 0}};
    CHECK(dfd >= 0 && utimensat(dfd, "a.txt", ts, 0) == 0 && stat("/tmp/g/a.txt", &st) == 0 && st.st_mtime == 3000000);
    CHECK(fchmodat(dfd, "a.txt", 0600, 0) == 0 && stat("/tmp/g/a.txt", &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK(faccessat(dfd, "a.txt", R_OK, 0) == 0 && faccessat(dfd, "none", F_OK, 0) == -1 && errno == ENOENT);
    CHECK(renameat(dfd, "b.txt", dfd, "b2.txt") == 0 && access("/tmp/g/b2.txt", F_OK) == 0);
    CHECK(linkat(dfd, "a.txt", dfd, "a2.txt", 0) == 0 && stat("/tmp/g/a2.txt", &st) == 0 && st.st_nlink == 2);
    CHECK(symlinkat("a.txt", dfd, "l") == 0 && readlinkat(dfd, "l", buf, sizeof buf) == 5 && !memcmp(buf, "a.txt", 5));
    CHECK(fchownat(dfd, "a.txt", 0, 0, 0) == 0);
    CHECK(fchmodat(dfd, "a.txt", 0600, 0x4000) == -1 && errno == EINVAL);
    CHECK(fchmodat(1, "a.txt", 0600, 0) == -1 && errno == ENOTDIR);
    int fd = openat(dfd, "c.log", O_RDWR);
    CHECK(fd >= 0 && futimens(fd, NULL) == 0);
    CHECK(flock(fd, LOCK_EX) == 0 && flock(fd, LOCK_UN) == 0 && flock(fd, 0) == -1 && errno == EINVAL);
    CHECK(flock(99, LOCK_SH) == -1 && errno == EBADF);
    struct termios t;
    CHECK(tcgetattr(fd, &t) == -1 && errno == ENOTTY);
    CHECK(tcgetattr(0, &t) == 0 && tcsetattr(0, TCSANOW, &t) == 0); /* stdin: a pty (--tty) */
    CHECK(tcgetattr(1, &t) == -1 && errno == ENOTTY);                 /* stdout: a pipe */
    close(fd);
    close(dfd);
    sync();
    char *real = realpath("/tmp/g/../g/./a.txt", NULL);
    CHECK(real && !strcmp(real, "/tmp/g/a.txt"));
    free(real);

    /* stdio locks: recursive, held by this thread */
    flockfile(stdout);
    CHECK(ftrylockfile(stdout) == 0);
    funlockfile(stdout);
    funlockfile(stdout);

    /* getopt_long */
    static const struct option opts[] = {{"verbose", no_argument, NULL, 'v'}, {"name", required_argument, NULL, 'n'}, {0}};
    char *argv[] = {"prog", "--verbose", "--name=x", "-q", "rest", NULL};
    int verbose = 0, q = 0, c;
    const char *n = NULL;
    opterr = 0;
    while ((c = getopt_long(5, argv, "q", opts, NULL)) != -1)
        c == 'v' ? verbose++ : c == 'n' ? (void)(n = optarg) : c == 'q' ? q++ : 0;
    CHECK(verbose == 1 && q == 1 && n && !strcmp(n, "x") && optind == 4);

    /* randomness: RDRAND, or ENOSYS without it (QEMU's default CPU) */
    int r1 = getentropy(buf, 32);
    CHECK(r1 == 0 || errno == ENOSYS);
    ssize_t r2 = getrandom(buf, 300, 0);
    CHECK(r1 == 0 ? r2 == 300 : (r2 == -1 && errno == ENOSYS));

    struct timespec res;
    CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0 && (res.tv_sec > 0 || res.tv_nsec > 0));
    struct rusage ru;
    CHECK(getrusage(RUSAGE_SELF, &ru) == 0);
    struct sysinfo si;
    CHECK(sysinfo(&si) == 0 && si.totalram > 0 && si.freeram <= si.totalram && si.procs == 1 && get_nprocs() == 1);
    cpu_set_t set;
    CHECK(sched_getaffinity(0, sizeof set, &set) == 0 && CPU_ISSET(0, &set) && CPU_COUNT(&set) == 1);
    CHECK(sched_setaffinity(0, sizeof set, &set) == 0 && sched_getcpu() == 0);

    /* dlopen fails and says why */
    CHECK(dlopen("libm.so", RTLD_NOW) == NULL);
    const char *why = dlerror();
    CHECK(why && strstr(why, "not supported") && dlerror() == NULL);

    /* C11 threads */
    thrd_t th;
    int arg = 41, res2 = 0;
    CHECK(thrd_create(&th, thread_fn, &arg) == thrd_success && thrd_join(th, &res2) == thrd_success && res2 == 42);

    /* what cannot work fails with an errno */
    pid_t pid;
    char *spawn_argv[] = {"/bin/true", NULL};
    CHECK(posix_spawn(&pid, "/bin/true", NULL, NULL, spawn_argv, NULL) == ENOSYS);
    CHECK(mkfifo("/tmp/fifo", 0600) == -1 && errno == ENOSYS);

    /* on the console: these lines go to stderr */
    errno = ENOENT;
    warn("warn works");
    openlog("surface", LOG_PID, LOG_USER);
    syslog(LOG_INFO, "syslog works: %d", 42);
    closelog();

    printf("posix_surface: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}

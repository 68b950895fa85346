/*
 * posix_compat: an ordinary Linux program (no libos header, no #ifdef) that calls the everyday
 * POSIX calls a one-program machine has to answer, and checks libos's answers, which
 * docs/posix.md lists. The same file compiles unchanged against glibc; there many checks fail,
 * because Linux has processes, users and files.
 *
 * Prints one line per check, "ok: ..." or "FAIL: ...", then a count; exits 0 only if all passed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <utime.h>

static int passed, failed;

static void check(int ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s: ", ok ? "ok" : "FAIL");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    if (ok)
        passed++;
    else
        failed++;
}

/* call returns -1 (or NULL) and sets errno to want. */
static void check_errno(const char *call, int is_failure, int want)
{
    int got = errno;
    check(is_failure && got == want, "%s fails with %s (errno %d: %s)", call, strerror(want), got,
          strerror(got));
}

#define FAILS(call, err) (errno = 0, check_errno(#call, (call) == -1, err))
#define FAILS_NULL(call, err) (errno = 0, check_errno(#call, (call) == NULL, err))
#define FAILS_MAP(call, err) (errno = 0, check_errno(#call, (call) == MAP_FAILED, err))

static void identity(void)
{
    check(getuid() == 0 && geteuid() == 0, "getuid() == geteuid() == 0");
    check(getgid() == 0 && getegid() == 0, "getgid() == getegid() == 0");
    check(setuid(0) == 0 && setgid(0) == 0, "setuid(0) and setgid(0) succeed");
    FAILS(setuid(1000), EPERM);
    FAILS(setgid(1000), EPERM);

    mode_t first = umask(077);
    mode_t second = umask(first);
    check(first == 022 && second == 077, "umask returns the previous mask (%03o, %03o)",
          (unsigned)first, (unsigned)second);

    errno = 0;
    int n0 = nice(0), n5 = nice(5), n3 = nice(-2);
    check(n0 == 0 && n5 == 5 && n3 == 3 && errno == 0, "nice: 0, +5, -2 give 0, 5, 3 (%d %d %d)",
          n0, n5, n3);
}

static void machine(void)
{
    struct utsname u;
    char host[HOST_NAME_MAX + 1], tiny[3];
    check(uname(&u) == 0, "uname succeeds");
    check(strcmp(u.sysname, "libos") == 0, "uname sysname is \"libos\" (\"%s\")", u.sysname);
    check(strcmp(u.machine, "x86_64") == 0, "uname machine is \"x86_64\" (\"%s\")", u.machine);
    check(u.release[0] != '\0', "uname release is set (\"%s\")", u.release);
    check(gethostname(host, sizeof host) == 0 && strcmp(host, u.nodename) == 0,
          "gethostname is uname's nodename (\"%s\")", host);
    check(strcmp(host, "libos") == 0, "the host name is \"libos\"");
    FAILS(gethostname(tiny, sizeof tiny), ENAMETOOLONG);

    check(sysconf(_SC_PAGESIZE) == 4096 && sysconf(_SC_PAGE_SIZE) == 4096 && getpagesize() == 4096,
          "the page size is 4096 (sysconf, getpagesize)");
    check(sysconf(_SC_NPROCESSORS_CONF) == 1 && sysconf(_SC_NPROCESSORS_ONLN) == 1, "one CPU");
    check(sysconf(_SC_CLK_TCK) > 0, "sysconf(_SC_CLK_TCK) = %ld", sysconf(_SC_CLK_TCK));
    long phys = sysconf(_SC_PHYS_PAGES), avail = sysconf(_SC_AVPHYS_PAGES);
    check(phys > 0 && avail > 0 && avail <= phys, "physical pages: %ld, %ld available", phys,
          avail);
    struct rlimit rl;
    check(getrlimit(RLIMIT_NOFILE, &rl) == 0 && sysconf(_SC_OPEN_MAX) == (long)rl.rlim_cur,
          "sysconf(_SC_OPEN_MAX) = RLIMIT_NOFILE = %ld", sysconf(_SC_OPEN_MAX));
    errno = 0;
    check(sysconf(-1) == -1 && errno == EINVAL, "sysconf(-1) fails with EINVAL");
}

static void paths(void)
{
    char buf[PATH_MAX], tiny[1];
    struct stat st;
    check(getcwd(buf, sizeof buf) && strcmp(buf, "/") == 0, "getcwd is \"/\"");
    char *cwd = getcwd(NULL, 0);
    check(cwd && strcmp(cwd, "/") == 0, "getcwd(NULL, 0) allocates \"/\"");
    free(cwd);
    FAILS_NULL(getcwd(tiny, sizeof tiny), ERANGE);
    check(chdir("/") == 0, "chdir(\"/\") succeeds");
    FAILS(chdir("/no/such/dir"), ENOENT);

    check(stat("/", &st) == 0 && S_ISDIR(st.st_mode), "stat(\"/\") is a directory");
    check(lstat(".", &st) == 0 && S_ISDIR(st.st_mode), "lstat(\".\") is a directory");
    check(access("/", R_OK | X_OK) == 0, "access(\"/\", R_OK | X_OK) succeeds");
    FAILS(access("/", W_OK), EROFS);
    FAILS(access("/no/such/file", F_OK), ENOENT);
    FAILS(rmdir("/no/such/dir"), ENOENT);
    FAILS(chmod("/no/such/file", 0644), ENOENT);
    FAILS(chown("/no/such/file", 0, 0), ENOENT);
    FAILS(truncate("/no/such/file", 0), ENOENT);
    struct utimbuf times = {0, 0};
    FAILS(utime("/no/such/file", &times), ENOENT);
    FAILS(readlink("/no/such/link", buf, sizeof buf), ENOENT);
    FAILS(readlink("/", buf, sizeof buf), EINVAL);
    FAILS(symlink("/target", "/new-link"), EROFS);

    char *real = realpath("/", buf);
    check(real == buf && strcmp(buf, "/") == 0, "realpath(\"/\") is \"/\"");
    real = realpath("./..", NULL);
    check(real && strcmp(real, "/") == 0, "realpath(\"./..\", NULL) allocates \"/\"");
    free(real);
    FAILS_NULL(realpath("/no/such/file", buf), ENOENT);
}

static void directories(void)
{
    FAILS_NULL(opendir("/no/such/dir"), ENOENT);
    DIR *d = opendir("/");
    check(d != NULL, "opendir(\"/\") succeeds");
    if (!d)
        return;
    int dots = 0, dev = 0, others = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            dots++;
        else if (strcmp(e->d_name, "dev") == 0)
            dev++;
        else
            others++;
    check(dots == 2 && dev == 1 && others == 0,
          "readdir(\"/\") gives \".\", \"..\" and \"dev\" only (%d, %d, %d)", dots, dev, others);
    rewinddir(d);
    check(readdir(d) != NULL, "rewinddir starts again");
    struct stat st;
    check(fstat(dirfd(d), &st) == 0 && S_ISDIR(st.st_mode), "dirfd is a directory fd");
    check(closedir(d) == 0, "closedir succeeds");

    struct dirent **list;
    int n = scandir("/", &list, NULL, alphasort);
    check(n == 3 && strcmp(list[0]->d_name, ".") == 0 && strcmp(list[1]->d_name, "..") == 0 &&
              strcmp(list[2]->d_name, "dev") == 0,
          "scandir(\"/\", alphasort) gives \".\", \"..\", \"dev\"");
    for (int i = 0; i < n; i++)
        free(list[i]);
    if (n >= 0)
        free(list);
}

static void descriptors(void)
{
    FAILS(fsync(STDOUT_FILENO), EINVAL);
    FAILS(fsync(42), EBADF);
    FAILS(ftruncate(STDOUT_FILENO, 0), EINVAL);
    FAILS(ftruncate(42, 0), EBADF);
    FAILS(fchmod(STDOUT_FILENO, 0600), EINVAL);
    FAILS(fchmod(42, 0600), EBADF);

    /* stdout is a terminal where the runner's (or the shell's) is; the test harness's is a pipe. */
    if (isatty(STDOUT_FILENO)) {
        const char *tty = ttyname(STDOUT_FILENO);
        check(tty && strncmp(tty, "/dev/", 5) == 0, "ttyname(1) is a /dev name (\"%s\")", tty ? tty : "NULL");
    } else {
        FAILS_NULL(ttyname(STDOUT_FILENO), ENOTTY);
    }
    FAILS_NULL(ttyname(42), EBADF);
    int dir = open("/", O_RDONLY);
    check(dir >= 0, "open(\"/\", O_RDONLY) succeeds");
    FAILS_NULL(ttyname(dir), ENOTTY);
    check(fsync(dir) == 0, "fsync of a directory succeeds");
    close(dir);

    int fds[2];
    check(pipe(fds) == 0 && fds[0] >= 0 && fds[1] >= 0, "pipe gives two fds");
    check(write(fds[1], "x", 1) == 1 && read(fds[0], &(char){0}, 1) == 1, "a byte through a pipe");
    close(fds[0]);
    close(fds[1]);
}

static void programs(void)
{
    char *const argv[] = {"prog", NULL};
    char *const envp[] = {"A=1", NULL};
    FAILS(execl("/no/such/prog", "prog", (char *)NULL), ENOSYS);
    FAILS(execle("/no/such/prog", "prog", (char *)NULL, envp), ENOSYS);
    FAILS(execlp("no-such-prog", "prog", (char *)NULL), ENOSYS);
    FAILS(execv("/no/such/prog", argv), ENOSYS);
    FAILS(execvp("no-such-prog", argv), ENOSYS);
    FAILS(execvpe("no-such-prog", argv, envp), ENOSYS);
    check(system(NULL) == 0, "system(NULL) is 0: no command processor");
    FAILS(system("true"), ENOSYS);
    errno = 0;
    FILE *child = popen("true", "r");
    check_errno("popen(\"true\", \"r\")", child == NULL, ENOSYS);
    if (child)
        pclose(child);
    else /* no stream comes from popen: pclose has no child to wait for */
        FAILS(pclose(stdin), ECHILD);
}

static volatile int usr1_calls, info_signo, info_code;

static void on_usr1(int sig)
{
    (void)sig;
    usr1_calls++;
}

static void on_usr2(int sig, siginfo_t *info, void *context)
{
    (void)sig, (void)context;
    info_signo = info ? info->si_signo : -1;
    info_code = info ? info->si_code : -1;
}

static void signals(void)
{
    sigset_t set;
    check(sigemptyset(&set) == 0 && !sigismember(&set, SIGINT), "sigemptyset");
    check(sigaddset(&set, SIGINT) == 0 && sigismember(&set, SIGINT) == 1 &&
              !sigismember(&set, SIGTERM),
          "sigaddset, sigismember");
    check(sigdelset(&set, SIGINT) == 0 && !sigismember(&set, SIGINT), "sigdelset");
    check(sigfillset(&set) == 0 && sigismember(&set, SIGUSR2) == 1 &&
              sigismember(&set, SIGHUP) == 1,
          "sigfillset");
    FAILS(sigaddset(&set, 0), EINVAL);
    FAILS(sigismember(&set, 1000), EINVAL);

    struct sigaction act, old;
    memset(&act, 0, sizeof act);
    act.sa_handler = on_usr1;
    sigemptyset(&act.sa_mask);
    check(sigaction(SIGUSR1, &act, NULL) == 0, "sigaction(SIGUSR1) installs a handler");
    raise(SIGUSR1);
    raise(SIGUSR1);
    kill(getpid(), SIGUSR1);
    check(usr1_calls == 3, "the handler stays installed: 3 signals, %d calls", usr1_calls);
    check(sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_handler == on_usr1,
          "sigaction reports the installed handler");

    act.sa_flags = SA_RESETHAND;
    sigaction(SIGUSR1, &act, NULL);
    raise(SIGUSR1);
    check(usr1_calls == 4 && sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_handler == SIG_DFL,
          "SA_RESETHAND: the action is back to SIG_DFL after one call");

    signal(SIGUSR1, on_usr1);
    check(sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_handler == on_usr1,
          "sigaction sees what signal() installed");
    signal(SIGUSR1, SIG_DFL);

    memset(&act, 0, sizeof act);
    act.sa_sigaction = on_usr2;
    act.sa_flags = SA_SIGINFO;
    check(sigaction(SIGUSR2, &act, NULL) == 0, "sigaction(SIGUSR2, SA_SIGINFO) succeeds");
    raise(SIGUSR2);
    check(info_signo == SIGUSR2 && info_code == SI_USER,
          "SA_SIGINFO handler gets si_signo %d, si_code SI_USER (%d, %d)", SIGUSR2, info_signo,
          info_code);

    act.sa_handler = SIG_IGN;
    act.sa_flags = 0;
    check(sigaction(SIGTERM, &act, NULL) == 0 && raise(SIGTERM) == 0, "SIG_IGN: SIGTERM ignored");
    check(raise(SIGCHLD) == 0, "SIGCHLD's default action ignores it");
    FAILS(sigaction(SIGKILL, &act, NULL), EINVAL);
}

static void limits(void)
{
    struct rlimit rl;
    int r = getrlimit(RLIMIT_STACK, &rl);
    check(r == 0 && rl.rlim_cur > 0 && rl.rlim_cur != RLIM_INFINITY,
          "RLIMIT_STACK is the main stack (%lu bytes)", (unsigned long)rl.rlim_cur);
    r = getrlimit(RLIMIT_AS, &rl);
    check(r == 0 && rl.rlim_cur > 0 && rl.rlim_cur != RLIM_INFINITY,
          "RLIMIT_AS is the heap (%lu bytes)", (unsigned long)rl.rlim_cur);
    r = getrlimit(RLIMIT_CPU, &rl);
    check(r == 0 && rl.rlim_cur == RLIM_INFINITY, "RLIMIT_CPU is unlimited");

    struct rlimit nofile;
    getrlimit(RLIMIT_NOFILE, &nofile);
    rl = (struct rlimit){16, nofile.rlim_max};
    check(setrlimit(RLIMIT_NOFILE, &rl) == 0 && getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
              rl.rlim_cur == 16,
          "RLIMIT_NOFILE can be lowered");
    check(setrlimit(RLIMIT_NOFILE, &nofile) == 0, "and raised back to its hard limit");
    rl = (struct rlimit){nofile.rlim_max + 1, nofile.rlim_max + 1};
    FAILS(setrlimit(RLIMIT_NOFILE, &rl), EPERM);
    rl = (struct rlimit){8, 4};
    FAILS(setrlimit(RLIMIT_NOFILE, &rl), EINVAL);

    struct rusage ru;
    r = getrusage(RUSAGE_SELF, &ru);
    check(r == 0 && ru.ru_maxrss > 0, "getrusage: maxrss %ld KiB", ru.ru_maxrss);
}

static void memory(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    unsigned char *p =
        mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check(p != MAP_FAILED, "mmap of 3 anonymous pages succeeds");
    if (p == MAP_FAILED)
        return;
    int zero = 1;
    for (size_t i = 0; i < 3 * page; i++)
        zero &= p[i] == 0;
    check(((uintptr_t)p % page) == 0 && zero, "the mapping is page-aligned and zeroed");
    memset(p, 0xaa, 3 * page);
    check(mprotect(p + page, page, PROT_READ) == 0, "mprotect inside the mapping succeeds");
    FAILS(mprotect(p + 1, page, PROT_READ), EINVAL);
    FAILS(munmap(p + page, page), EINVAL); /* part of a mapping */
    check(munmap(p, 3 * page) == 0, "munmap of the whole mapping succeeds");

    void *shared = mmap(NULL, 100, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    check(shared != MAP_FAILED && munmap(shared, 100) == 0, "MAP_SHARED | MAP_ANONYMOUS works");
    FAILS_MAP(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL);
    FAILS_MAP(mmap(NULL, page, PROT_READ, MAP_PRIVATE, STDOUT_FILENO, 0), ENODEV);
    FAILS_MAP(mmap(NULL, page, PROT_READ, MAP_PRIVATE, 42, 0), EBADF);
    FAILS_MAP(mmap(NULL, page, PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOTSUP);
    void *mine = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    FAILS_MAP(mmap(mine, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), ENOTSUP);
    munmap(mine, page);

    void *q = NULL;
    errno = EDOM;
    check(posix_memalign(&q, 64, 100) == 0 && q && (uintptr_t)q % 64 == 0 && errno == EDOM,
          "posix_memalign(64, 100): aligned, errno untouched");
    free(q);
    check(posix_memalign(&q, 3, 100) == EINVAL, "posix_memalign: alignment 3 is EINVAL");
    check(posix_memalign(&q, 4096, SIZE_MAX / 2) == ENOMEM, "posix_memalign: too large is ENOMEM");
    void *a = aligned_alloc(256, 512);
    check(a && (uintptr_t)a % 256 == 0, "aligned_alloc(256, 512) is aligned");
    free(a);
}

int main(void)
{
    identity();
    machine();
    paths();
    directories();
    descriptors();
    programs();
    signals();
    limits();
    memory();
    printf("posix_compat: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}

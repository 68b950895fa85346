/*
 * test_stdin: reads the console's stdin. Prints "ready" first so the harness knows when to type.
 *   (no argument)  reads lines with fgets and echoes each, until end of file
 *   twice          the same, then, after end of file, goes on reading until a second one (on a
 *                  terminal, a Ctrl-D at the start of a read is end of file and nothing else)
 *   count          reads with read() until it returns 0, then prints the byte count, a checksum
 *                  (FNV-1a, 32 bits) and the throughput, for binary and large inputs
 *   tty            whether fds 0, 1, 2 and an opened /dev/console are terminals (isatty, with
 *                  errno; tcgetattr; fstat's file type), as the runner's stdin and stdout are
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int lines(int ends)
{
    char line[256];
    int n = 0;
    for (int end = 1; end <= ends; end++) {
        while (fgets(line, sizeof line, stdin)) {
            line[strcspn(line, "\n")] = '\0';
            printf("echo %d: [%s]\n", ++n, line);
            fflush(stdout);
        }
        printf("%send of file after %d lines\n", end > 1 ? "second " : "", n);
        fflush(stdout);
        clearerr(stdin);
    }
    return 0;
}

static int count(void)
{
    static unsigned char buf[4096];
    uint32_t hash = 2166136261u;
    unsigned long total = 0, reads = 0;
    struct timespec t0, t1;
    ssize_t got;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while ((got = read(0, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < got; i++)
            hash = (hash ^ buf[i]) * 16777619u;
        total += (unsigned long)got;
        reads++;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    printf("read %lu bytes in %lu reads, fnv1a 0x%08x, then %s\n", total, reads, (unsigned)hash,
           got == 0 ? "end of file" : "an error");
    printf("throughput %.0f KB/s\n", s > 0 ? (double)total / s / 1e3 : 0.0);
    return got == 0 ? 0 : 1;
}

static void terminal(const char *name, int fd)
{
    struct termios t;
    struct stat st;
    errno = 0;
    int yes = isatty(fd);
    printf("isatty %s: %d %s\n", name, yes, yes ? "-" : errno == ENOTTY ? "ENOTTY" : strerror(errno));
    errno = 0;
    int r = tcgetattr(fd, &t);
    printf("tcgetattr %s: %d %s\n", name, r, r == 0 ? "-" : errno == ENOTTY ? "ENOTTY" : strerror(errno));
    if (fstat(fd, &st) == 0)
        printf("fstat %s: %s\n", name, S_ISCHR(st.st_mode) ? "character device" : S_ISFIFO(st.st_mode) ? "fifo" : "other");
}

static int terminals(void)
{
    terminal("0", 0);
    terminal("1", 1);
    terminal("2", 2);
    int fd = open("/dev/console", O_RDWR);
    if (fd >= 0)
        terminal("/dev/console", fd);
    return 0;
}

int main(int argc, char **argv)
{
    printf("ready\n");
    fflush(stdout);
    if (argc > 1 && strcmp(argv[1], "count") == 0)
        return count();
    if (argc > 1 && strcmp(argv[1], "tty") == 0)
        return terminals();
    return lines(argc > 1 && strcmp(argv[1], "twice") == 0 ? 2 : 1);
}

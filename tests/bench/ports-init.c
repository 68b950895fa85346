/*
 * ports-init.c: /init of the minimal Linux guest for tests/bench/ports.py. Runs /prog with the
 * arguments the kernel passed to init (after "--" on its command line), in / with a /tmp, times it with
 * CLOCK_MONOTONIC from fork to exit, prints "ports: program N ns status S" and ends the VM as
 * linux-init.c does (isa-debug-exit, else power-off). Built with gcc -static.
 */
#include <stdio.h>
#include <sys/io.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
    int status = -1;
    (void)argc;
    if (chdir("/") != 0)
        perror("chdir");
    mkdir("/tmp", 01777); /* the initramfs has none; libos's tmpfs is there */
    long long t0 = ns();
    pid_t pid = fork();
    if (pid == 0) {
        argv[0] = "/prog";
        execv("/prog", argv);
        perror("execv /prog");
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, &status, 0);
    long long t1 = ns();
    printf("ports: program %lld ns status %d\n", t1 - t0, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    fflush(stdout);
    if (ioperm(0xf4, 4, 1) == 0)
        outl(1, 0xf4);
    sync();
    reboot(RB_POWER_OFF);
    return 0;
}

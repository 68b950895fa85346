/*
 * Linux's system information calls: sysinfo and get_nprocs (<sys/sysinfo.h>), getrandom
 * (<sys/random.h>, from getentropy's source), getauxval (<sys/auxv.h>), sched_getcpu and the
 * CPU affinity calls (<sched.h>: one CPU, CPU 0).
 */
#define _GNU_SOURCE /* sched.h's affinity calls */
#include <libos/mm.h>

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

int sysinfo(struct sysinfo *s)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    memset(s, 0, sizeof *s);
    s->uptime = (long)t.tv_sec;
    s->totalram = libos_heap_size(); /* the RAM the program can have, as sysconf(_SC_PHYS_PAGES) */
    s->freeram = libos_heap_size() - libos_heap_used();
    s->procs = 1;
    s->mem_unit = 1;
    return 0;
}
int get_nprocs(void) { return 1; }
int get_nprocs_conf(void) { return 1; }
long get_phys_pages(void) { return sysconf(_SC_PHYS_PAGES); }
long get_avphys_pages(void) { return sysconf(_SC_AVPHYS_PAGES); }

/* At most 256 bytes per getentropy call; getrandom takes any size, in pieces. */
ssize_t getrandom(void *buf, size_t n, unsigned flags)
{
    if (flags & ~(unsigned)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) {
        errno = EINVAL;
        return -1;
    }
    if (n > 33554431) /* Linux's limit per call */
        n = 33554431;
    for (size_t done = 0; done < n; done += 256)
        if (getentropy((char *)buf + done, n - done < 256 ? n - done : 256))
            return done ? (ssize_t)done : -1;
    return (ssize_t)n;
}

unsigned long getauxval(unsigned long type)
{
    unsigned a, b, c, d;
    switch (type) {
    case AT_PAGESZ:
        return (unsigned long)sysconf(_SC_PAGESIZE);
    case AT_CLKTCK:
        return 100;
    case AT_SECURE:
        return 0;
    case AT_HWCAP:
        __asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
        return d;
    default:
        errno = ENOENT;
        return 0;
    }
}

int sched_getcpu(void) { return 0; }

static int bad_pid(pid_t pid) { return pid != 0 && pid != getpid(); }

int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set)
{
    if (bad_pid(pid)) {
        errno = ESRCH;
        return -1;
    }
    if (size < sizeof(unsigned long)) {
        errno = EINVAL;
        return -1;
    }
    memset(set, 0, size);
    CPU_SET_S(0, size, set);
    return 0;
}
int sched_setaffinity(pid_t pid, size_t size, const cpu_set_t *set)
{
    if (bad_pid(pid)) {
        errno = ESRCH;
        return -1;
    }
    if (size < sizeof(unsigned long) || !CPU_ISSET_S(0, size, set)) {
        errno = EINVAL; /* the set must hold the one CPU */
        return -1;
    }
    return 0;
}

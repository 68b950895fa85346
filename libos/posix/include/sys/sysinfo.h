/* libos's <sys/sysinfo.h> (Linux's): memory and uptime figures, and the CPU count (one). */
#ifndef LIBOS_SYS_SYSINFO_H
#define LIBOS_SYS_SYSINFO_H

struct sysinfo {
    long uptime;             /* seconds since boot */
    unsigned long loads[3];  /* 1, 5, 15 minute load averages (always 0) */
    unsigned long totalram;  /* in mem_unit units */
    unsigned long freeram;
    unsigned long sharedram;
    unsigned long bufferram;
    unsigned long totalswap;
    unsigned long freeswap;
    unsigned short procs;    /* always 1 */
    unsigned short pad;
    unsigned long totalhigh;
    unsigned long freehigh;
    unsigned int mem_unit;   /* 1: the figures are bytes */
    char _f[20 - 2 * sizeof(long) - sizeof(int)];
};

#ifdef __cplusplus
extern "C" {
#endif

int sysinfo(struct sysinfo *);
int get_nprocs(void);
int get_nprocs_conf(void);
long get_phys_pages(void);
long get_avphys_pages(void);

#ifdef __cplusplus
}
#endif

#endif

/* libos's <sched.h>: newlib's, with Linux's CPU affinity (cpu_set_t, CPU_SET, ...,
 * sched_getaffinity): one CPU, CPU 0. */
#ifndef LIBOS_SCHED_H
#define LIBOS_SCHED_H

#include_next <sched.h>

#if __GNU_VISIBLE
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CPU_SETSIZE 1024
#define __CPU_BITS (8 * sizeof(unsigned long))
typedef struct {
    unsigned long __bits[CPU_SETSIZE / (8 * sizeof(unsigned long))];
} cpu_set_t;

#define CPU_ALLOC_SIZE(n) ((((n) + __CPU_BITS - 1) / __CPU_BITS) * sizeof(unsigned long))
#define CPU_ZERO_S(size, set) __builtin_memset((set), 0, (size))
#define CPU_SET_S(cpu, size, set) \
    ((size_t)(cpu) / 8 < (size) ? ((set)->__bits[(cpu) / __CPU_BITS] |= 1ul << ((cpu) % __CPU_BITS)) : 0)
#define CPU_CLR_S(cpu, size, set) \
    ((size_t)(cpu) / 8 < (size) ? ((set)->__bits[(cpu) / __CPU_BITS] &= ~(1ul << ((cpu) % __CPU_BITS))) : 0)
#define CPU_ISSET_S(cpu, size, set) \
    ((size_t)(cpu) / 8 < (size) ? (((set)->__bits[(cpu) / __CPU_BITS] >> ((cpu) % __CPU_BITS)) & 1) : 0)
#define CPU_COUNT_S(size, set) __libos_cpu_count((size), (set))
#define CPU_ZERO(set) CPU_ZERO_S(sizeof(cpu_set_t), set)
#define CPU_SET(cpu, set) CPU_SET_S(cpu, sizeof(cpu_set_t), set)
#define CPU_CLR(cpu, set) CPU_CLR_S(cpu, sizeof(cpu_set_t), set)
#define CPU_ISSET(cpu, set) CPU_ISSET_S(cpu, sizeof(cpu_set_t), set)
#define CPU_COUNT(set) CPU_COUNT_S(sizeof(cpu_set_t), set)

static inline int __libos_cpu_count(size_t size, const cpu_set_t *set)
{
    int n = 0;
    for (size_t i = 0; i < size / sizeof(unsigned long); i++)
        n += __builtin_popcountl(set->__bits[i]);
    return n;
}

int sched_getaffinity(pid_t, size_t, cpu_set_t *);
int sched_setaffinity(pid_t, size_t, const cpu_set_t *);

#ifdef __cplusplus
}
#endif
#endif

#endif

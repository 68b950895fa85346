/* libos's <sys/auxv.h> (Linux's): no ELF loader passes an auxiliary vector, but the page size and
 * the CPU's features are known: getauxval answers AT_PAGESZ, AT_HWCAP (CPUID.1:EDX, as Linux), and
 * AT_SECURE (0); other types return 0 with errno ENOENT. */
#ifndef LIBOS_SYS_AUXV_H
#define LIBOS_SYS_AUXV_H

#define AT_NULL 0
#define AT_PAGESZ 6
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_HWCAP2 26

#ifdef __cplusplus
extern "C" {
#endif

unsigned long getauxval(unsigned long);

#ifdef __cplusplus
}
#endif

#endif

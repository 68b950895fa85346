/*
 * <sys/mman.h> for libos (newlib has none for this target). One address space and no files: mmap
 * serves anonymous mappings from the heap. What each call does is in docs/posix.md; the values
 * of the constants are Linux's.
 */
#ifndef LIBOS_SYS_MMAN_H
#define LIBOS_SYS_MMAN_H

#include <sys/cdefs.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4 /* refused: the heap is never executable (W^X) */

#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10 /* refused: mappings are placed by libos */
#define MAP_ANONYMOUS 0x20
#define MAP_ANON MAP_ANONYMOUS
#define MAP_NORESERVE 0x4000 /* accepted: memory is never overcommitted */
#define MAP_POPULATE 0x8000  /* accepted: mappings are always populated */
#define MAP_STACK 0x20000    /* accepted: a hint */

#define MAP_FAILED ((void *)-1)

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);

#ifdef __cplusplus
}
#endif

#endif

/* <arpa/inet.h> for building libext2fs only (private to blk/ext2fs; newlib has none, and libos's
 * POSIX headers do not ship it yet). jfs_compat.h includes it for the byte-order calls; the
 * journal's structures are big-endian, our target little-endian: each is one byte swap. */
#ifndef LIBOS_EXT2FS_ARPA_INET_H
#define LIBOS_EXT2FS_ARPA_INET_H
#include <stdint.h>

static inline uint32_t htonl(uint32_t x) { return __builtin_bswap32(x); }
static inline uint16_t htons(uint16_t x) { return __builtin_bswap16(x); }
static inline uint32_t ntohl(uint32_t x) { return __builtin_bswap32(x); }
static inline uint16_t ntohs(uint16_t x) { return __builtin_bswap16(x); }

#endif

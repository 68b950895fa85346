/* config.h for libext2fs and lib/et built for libos (blk/ext2fs/CMakeLists.txt): what configure
 * would find on our target, written by hand. The host's configure output does not fit (it names
 * Linux headers and calls newlib lacks), and a cross configure defines TLS as __thread: libos has
 * no thread-local storage (%fs is not set up), so error_message()'s buffer would fault. Private
 * to this build: users of <ext2fs/ext2fs.h> do not see it. */
#ifndef LIBOS_EXT2FS_CONFIG_H
#define LIBOS_EXT2FS_CONFIG_H

/* Headers newlib and libos provide. */
#define HAVE_UNISTD_H 1
#define HAVE_ERRNO_H 1
#define HAVE_STDLIB_H 1
#define HAVE_SYS_TYPES_H 1
#define HAVE_SYS_STAT_H 1
#define HAVE_SYS_TIME_H 1
#define HAVE_UTIME_H 1

/* Calls newlib and libos provide. */
#define HAVE_POSIX_MEMALIGN 1
#define HAVE_STRDUP 1
#define HAVE_STRNLEN 1
#define HAVE_VPRINTF 1
#define HAVE_TYPE_SSIZE_T 1

/* Sizes of the target's C types (x86_64, LP64). */
#define SIZEOF_SHORT 2
#define SIZEOF_INT 4
#define SIZEOF_LONG 8
#define SIZEOF_LONG_LONG 8
#define SIZEOF_OFF_T 8
#define SIZEOF_TIME_T 8

/* Left undefined on purpose: TLS (see above), WORDS_BIGENDIAN (little-endian target), HAVE_PTHREAD
 * and HAVE_SEM_INIT (libext2fs is used under one lock per mount; the error-table list needs none),
 * CONFIG_MMP (libos refuses MMP file systems), CONFIG_TDB (undo files are not built),
 * ENABLE_BMAP_STATS (no statistics printed at close), HAVE_NETINET_IN_H (jfs_compat.h needs only
 * <arpa/inet.h>, see arpa/inet.h here), every Linux header (HAVE_LINUX_*). */

#endif

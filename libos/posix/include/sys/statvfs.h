/*
 * libos's <sys/statvfs.h> (newlib has none): file-system statistics, as POSIX defines them.
 */
#ifndef LIBOS_SYS_STATVFS_H
#define LIBOS_SYS_STATVFS_H

#include <sys/types.h> /* fsblkcnt_t, fsfilcnt_t */

struct statvfs {
    unsigned long f_bsize;   /* block size */
    unsigned long f_frsize;  /* fundamental block size (f_blocks counts these) */
    fsblkcnt_t f_blocks;     /* size of the file system */
    fsblkcnt_t f_bfree;      /* free blocks */
    fsblkcnt_t f_bavail;     /* free blocks an unprivileged caller may use */
    fsfilcnt_t f_files;      /* inodes */
    fsfilcnt_t f_ffree;      /* free inodes */
    fsfilcnt_t f_favail;
    unsigned long f_fsid;
    unsigned long f_flag;    /* ST_RDONLY, ST_NOSUID */
    unsigned long f_namemax; /* longest file name */
};

#define ST_RDONLY 1
#define ST_NOSUID 2

int statvfs(const char *__restrict path, struct statvfs *__restrict buf);
int fstatvfs(int fd, struct statvfs *buf);

#endif

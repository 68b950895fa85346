/*
 * libos's <sys/ioctl.h> (newlib has none): ioctl() and the requests libos knows, with Linux's
 * numbers so that programs written for Linux build unchanged.
 */
#ifndef LIBOS_SYS_IOCTL_H
#define LIBOS_SYS_IOCTL_H

#define FIONREAD 0x541b   /* int *: bytes ready to read */
#define FIONBIO 0x5421    /* const int *: set or clear O_NONBLOCK */
#define TIOCGWINSZ 0x5413 /* struct winsize *: the terminal's size */
#define BLKGETSIZE64 0x80081272 /* uint64_t *: a block device's size in bytes */

struct winsize {
    unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel;
};

int ioctl(int fd, unsigned long request, ...);

#endif

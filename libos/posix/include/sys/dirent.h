/*
 * libos's <sys/dirent.h>, which newlib's <dirent.h> includes for DIR and struct dirent (newlib's
 * own for this target is an #error). newlib's <dirent.h> declares the functions; libos defines
 * every one it declares.
 */
#ifndef LIBOS_SYS_DIRENT_H
#define LIBOS_SYS_DIRENT_H

#include <sys/cdefs.h>
#include <sys/types.h>

typedef struct __libos_dir DIR; /* opaque */

struct dirent {
    ino_t d_ino;
    off_t d_off;              /* telldir() value of the next entry */
    unsigned short d_reclen;  /* size of this struct */
    unsigned char d_type;     /* DT_* */
    char d_name[256];         /* NUL-terminated */
};

#define _DIRENT_HAVE_D_OFF
#define _DIRENT_HAVE_D_RECLEN
#define _DIRENT_HAVE_D_TYPE

#if __MISC_VISIBLE
#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12
#endif

#endif

/* libos's <sys/utime.h> (newlib's uses time_t without declaring it): struct utimbuf. */
#ifndef LIBOS_SYS_UTIME_H
#define LIBOS_SYS_UTIME_H

#include <sys/types.h>

struct utimbuf {
    time_t actime;
    time_t modtime;
};

#endif

/*
 * The program's identity and attributes: one user and one group, both 0 (the program owns the
 * machine), the file mode creation mask, and the nice value. No other user or group exists, so
 * becoming one fails EPERM.
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#define NICE_MIN (-20) /* Linux's range of nice values */
#define NICE_MAX 19

uid_t getuid(void) { return 0; }
uid_t geteuid(void) { return 0; }
gid_t getgid(void) { return 0; }
gid_t getegid(void) { return 0; }

static int become(unsigned id)
{
    if (id == 0)
        return 0;
    errno = EPERM;
    return -1;
}

int setuid(uid_t uid) { return become(uid); }
int seteuid(uid_t uid) { return become(uid); }
int setgid(gid_t gid) { return become(gid); }
int setegid(gid_t gid) { return become(gid); }

/* One program and one CPU: the value is kept and reported, and changes nothing. The program is
 * the superuser, so it may lower its nice value too. */
static int nice_value;

int nice(int incr)
{
    if (incr < NICE_MIN - NICE_MAX) /* no overflow below */
        incr = NICE_MIN - NICE_MAX;
    if (incr > NICE_MAX - NICE_MIN)
        incr = NICE_MAX - NICE_MIN;
    int v = nice_value + incr;
    nice_value = v < NICE_MIN ? NICE_MIN : v > NICE_MAX ? NICE_MAX : v;
    return nice_value;
}

/* <sys/utsname.h> for libos (newlib has none for this target): uname() and struct utsname. */
#ifndef LIBOS_SYS_UTSNAME_H
#define LIBOS_SYS_UTSNAME_H

#include <sys/cdefs.h>

#ifdef __cplusplus
extern "C" {
#endif

#define _UTSNAME_LENGTH 65 /* each field holds a string of up to 64 bytes and its NUL */

struct utsname {
    char sysname[_UTSNAME_LENGTH];  /* "libos" */
    char nodename[_UTSNAME_LENGTH]; /* gethostname() */
    char release[_UTSNAME_LENGTH];  /* libos's version */
    char version[_UTSNAME_LENGTH];
    char machine[_UTSNAME_LENGTH];  /* "x86_64" */
#if __GNU_VISIBLE
    char domainname[_UTSNAME_LENGTH];
#else
    char __domainname[_UTSNAME_LENGTH];
#endif
};

int uname(struct utsname *);

#ifdef __cplusplus
}
#endif

#endif

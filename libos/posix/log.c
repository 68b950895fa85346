/*
 * <syslog.h> and <err.h>: messages on the console. syslog writes "ident: message" (with
 * "[pid]" after LOG_PID) to stderr for each priority the mask lets through; err and warn write
 * "program: message: strerror(errno)" as BSD's and glibc's do.
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

extern const char libos_app_name[]; /* libos_add_executable's name of the program */

static const char *ident;
static int log_options, log_mask = 0xff;

void openlog(const char *id, int options, int facility)
{
    (void)facility;
    ident = id;
    log_options = options;
}
void closelog(void) { ident = NULL; }
int setlogmask(int mask)
{
    int old = log_mask;
    if (mask)
        log_mask = mask;
    return old;
}

void vsyslog(int priority, const char *fmt, va_list ap)
{
    if (!(LOG_MASK(LOG_PRI(priority)) & log_mask))
        return;
    int saved = errno; /* for %m, which newlib's printf does not know: replaced here */
    char buf[512];
    size_t o = 0;
    for (const char *p = fmt; *p && o < sizeof buf - 1; p++) {
        if (p[0] == '%' && p[1] == 'm') {
            const char *s = strerror(saved);
            size_t n = strlen(s);
            for (size_t i = 0; i < n && o < sizeof buf - 1; i++)
                buf[o++] = s[i] == '%' ? '?' : s[i];
            p++;
        } else {
            buf[o++] = *p;
        }
    }
    buf[o] = '\0';
    if (log_options & LOG_PID)
        fprintf(stderr, "%s[%d]: ", ident ? ident : libos_app_name, (int)getpid());
    else
        fprintf(stderr, "%s: ", ident ? ident : libos_app_name);
    vfprintf(stderr, buf, ap);
    if (o == 0 || buf[o - 1] != '\n')
        fputc('\n', stderr);
}
void syslog(int priority, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsyslog(priority, fmt, ap);
    va_end(ap);
}

static void report(int with_errno, const char *fmt, va_list ap)
{
    int e = errno;
    fprintf(stderr, "%s: ", libos_app_name);
    if (fmt) {
        vfprintf(stderr, fmt, ap);
        if (with_errno)
            fputs(": ", stderr);
    }
    if (with_errno)
        fputs(strerror(e), stderr);
    fputc('\n', stderr);
}
void vwarn(const char *fmt, va_list ap) { report(1, fmt, ap); }
void vwarnx(const char *fmt, va_list ap) { report(0, fmt, ap); }
void verr(int status, const char *fmt, va_list ap)
{
    report(1, fmt, ap);
    exit(status);
}
void verrx(int status, const char *fmt, va_list ap)
{
    report(0, fmt, ap);
    exit(status);
}
void warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vwarn(fmt, ap);
    va_end(ap);
}
void warnx(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vwarnx(fmt, ap);
    va_end(ap);
}
void err(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verr(status, fmt, ap);
}
void errx(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verrx(status, fmt, ap);
}

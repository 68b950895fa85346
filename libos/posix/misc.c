/*
 * The remaining calls newlib's headers declare that depend on the system: character set
 * conversion (none but the identity), shell word expansion (no shell), the SSE unit's rounding and
 * exception masks, random() state, host identity, clock adjustment, the ndbm database (no
 * database library) and the login records (no logins).
 */
#include <errno.h>
#include <iconv.h>
#include <ieeefp.h>
#include <ndbm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/timeb.h>
#include <unistd.h>
#include <utmp.h>
#include <wordexp.h>

static int fail(int err)
{
    errno = err;
    return -1;
}

/* iconv: no conversion tables are linked; every conversion is unknown. */
iconv_t iconv_open(const char *to, const char *from)
{
    (void)to, (void)from;
    errno = EINVAL;
    return (iconv_t)-1;
}
size_t iconv(iconv_t cd, char **__restrict in, size_t *__restrict inleft, char **__restrict out,
             size_t *__restrict outleft)
{
    (void)cd, (void)in, (void)inleft, (void)out, (void)outleft;
    errno = EBADF;
    return (size_t)-1;
}
int iconv_close(iconv_t cd)
{
    (void)cd;
    return fail(EBADF);
}
iconv_t _iconv_open_r(struct _reent *r, const char *to, const char *from)
{
    (void)r;
    return iconv_open(to, from);
}
size_t _iconv_r(struct _reent *r, iconv_t cd, const char **in, size_t *inleft, char **out, size_t *outleft)
{
    (void)r;
    return iconv(cd, (char **)in, inleft, out, outleft);
}
int _iconv_close_r(struct _reent *r, iconv_t cd)
{
    (void)r;
    return iconv_close(cd);
}

/* wordexp needs a shell, and there is none. */
int wordexp(const char *__restrict words, wordexp_t *__restrict w, int flags)
{
    (void)words, (void)w, (void)flags;
    return WRDE_NOSYS;
}
void wordfree(wordexp_t *w)
{
    if (!w || !w->we_wordv)
        return;
    for (size_t i = w->we_offs; i < w->we_offs + w->we_wordc; i++)
        free(w->we_wordv[i]);
    free(w->we_wordv);
    w->we_wordv = NULL;
    w->we_wordc = 0;
}

/* The SSE unit's MXCSR (doubles and floats are computed there): rounding in bits 13-14, in
 * FP_R* order; exception flags in bits 0-5 and their masks in bits 7-12. */
static unsigned mxcsr(void)
{
    unsigned v;
    __asm__ volatile("stmxcsr %0" : "=m"(v));
    return v;
}
static void set_mxcsr(unsigned v) { __asm__ volatile("ldmxcsr %0" : : "m"(v)); }

static const struct { int fp; unsigned bit; } exc[] = {
    {FP_X_INV, 0x01}, {FP_X_DX, 0x04}, {FP_X_OFL, 0x08}, {FP_X_UFL, 0x10}, {FP_X_IMP, 0x20},
};
static int to_fp(unsigned bits)
{
    int r = 0;
    for (unsigned i = 0; i < sizeof exc / sizeof exc[0]; i++)
        if (bits & exc[i].bit)
            r |= exc[i].fp;
    return r;
}
static unsigned from_fp(int fp)
{
    unsigned r = 0;
    for (unsigned i = 0; i < sizeof exc / sizeof exc[0]; i++)
        if (fp & exc[i].fp)
            r |= exc[i].bit;
    return r;
}

fp_rnd fpgetround(void) { return (fp_rnd)((mxcsr() >> 13) & 3); }
fp_rnd fpsetround(fp_rnd r)
{
    fp_rnd old = fpgetround();
    set_mxcsr((mxcsr() & ~(3u << 13)) | ((unsigned)r & 3) << 13);
    return old;
}
fp_except fpgetmask(void) { return to_fp(~(mxcsr() >> 7) & 0x3f); } /* the enabled traps */
fp_except fpsetmask(fp_except m)
{
    fp_except old = fpgetmask();
    set_mxcsr((mxcsr() | 0x3f << 7) & ~(from_fp(m) << 7));
    return old;
}
fp_except fpgetsticky(void) { return to_fp(mxcsr() & 0x3f); }
fp_except fpsetsticky(fp_except s)
{
    fp_except old = fpgetsticky();
    set_mxcsr((mxcsr() & ~0x3fu) | from_fp(s));
    return old;
}
/* C's conversions to integers truncate; that is the only mode. */
fp_rdi fpgetroundtoi(void) { return FP_RDI_TOZ; }
fp_rdi fpsetroundtoi(fp_rdi r)
{
    (void)r;
    return FP_RDI_TOZ;
}

/* random()'s state: newlib keeps one generator, seeded by srandom; the state buffers are kept
 * for the caller but not used. */
static char *random_state;
char *initstate(unsigned seed, char *state, size_t n)
{
    if (n < 8) {
        errno = EINVAL;
        return NULL;
    }
    char *old = random_state;
    random_state = state;
    srandom(seed);
    return old ? old : state;
}
char *setstate(char *state)
{
    char *old = random_state;
    random_state = state;
    return old ? old : state;
}

int ftime(struct timeb *tb)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    *tb = (struct timeb){.time = tv.tv_sec, .millitm = (unsigned short)(tv.tv_usec / 1000)};
    return 0;
}
/* The clock is the machine's; it is set by clock_settime alone. */
int settimeofday(const struct timeval *tv, const struct timezone *tz)
{
    (void)tz;
    if (!tv)
        return 0;
    struct timespec ts = {tv->tv_sec, tv->tv_usec * 1000};
    return clock_settime(CLOCK_REALTIME, &ts);
}
int adjtime(const struct timeval *delta, struct timeval *old)
{
    if (old)
        *old = (struct timeval){0, 0};
    if (delta && (delta->tv_sec || delta->tv_usec))
        return fail(ENOSYS);
    return 0;
}

size_t confstr(int name, char *buf, size_t len)
{
    const char *v;
    switch (name) {
    case 0: /* _CS_PATH, which newlib shows only to non-strict programs */
        v = "/bin:/usr/bin";
        break;
    default:
        errno = EINVAL;
        return 0;
    }
    size_t n = strlen(v) + 1;
    if (buf && len) {
        size_t m = n < len ? n : len;
        memcpy(buf, v, m - 1);
        buf[m - 1] = '\0';
    }
    return n;
}

char *ctermid(char *buf)
{
    static char own[] = "/dev/tty";
    return buf ? strcpy(buf, own) : own;
}
int getdomainname(char *name, size_t len)
{
    if (len < 1)
        return fail(EINVAL);
    name[0] = '\0'; /* none */
    return 0;
}
long gethostid(void) { return 0; }
int vhangup(void) { return fail(EPERM); }

/* ndbm: no database library is linked. */
DBM *dbm_open(const char *file, int flags, mode_t mode)
{
    (void)file, (void)flags, (void)mode;
    errno = ENOSYS;
    return NULL;
}
void dbm_close(DBM *db) { (void)db; }
int dbm_clearerr(DBM *db)
{
    (void)db;
    return 0;
}
int dbm_error(DBM *db)
{
    (void)db;
    return 1;
}
int dbm_delete(DBM *db, datum key)
{
    (void)db, (void)key;
    return fail(EBADF);
}
datum dbm_fetch(DBM *db, datum key)
{
    (void)db, (void)key;
    return (datum){NULL, 0};
}
datum dbm_firstkey(DBM *db)
{
    (void)db;
    return (datum){NULL, 0};
}
datum dbm_nextkey(DBM *db)
{
    (void)db;
    return (datum){NULL, 0};
}
int dbm_store(DBM *db, datum key, datum content, int mode)
{
    (void)db, (void)key, (void)content, (void)mode;
    return fail(EBADF);
}
int dbm_dirfno(DBM *db)
{
    (void)db;
    return fail(EBADF);
}

/* Login records: nobody logs in. */
void setutent(void) {}
void endutent(void) {}
struct utmp *getutent(void) { return NULL; }
struct utmp *getutid(const struct utmp *u)
{
    (void)u;
    return NULL;
}
struct utmp *getutline(const struct utmp *u)
{
    (void)u;
    return NULL;
}
struct utmp *pututline(const struct utmp *u)
{
    (void)u;
    errno = ENOSYS;
    return NULL;
}
int utmpname(const char *file)
{
    (void)file;
    return 0;
}

/* No fd is a socket (yet). */
int getpeereid(int fd, uid_t *uid, gid_t *gid)
{
    (void)uid, (void)gid;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -1;
    return fail(ENOTSOCK);
}

/* newlib's towctrans_l converts through these for the JIS character sets, which newlib defines
 * only when built with them (libos's build is not): without them towctrans_l cannot link. No
 * locale here is a JIS one, so they are the identity. */
#include <wchar.h>
struct __locale_t;
wint_t _jp2uc_l(wint_t c, struct __locale_t *l);
wint_t _uc2jp_l(wint_t c, struct __locale_t *l);
wint_t _jp2uc_l(wint_t c, struct __locale_t *l)
{
    (void)l;
    return c;
}
wint_t _uc2jp_l(wint_t c, struct __locale_t *l)
{
    (void)l;
    return c;
}

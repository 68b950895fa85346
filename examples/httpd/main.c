/*
 * httpd: an HTTP/1.1 static-file server in one thread: non-blocking sockets, an epoll loop
 * (level-triggered), keep-alive, pipelining, GET and HEAD, 304 for If-Modified-Since, 404, 400
 * for a malformed request or a head over 8 KiB, 408 for a connection idle past the keep-alive
 * timeout or slower than the header timeout. Plain POSIX (plus epoll): the same file builds on
 * Linux, where tests/bench/httpd.py runs it natively and in a Linux guest.
 *
 *   httpd [-p PORT] [-r ROOT] [-k IDLE_S] [-t HEADER_S] [-c MAXCONN] [-s] [-v]
 *     -p  port (80)            -r  directory served (".")
 *     -k  keep-alive idle timeout, seconds (5)     -t  request-head timeout, seconds (10)
 *     -c  most connections at once (4096; more are accepted and closed at once)
 *     -s  serve /_stats: heap bytes in use (mallinfo), open connections, requests served;
 *         and /_quit: exit with status 0 (for tests)
 *     -v  a line per request on stderr (nothing is logged per request without it)
 *   toolchain/libos-run build/examples/httpd/httpd.elf --initrd DIR --net user,hostfwd=tcp::8080-:80
 *
 * Memory: a connection is a 64-byte struct while it is idle or between requests. The request
 * head is read into one shared buffer and parsed there; only a head that arrives in pieces, or
 * pipelined requests left over while a response waits for the socket, are copied into a
 * buffer of the connection's own (freed when used up), and so is the unsent tail of a response.
 *
 * Timers: every connection is on one of two lists, each ordered by deadline because every
 * entry on it got the same timeout: idle (keep-alive, waiting for the next request) and busy
 * (a partial head, or a response the client is not reading). Arming is a move to a list's
 * tail; epoll_wait sleeps until the earliest head.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define HEAD_MAX 8192       /* a request head larger than this is answered 400 */
#define RBUF_SIZE 16384     /* the shared read buffer: a leftover (<= HEAD_MAX) plus new bytes */
#define FILE_CHUNK 65536    /* a file is read into the shared body buffer this much at a time */
#define PATH_MAX_LEN 1024

struct conn {
    struct conn *prev, *next; /* on the idle or the busy list */
    uint64_t deadline;        /* ms, CLOCK_MONOTONIC */
    char *in;                 /* unparsed input kept between events (NULL when none) */
    char *out;                /* unsent response bytes (NULL when none) */
    uint32_t in_len, out_len, out_off;
    int fd, file_fd;          /* file_fd: a file still being sent (-1: none) */
    uint32_t file_left;       /* its bytes not yet read */
    uint8_t list;             /* LIST_* */
    uint8_t close_after;      /* close once out (and the file) is sent */
    uint8_t events;           /* what epoll watches: 1 = EPOLLIN, 2 = EPOLLOUT */
};

enum { LIST_NONE, LIST_IDLE, LIST_BUSY };

struct list {
    struct conn *head, *tail;
    uint64_t timeout_ms;
};

static struct list lists[3];
static int epfd, listen_fd;
static unsigned nconn, max_conn = 4096;
static unsigned long requests;
static int stats_enabled, verbose;
static const char *root = ".";
static char rbuf[RBUF_SIZE];
static char body[FILE_CHUNK];
static uint64_t now_ms;

static uint64_t clock_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void list_remove(struct conn *c)
{
    if (c->list == LIST_NONE)
        return;
    struct list *l = &lists[c->list];
    if (c->prev)
        c->prev->next = c->next;
    else
        l->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    else
        l->tail = c->prev;
    c->prev = c->next = NULL;
    c->list = LIST_NONE;
}

/* Arm c's timer: the full timeout of list `which` from now, at that list's tail. */
static void arm(struct conn *c, int which)
{
    list_remove(c);
    struct list *l = &lists[which];
    c->deadline = now_ms + l->timeout_ms;
    c->list = (uint8_t)which;
    c->prev = l->tail;
    if (l->tail)
        l->tail->next = c;
    else
        l->head = c;
    l->tail = c;
}

static void watch(struct conn *c, uint8_t events)
{
    if (c->events == events)
        return;
    struct epoll_event ev = {.events = (events & 1 ? EPOLLIN : 0) | (events & 2 ? EPOLLOUT : 0),
                             .data.ptr = c};
    epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
    c->events = events;
}

static void conn_close(struct conn *c)
{
    list_remove(c);
    close(c->fd); /* also takes it out of the epoll set */
    if (c->file_fd >= 0)
        close(c->file_fd);
    free(c->in);
    free(c->out);
    free(c);
    nconn--;
}

/* --- dates --------------------------------------------------------------------------------- */

static const char wdays[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* IMF-fixdate (RFC 9110 5.6.7), "Sun, 06 Nov 1994 08:49:37 GMT" (29 characters). */
static void http_date(char out[40], time_t t)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d GMT", wdays[tm.tm_wday % 7], tm.tm_mday,
             months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Parses an IMF-fixdate; -1 when it is not one (the obsolete formats are not accepted: the
 * request is then served as if it had no If-Modified-Since, as RFC 9110 13.1.3 allows). */
static int64_t parse_http_date(const char *s, size_t n)
{
    if (n < 29 || s[3] != ',' || s[4] != ' ' || memcmp(s + 26, "GMT", 3) != 0)
        return -1;
    int d, y, hh, mm, ss, mon = -1;
    for (int i = 0; i < 12; i++)
        if (memcmp(s + 8, months[i], 3) == 0)
            mon = i;
    if (mon < 0 || sscanf(s + 5, "%2d", &d) != 1 || sscanf(s + 12, "%4d %2d:%2d:%2d", &y, &hh,
                                                           &mm, &ss) != 4)
        return -1;
    return days_from_civil(y, mon + 1, d) * 86400 + hh * 3600 + mm * 60 + ss;
}

static char date_now[40];
static time_t date_now_t = -1;

static const char *current_date(void)
{
    time_t t = time(NULL);
    if (t != date_now_t) {
        http_date(date_now, t);
        date_now_t = t;
    }
    return date_now;
}

/* --- responses ----------------------------------------------------------------------------- */

static const char *mime_type(const char *path)
{
    static const char *const types[][2] = {
        {".html", "text/html"}, {".htm", "text/html"},         {".txt", "text/plain"},
        {".css", "text/css"},   {".js", "text/javascript"},    {".json", "application/json"},
        {".png", "image/png"},  {".jpg", "image/jpeg"},        {".gif", "image/gif"},
        {".svg", "image/svg+xml"}, {".ico", "image/x-icon"},   {".pdf", "application/pdf"},
    };
    const char *dot = strrchr(path, '.');
    if (dot && !strchr(dot, '/'))
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (strcmp(dot, types[i][0]) == 0)
                return types[i][1];
    return "application/octet-stream";
}

/* Queue what writev did not take: iov[0..n) from byte `done` on, into c->out. */
static int keep_unsent(struct conn *c, const struct iovec *iov, int n, size_t done)
{
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += iov[i].iov_len;
    size_t left = total - done;
    char *o = malloc(left);
    if (!o)
        return -1;
    size_t at = 0, skip = done;
    for (int i = 0; i < n; i++) {
        size_t len = iov[i].iov_len;
        if (skip >= len) {
            skip -= len;
            continue;
        }
        memcpy(o + at, (char *)iov[i].iov_base + skip, len - skip);
        at += len - skip;
        skip = 0;
    }
    c->out = o;
    c->out_len = (uint32_t)left;
    c->out_off = 0;
    return 0;
}

/* Send iov now, keeping what the socket does not take. -1: the connection is dead. */
static int send_iov(struct conn *c, struct iovec *iov, int n)
{
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += iov[i].iov_len;
    ssize_t w = c->out ? 0 : writev(c->fd, iov, n);
    if (w < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return -1;
        w = 0;
    }
    if ((size_t)w == total)
        return 0;
    if (c->out) { /* cannot happen: nothing is sent while out is pending */
        return -1;
    }
    return keep_unsent(c, iov, n, (size_t)w);
}

static int send_simple(struct conn *c, int status, const char *reason, int close_it,
                       int head_only)
{
    char hdr[512], msg[128];
    int blen = snprintf(msg, sizeof msg, "%d %s\n", status, reason);
    int hlen = snprintf(hdr, sizeof hdr,
                        "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: libos-httpd\r\n"
                        "Content-Type: text/plain\r\nContent-Length: %d\r\n%s\r\n",
                        status, reason, current_date(), blen,
                        close_it ? "Connection: close\r\n" : "");
    struct iovec iov[2] = {{hdr, (size_t)hlen}, {msg, head_only ? 0 : (size_t)blen}};
    if (close_it)
        c->close_after = 1;
    return send_iov(c, iov, 2);
}

static int send_stats(struct conn *c, int close_it, int head_only)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
    struct mallinfo2 mi = mallinfo2(); /* glibc deprecates mallinfo */
#else
    struct mallinfo mi = mallinfo();
#endif
    char hdr[256], msg[256];
    int blen = snprintf(msg, sizeof msg, "heap_in_use %lu\nconnections %u\nrequests %lu\n",
                        (unsigned long)mi.uordblks, nconn, requests);
    int hlen = snprintf(hdr, sizeof hdr,
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nCache-Control: no-store\r\n"
                        "Content-Length: %d\r\n%s\r\n",
                        blen, close_it ? "Connection: close\r\n" : "");
    struct iovec iov[2] = {{hdr, (size_t)hlen}, {msg, head_only ? 0 : (size_t)blen}};
    if (close_it)
        c->close_after = 1;
    return send_iov(c, iov, 2);
}

/* Decode %XX in the path and refuse what could leave the root; 0 on success. */
static int clean_path(const char *t, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = t[i];
        if (ch == '?' || ch == '#')
            break;
        if (ch == '%') {
            if (i + 2 >= n || !isxdigit((unsigned char)t[i + 1]) ||
                !isxdigit((unsigned char)t[i + 2]))
                return -1;
            char hex[3] = {t[i + 1], t[i + 2], 0};
            long v = strtol(hex, NULL, 16);
            if (v == 0)
                return -1;
            ch = (char)v;
            i += 2;
        }
        if (o + 1 >= cap)
            return -1;
        out[o++] = ch;
    }
    out[o] = 0;
    if (out[0] != '/')
        return -1;
    /* no "." or ".." segment */
    for (const char *s = out; *s; s++)
        if (s[0] == '/' && s[1] == '.' && (s[2] == '/' || s[2] == 0 ||
                                            (s[2] == '.' && (s[3] == '/' || s[3] == 0))))
            return -1;
    return 0;
}

/* Case-insensitive header lookup in the head's header lines [h, end); value and its length. */
static const char *header(const char *h, const char *end, const char *name, size_t *vlen)
{
    size_t nl = strlen(name);
    while (h < end) {
        const char *eol = memchr(h, '\n', (size_t)(end - h));
        if (!eol)
            eol = end;
        if ((size_t)(eol - h) > nl && h[nl] == ':' && strncasecmp(h, name, nl) == 0) {
            const char *v = h + nl + 1, *ve = eol;
            while (v < ve && (*v == ' ' || *v == '\t'))
                v++;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            *vlen = (size_t)(ve - v);
            return v;
        }
        h = eol + 1;
    }
    return NULL;
}

static int has_token(const char *v, size_t n, const char *tok)
{
    size_t tl = strlen(tok);
    for (size_t i = 0; i + tl <= n; i++)
        if (strncasecmp(v + i, tok, tl) == 0 && (i == 0 || v[i - 1] == ' ' || v[i - 1] == ',') &&
            (i + tl == n || v[i + tl] == ' ' || v[i + tl] == ','))
            return 1;
    return 0;
}

/* Send the file: the header and the first chunk in one writev; the rest as the socket drains. */
static int send_file(struct conn *c, const char *path, int close_it, int head_only,
                     const char *ims, size_t ims_len)
{
    char full[PATH_MAX_LEN + 64];
    snprintf(full, sizeof full, "%s%s", root, path);
    int fd = open(full, O_RDONLY);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        size_t l = strlen(full);
        snprintf(full + l, sizeof full - l, "%sindex.html", l && full[l - 1] == '/' ? "" : "/");
        fd = open(full, O_RDONLY);
        if (fd >= 0 && fstat(fd, &st) != 0) {
            close(fd);
            fd = -1;
        }
    }
    if (fd < 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)UINT32_MAX) {
        if (fd >= 0)
            close(fd);
        return send_simple(c, 404, "Not Found", close_it, head_only);
    }
    char lm[40];
    http_date(lm, st.st_mtime);
    int not_modified = 0;
    if (ims) {
        int64_t t = parse_http_date(ims, ims_len);
        not_modified = t >= 0 && (int64_t)st.st_mtime <= t;
    }
    char hdr[512];
    int hlen;
    if (not_modified)
        hlen = snprintf(hdr, sizeof hdr,
                        "HTTP/1.1 304 Not Modified\r\nDate: %s\r\nServer: libos-httpd\r\n"
                        "Last-Modified: %s\r\n%s\r\n",
                        current_date(), lm, close_it ? "Connection: close\r\n" : "");
    else
        hlen = snprintf(hdr, sizeof hdr,
                        "HTTP/1.1 200 OK\r\nDate: %s\r\nServer: libos-httpd\r\n"
                        "Content-Type: %s\r\nContent-Length: %lld\r\nLast-Modified: %s\r\n%s\r\n",
                        current_date(), mime_type(full), (long long)st.st_size, lm,
                        close_it ? "Connection: close\r\n" : "");
    if (close_it)
        c->close_after = 1;
    uint32_t size = not_modified || head_only ? 0 : (uint32_t)st.st_size;
    ssize_t got = 0;
    if (size) {
        got = read(fd, body, size < FILE_CHUNK ? size : FILE_CHUNK);
        if (got <= 0) { /* the file shrank or failed under us: the length is promised */
            close(fd);
            return -1;
        }
    }
    struct iovec iov[2] = {{hdr, (size_t)hlen}, {body, (size_t)got}};
    int r = send_iov(c, iov, 2);
    if (r == 0 && size > (uint32_t)got) {
        c->file_fd = fd;
        c->file_left = size - (uint32_t)got;
        if (!c->out) { /* all of it went: queue the next chunk the same way */
            c->out = malloc(1);
            c->out_len = c->out_off = 0;
        }
    } else {
        close(fd);
    }
    return r;
}

/*
 * Handle one complete request head, p[0..len) (len includes the blank line). Returns 0 to go on,
 * -1 when the connection must close now.
 */
static int handle(struct conn *c, char *p, size_t len)
{
    requests++;
    char *end = p + len;
    char *eol = memchr(p, '\n', len);
    char *sp1 = memchr(p, ' ', (size_t)(eol - p));
    char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
    size_t rl = (size_t)(eol - p);
    if (rl && p[rl - 1] == '\r')
        rl--;
    if (!sp1 || !sp2 || sp1 == p || sp2 == sp1 + 1 || p + rl - sp2 - 1 != 8 ||
        memcmp(sp2 + 1, "HTTP/1.", 7) != 0 || (sp2[8] != '0' && sp2[8] != '1'))
        return send_simple(c, 400, "Bad Request", 1, 0);
    int http11 = sp2[8] == '1';
    size_t vlen;
    const char *v = header(eol + 1, end, "Connection", &vlen);
    int close_it = http11 ? v && has_token(v, vlen, "close") : !(v && has_token(v, vlen, "keep-alive"));
    if (header(eol + 1, end, "Transfer-Encoding", &vlen))
        return send_simple(c, 400, "Bad Request", 1, 0); /* a body we will not parse */
    const char *cl = header(eol + 1, end, "Content-Length", &vlen);
    if (cl && !(vlen == 1 && cl[0] == '0'))
        return send_simple(c, 400, "Bad Request", 1, 0);
    if (http11 && !header(eol + 1, end, "Host", &vlen))
        return send_simple(c, 400, "Bad Request", 1, 0); /* RFC 9112 3.2 */
    size_t mlen = (size_t)(sp1 - p);
    int head_only = mlen == 4 && memcmp(p, "HEAD", 4) == 0;
    if (!head_only && !(mlen == 3 && memcmp(p, "GET", 3) == 0))
        return send_simple(c, 501, "Not Implemented", close_it, 0);
    char path[PATH_MAX_LEN];
    if (clean_path(sp1 + 1, (size_t)(sp2 - sp1 - 1), path, sizeof path) != 0)
        return send_simple(c, 400, "Bad Request", 1, head_only);
    if (verbose)
        fprintf(stderr, "httpd: %.*s %s\n", (int)mlen, p, path);
    if (stats_enabled && strcmp(path, "/_stats") == 0)
        return send_stats(c, close_it, head_only);
    if (stats_enabled && strcmp(path, "/_quit") == 0) {
        send_simple(c, 200, "OK", 1, head_only);
        printf("httpd: quitting after %lu requests\n", requests);
        exit(0);
    }
    const char *ims = header(eol + 1, end, "If-Modified-Since", &vlen);
    return send_file(c, path, close_it, head_only, ims, ims ? vlen : 0);
}

/* The end of the first request head in p[0..n): its length, 0 if incomplete. */
static size_t head_end(const char *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (p[i] != '\n')
            continue;
        if (p[i + 1] == '\n')
            return i + 2;
        if (p[i + 1] == '\r' && i + 2 < n && p[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

/*
 * Parse and answer the requests in p[0..n) until they run out or a response waits for the
 * socket; whatever is left is kept in c->in. -1: close the connection now.
 */
static int process(struct conn *c, char *p, size_t n)
{
    while (n && !c->out && !c->close_after) {
        while (n && (*p == '\r' || *p == '\n')) { /* RFC 9112 2.2: empty lines before a request */
            p++;
            n--;
        }
        if (!n)
            break;
        size_t len = head_end(p, n);
        if (!len) {
            if (n >= HEAD_MAX) {
                send_simple(c, 400, "Bad Request", 1, 0);
                n = 0;
            }
            break;
        }
        if (len > HEAD_MAX) {
            send_simple(c, 400, "Bad Request", 1, 0);
            n = 0;
            break;
        }
        if (handle(c, p, len) < 0)
            return -1;
        p += len;
        n -= len;
    }
    if (c->close_after)
        n = 0; /* what follows a request we close after is not answered */
    char *keep = NULL;
    if (n) {
        if (c->in && p == c->in) {
            keep = c->in; /* unchanged */
            c->in = NULL;
        } else {
            keep = malloc(n);
            if (!keep)
                return -1;
            memmove(keep, p, n);
        }
    }
    free(c->in);
    c->in = keep;
    c->in_len = (uint32_t)n;
    if (c->out) {
        watch(c, 2);
        arm(c, LIST_BUSY);
    } else if (c->close_after) {
        return -1;
    } else {
        watch(c, 1);
        if (n) {
            if (c->list != LIST_BUSY) /* a partial head: the header timeout runs from its start */
                arm(c, LIST_BUSY);
        } else {
            arm(c, LIST_IDLE);
        }
    }
    return 0;
}

static void on_readable(struct conn *c)
{
    size_t have = c->in_len;
    if (have)
        memcpy(rbuf, c->in, have);
    ssize_t r = read(c->fd, rbuf + have, sizeof rbuf - have);
    if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        conn_close(c);
        return;
    }
    if (r < 0)
        return;
    free(c->in);
    c->in = NULL;
    c->in_len = 0;
    if (process(c, rbuf, have + (size_t)r) < 0)
        conn_close(c);
}

static void on_writable(struct conn *c)
{
    for (;;) {
        if (c->out_off < c->out_len) {
            ssize_t w = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
            if (w < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                    return;
                conn_close(c);
                return;
            }
            c->out_off += (uint32_t)w;
            if (c->out_off < c->out_len)
                return;
            arm(c, LIST_BUSY); /* progress: the client is reading */
        }
        if (c->file_fd < 0 || !c->file_left)
            break;
        uint32_t n = c->file_left < FILE_CHUNK ? c->file_left : FILE_CHUNK;
        if (c->out_len < n) {
            free(c->out);
            c->out = malloc(n);
            if (!c->out) {
                conn_close(c);
                return;
            }
        }
        ssize_t r = read(c->file_fd, c->out, n);
        if (r <= 0) {
            conn_close(c);
            return;
        }
        c->out_len = (uint32_t)r;
        c->out_off = 0;
        c->file_left -= (uint32_t)r;
    }
    if (c->file_fd >= 0) {
        close(c->file_fd);
        c->file_fd = -1;
    }
    free(c->out);
    c->out = NULL;
    c->out_len = c->out_off = 0;
    if (c->close_after) {
        conn_close(c);
        return;
    }
    char *in = c->in;
    size_t n = c->in_len;
    if (n) { /* pipelined requests that waited for this response */
        memcpy(rbuf, in, n);
        free(c->in);
        c->in = NULL;
        c->in_len = 0;
    }
    if (process(c, rbuf, n) < 0)
        conn_close(c);
}

static void on_accept(void)
{
    for (;;) {
        int fd = accept(listen_fd, NULL, NULL);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && verbose)
                perror("httpd: accept");
            return;
        }
        struct conn *c = nconn < max_conn ? calloc(1, sizeof *c) : NULL;
        if (!c || fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
            free(c);
            close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        c->fd = fd;
        c->file_fd = -1;
        c->events = 1;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            free(c);
            close(fd);
            continue;
        }
        nconn++;
        arm(c, LIST_IDLE);
    }
}

/* Connections whose deadline passed: 408 to one waiting for a request, close a stuck writer. */
static void expire(void)
{
    for (int which = LIST_IDLE; which <= LIST_BUSY; which++) {
        struct conn *c;
        while ((c = lists[which].head) && c->deadline <= now_ms) {
            list_remove(c);
            if (!c->out) {
                c->close_after = 0;
                send_simple(c, 408, "Request Timeout", 1, 0); /* best effort: closing anyway */
            }
            conn_close(c);
        }
    }
}

static int next_timeout(void)
{
    uint64_t t = UINT64_MAX;
    for (int which = LIST_IDLE; which <= LIST_BUSY; which++)
        if (lists[which].head && lists[which].head->deadline < t)
            t = lists[which].head->deadline;
    if (t == UINT64_MAX)
        return -1;
    return t <= now_ms ? 0 : (int)(t - now_ms);
}

static void usage(void)
{
    fprintf(stderr, "usage: httpd [-p PORT] [-r ROOT] [-k IDLE_S] [-t HEADER_S] [-c MAXCONN] "
                    "[-s] [-v]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int port = 80;
    unsigned idle_s = 5, header_s = 10;
    int opt;
    while ((opt = getopt(argc, argv, "p:r:k:t:c:sv")) != -1) {
        switch (opt) {
        case 'p': port = atoi(optarg); break;
        case 'r': root = optarg; break;
        case 'k': idle_s = (unsigned)atoi(optarg); break;
        case 't': header_s = (unsigned)atoi(optarg); break;
        case 'c': max_conn = (unsigned)atoi(optarg); break;
        case 's': stats_enabled = 1; break;
        case 'v': verbose = 1; break;
        default: usage();
        }
    }
    if (optind != argc || port <= 0 || port > 65535 || !idle_s || !header_s || !max_conn)
        usage();
    if (strcmp(root, "/") == 0)
        root = ""; /* paths start with '/' */
    lists[LIST_IDLE].timeout_ms = idle_s * 1000ull;
    lists[LIST_BUSY].timeout_ms = header_s * 1000ull;

    listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        listen(listen_fd, 1024) != 0 || fcntl(listen_fd, F_SETFL, O_NONBLOCK) != 0) {
        perror("httpd: cannot listen");
        return 1;
    }
    epfd = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, listen_fd, &ev) != 0) {
        perror("httpd: epoll");
        return 1;
    }
    printf("httpd: serving %s on port %d (keep-alive %u s, header timeout %u s)\n",
           *root ? root : "/", port, idle_s, header_s);
    fflush(stdout);

    struct epoll_event evs[64];
    now_ms = clock_ms();
    for (;;) {
        int n = epoll_wait(epfd, evs, 64, next_timeout());
        if (n < 0 && errno != EINTR) {
            perror("httpd: epoll_wait");
            return 1;
        }
        now_ms = clock_ms();
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            if (!c) {
                on_accept();
                continue;
            }
            /* A connection closed earlier in this batch cannot appear: close() removed it from
             * the set, and epoll_wait reports each fd once per call. */
            if (evs[i].events & (EPOLLERR | EPOLLHUP) && !(evs[i].events & EPOLLIN))
                conn_close(c);
            else if (c->events & 2)
                on_writable(c);
            else
                on_readable(c);
        }
        expire();
    }
}

/*
 * A small printf for the kernel itself: panic reports and boot messages must print even when the
 * heap or newlib's stdio state is broken, so this never allocates and touches no libc state.
 * Supports %s %c %d %i %u %x %p %%, length l/ll/z, width, and the '0' and '-' flags.
 */
#include <libos/boot.h>
#include <libos/console.h>

#include <stdint.h>

struct sink {
    char *buf;
    size_t size, len;
};

/* The conversions that take an argument. */
static int strchr_conv(char c)
{
    for (const char *p = "sciduxp"; *p; p++)
        if (*p == c)
            return 1;
    return 0;
}

static void put(struct sink *s, char c)
{
    if (s->len + 1 < s->size)
        s->buf[s->len] = c;
    s->len++;
}

static void put_padded(struct sink *s, const char *str, size_t n, int width, int left, char pad)
{
    int fill = width > (int)n ? width - (int)n : 0;
    if (!left)
        while (fill-- > 0)
            put(s, pad);
    while (n--)
        put(s, *str++);
    if (left)
        while (fill-- > 0)
            put(s, ' ');
}

int libos_vsnprintk(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink s = {buf, size, 0};
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&s, *fmt);
            continue;
        }
        fmt++;
        int left = 0, width = 0, lng = 0;
        char pad = ' ';
        for (; *fmt == '-' || *fmt == '0'; fmt++)
            *fmt == '-' ? (left = 1) : (pad = '0');
        for (; *fmt >= '0' && *fmt <= '9'; fmt++)
            width = width * 10 + (*fmt - '0');
        for (; *fmt == 'l' || *fmt == 'z'; fmt++)
            lng++;
        char tmp[24];
        const char *str = tmp;
        size_t n = 0;
        int neg = 0;
        if (*fmt == '%' || !*fmt || !strchr_conv(*fmt)) { /* %%, or unknown: print it as it is */
            put(&s, '%');
            if (*fmt && *fmt != '%')
                put(&s, *fmt);
            else if (!*fmt)
                fmt--;
            continue;
        }
        /* Every conversion here takes one 8-byte argument slot in the x86-64 ABI (an int arrives
         * in a full slot whose upper half is garbage), so one va_arg serves them all. */
        uint64_t u = va_arg(ap, uint64_t);
        switch (*fmt) {
        case 's':
            str = (const char *)(uintptr_t)u;
            if (!str)
                str = "(null)";
            while (str[n])
                n++;
            put_padded(&s, str, n, width, left, ' ');
            continue;
        case 'c':
            tmp[0] = (char)u;
            put_padded(&s, tmp, 1, width, left, ' ');
            continue;
        case 'd':
        case 'i':
            if (!lng)
                u = (uint64_t)(int64_t)(int)u;
            neg = (int64_t)u < 0;
            if (neg)
                u = -u;
            break;
        case 'p':
            put(&s, '0');
            put(&s, 'x');
            break;
        default: /* u, x */
            if (!lng)
                u = (unsigned)u;
        }
        unsigned base = (*fmt == 'x' || *fmt == 'p') ? 16 : 10;
        char *end = tmp + sizeof tmp, *p = end;
        do {
            *--p = "0123456789abcdef"[u % base];
            u /= base;
        } while (u);
        if (neg && pad == '0') {
            put(&s, '-');
            width--;
        } else if (neg) {
            *--p = '-';
        }
        put_padded(&s, p, (size_t)(end - p), width, left, pad);
    }
    if (size)
        buf[s.len < size ? s.len : size - 1] = '\0';
    return (int)s.len;
}

void libos_printk(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = libos_vsnprintk(buf, sizeof buf, fmt, ap);
    va_end(ap);
    libos_console_write(buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

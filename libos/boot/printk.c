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
        uint64_t u;
        int neg = 0;
        switch (*fmt) {
        case 's':
            str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            while (str[n])
                n++;
            put_padded(&s, str, n, width, left, ' ');
            continue;
        case 'c':
            tmp[0] = (char)va_arg(ap, int);
            put_padded(&s, tmp, 1, width, left, ' ');
            continue;
        case 'd':
        case 'i': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            neg = v < 0;
            u = neg ? -(uint64_t)v : (uint64_t)v;
            break;
        }
        case 'u':
        case 'x':
            u = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            break;
        case 'p':
            u = (uintptr_t)va_arg(ap, void *);
            put(&s, '0');
            put(&s, 'x');
            break;
        case '%':
            put(&s, '%');
            continue;
        default: /* unknown conversion: print it as it is */
            put(&s, '%');
            if (*fmt)
                put(&s, *fmt);
            else
                fmt--;
            continue;
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

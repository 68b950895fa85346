/*
 * Symbolization from the image itself. toolchain/libos-symtab writes the section .libos_syms after
 * linking: a 16-byte header "<15 hex digits: total size>\n", then one line per function,
 * "<hex address> <name>\n", sorted by address, then a NUL. Only panics read it, so a linear scan
 * is fine and keeps the format greppable (`objcopy -O binary -j .libos_syms app.elf /dev/stdout`).
 */
#include <libos/boot.h>

#include <stdint.h>

extern const char __libos_syms_start[], __libos_text_start[], __libos_text_end[];

static uint64_t parse_hex(const char **p)
{
    uint64_t v = 0;
    for (;; (*p)++) {
        char c = **p;
        if (c >= '0' && c <= '9')
            v = v * 16 + (uint64_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v = v * 16 + (uint64_t)(c - 'a' + 10);
        else
            return v;
    }
}

uintptr_t libos_image_end(void)
{
    const char *p = __libos_syms_start;
    return (uintptr_t)__libos_syms_start + parse_hex(&p);
}

const char *libos_symbolize(uintptr_t addr, uintptr_t *offset)
{
    if (addr < (uintptr_t)__libos_text_start || addr >= (uintptr_t)__libos_text_end)
        return NULL;
    const char *end = (const char *)libos_image_end();
    const char *p = __libos_syms_start + 16, *best = NULL;
    uintptr_t best_addr = 0;
    while (p < end && *p) {
        uintptr_t a = parse_hex(&p);
        const char *name = ++p; /* past the space */
        while (p < end && *p != '\n')
            p++;
        p++;
        if (a > addr)
            break;
        best = name;
        best_addr = a;
    }
    if (!best)
        return NULL;
    /* Names end at '\n' in the table; copy into a small buffer to hand out a C string. */
    static char name[128];
    size_t n = 0;
    while (best[n] != '\n' && n < sizeof name - 1) {
        name[n] = best[n];
        n++;
    }
    name[n] = '\0';
    *offset = addr - best_addr;
    return name;
}

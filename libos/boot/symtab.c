/*
 * Symbolization from the image itself. toolchain/libos-symtab writes the section .libos_syms after
 * linking: a 16-byte header "<15 hex digits: total size>\n", then one line per function,
 * "<hex address> <name>\n", sorted by address, then a NUL. Only panics read it, so a linear scan
 * is fine and keeps the format greppable (`objcopy -O binary -j .libos_syms app.elf /dev/stdout`).
 */
#include <libos/boot.h>

#include <stdint.h>

extern const char __libos_syms_start[], __libos_text_start[], __libos_text_end[];

/* The parse position: file-scope, so that no caller's frame holds an address-taken cursor (only
 * panics read the table, one at a time). */
static const char *pos;

static uint64_t parse_hex(void)
{
    uint64_t v = 0;
    for (;; pos++) {
        char c = *pos;
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
    pos = __libos_syms_start;
    return (uintptr_t)__libos_syms_start + parse_hex();
}

struct libos_symbol libos_symbolize(uintptr_t addr)
{
    struct libos_symbol sym = {NULL, 0};
    if (addr < (uintptr_t)__libos_text_start || addr >= (uintptr_t)__libos_text_end)
        return sym;
    const char *end = (const char *)libos_image_end(), *best = NULL;
    uintptr_t best_addr = 0;
    pos = __libos_syms_start + 16;
    while (pos < end && *pos) {
        uintptr_t a = parse_hex();
        const char *name = ++pos; /* past the space */
        while (pos < end && *pos != '\n')
            pos++;
        pos++;
        if (a > addr)
            break;
        best = name;
        best_addr = a;
    }
    if (!best)
        return sym;
    /* Names end at '\n' in the table; copy into a small buffer to hand out a C string. */
    static char name[128];
    size_t n = 0;
    while (best[n] != '\n' && n < sizeof name - 1) {
        name[n] = best[n];
        n++;
    }
    name[n] = '\0';
    sym.name = name;
    sym.offset = addr - best_addr;
    return sym;
}

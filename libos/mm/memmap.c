/*
 * Memory-map arithmetic: which pages are free RAM. Pure logic (see mm_logic.h).
 */
#include "mm_logic.h"

#include <libos/boot.h>

#define PAGE 4096ull

static uint64_t align_up(uint64_t v) { return (v + PAGE - 1) & ~(PAGE - 1); }
static uint64_t align_down(uint64_t v) { return v & ~(PAGE - 1); }

/* Add [s, e) to the sorted, disjoint list out (merging neighbours); returns the new count. */
static size_t add_range(struct libos_range *out, size_t n, size_t max, uint64_t s, uint64_t e)
{
    size_t i = 0;
    while (i < n && out[i].end < s)
        i++;
    /* Merge with every range that touches [s, e). */
    size_t j = i;
    while (j < n && out[j].start <= e) {
        if (out[j].start < s)
            s = out[j].start;
        if (out[j].end > e)
            e = out[j].end;
        j++;
    }
    if (j == i) { /* nothing merged: insert at i */
        if (n == max)
            return n; /* full: drop it (tiny maps never get here) */
        for (size_t k = n; k > i; k--)
            out[k] = out[k - 1];
        out[i] = (struct libos_range){s, e};
        return n + 1;
    }
    out[i] = (struct libos_range){s, e};
    for (size_t k = j; k < n; k++)
        out[i + 1 + k - j] = out[k];
    return n - (j - i - 1);
}

/* Remove [s, e) from the sorted list; returns the new count. */
static size_t remove_range(struct libos_range *out, size_t n, size_t max, uint64_t s, uint64_t e)
{
    for (size_t i = 0; i < n; i++) {
        struct libos_range r = out[i];
        if (r.end <= s || r.start >= e)
            continue;
        if (r.start < s && r.end > e) { /* split in two */
            if (n == max)
                return n;
            for (size_t k = n; k > i + 1; k--)
                out[k] = out[k - 1];
            out[i].end = s;
            out[i + 1] = (struct libos_range){e, r.end};
            return n + 1;
        }
        if (r.start < s)
            out[i].end = s;
        else if (r.end > e)
            out[i].start = e;
        else { /* covered entirely: delete */
            for (size_t k = i; k + 1 < n; k++)
                out[k] = out[k + 1];
            n--;
            i--;
        }
    }
    return n;
}

size_t libos_memmap_free(const struct libos_memmap_entry *map, size_t n, const struct libos_range *exclude,
                   size_t nexclude, struct libos_range *out, size_t max)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (map[i].type != LIBOS_MEMMAP_RAM)
            continue;
        uint64_t s = align_up(map[i].base), e = align_down(map[i].base + map[i].size);
        if (s < e)
            count = add_range(out, count, max, s, e);
    }
    /* Reserved entries win over overlapping RAM entries. */
    for (size_t i = 0; i < n; i++)
        if (map[i].type != LIBOS_MEMMAP_RAM)
            count = remove_range(out, count, max, align_down(map[i].base),
                                 align_up(map[i].base + map[i].size));
    for (size_t i = 0; i < nexclude; i++)
        count = remove_range(out, count, max, align_down(exclude[i].start), align_up(exclude[i].end));
    return count;
}

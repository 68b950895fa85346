/* The directory cache (dcache.h): per directory, a hash table of names chained in slots, the
 * directories on an LRU list. tests/unit/test_dcache.c runs this file on the host. */
#include "dcache.h"

#include <stdlib.h>
#include <string.h>

struct dcache_ent {
    struct dcache_ent *next;
    uint32_t ino;
    uint8_t len;
    char name[];
};

static uint32_t hash(const char *name, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)name[i]) * 16777619u;
    return h;
}

static void unlink_dir(struct dcache *c, struct dcache_dir *d)
{
    if (d->older)
        d->older->newer = d->newer;
    else
        c->oldest = d->newer;
    if (d->newer)
        d->newer->older = d->older;
    else
        c->newest = d->older;
    d->older = d->newer = NULL;
}

static void push_newest(struct dcache *c, struct dcache_dir *d)
{
    d->older = c->newest;
    d->newer = NULL;
    if (c->newest)
        c->newest->newer = d;
    else
        c->oldest = d;
    c->newest = d;
}

static void free_dir(struct dcache *c, struct dcache_dir *d)
{
    unlink_dir(c, d);
    for (size_t i = 0; i < d->nslots; i++)
        for (struct dcache_ent *e = d->slots[i], *next; e; e = next) {
            next = e->next;
            free(e);
        }
    c->entries -= d->n;
    free(d->slots);
    free(d);
}

struct dcache_dir *libos_dcache_get(struct dcache *c, uint32_t dir)
{
    for (struct dcache_dir *d = c->newest; d; d = d->older)
        if (d->ino == dir) {
            if (d != c->newest) {
                unlink_dir(c, d);
                push_newest(c, d);
            }
            return d;
        }
    return NULL;
}

struct dcache_dir *libos_dcache_begin(struct dcache *c, uint32_t dir)
{
    struct dcache_dir *d = calloc(1, sizeof *d);
    if (!d || !(d->slots = calloc(d->nslots = 16, sizeof *d->slots))) {
        free(d);
        return NULL;
    }
    d->ino = dir;
    push_newest(c, d);
    return d;
}

void libos_dcache_abort(struct dcache *c, struct dcache_dir *d) { free_dir(c, d); }

static int grow(struct dcache_dir *d)
{
    size_t n = d->nslots * 2;
    struct dcache_ent **s = calloc(n, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < d->nslots; i++)
        for (struct dcache_ent *e = d->slots[i], *next; e; e = next) {
            next = e->next;
            size_t k = hash(e->name, e->len) & (n - 1);
            e->next = s[k];
            s[k] = e;
        }
    free(d->slots);
    d->slots = s;
    d->nslots = n;
    return 0;
}

int libos_dcache_fill(struct dcache *c, struct dcache_dir *d, const char *name, size_t len, uint32_t ino)
{
    while (c->entries >= DCACHE_MAX_ENTRIES && c->oldest != d) /* older listings make room */
        free_dir(c, c->oldest);
    if (c->entries >= DCACHE_MAX_ENTRIES || len > 255 || (d->n >= d->nslots && grow(d)))
        return -1;
    struct dcache_ent *e = malloc(sizeof *e + len);
    if (!e)
        return -1;
    e->ino = ino;
    e->len = (uint8_t)len;
    memcpy(e->name, name, len);
    size_t k = hash(name, len) & (d->nslots - 1);
    e->next = d->slots[k];
    d->slots[k] = e;
    d->n++;
    c->entries++;
    return 0;
}

static struct dcache_ent **slot_of(const struct dcache_dir *d, const char *name, size_t len)
{
    struct dcache_ent **p = &d->slots[hash(name, len) & (d->nslots - 1)];
    while (*p && ((*p)->len != len || memcmp((*p)->name, name, len)))
        p = &(*p)->next;
    return p;
}

int libos_dcache_find(const struct dcache_dir *d, const char *name, size_t len, uint32_t *ino)
{
    struct dcache_ent *e = *slot_of(d, name, len);
    if (e)
        *ino = e->ino;
    return e != NULL;
}

void libos_dcache_add(struct dcache *c, uint32_t dir, const char *name, size_t len, uint32_t ino)
{
    struct dcache_dir *d = libos_dcache_get(c, dir);
    if (d && libos_dcache_fill(c, d, name, len, ino))
        free_dir(c, d); /* cannot keep it complete: forget it */
}

void libos_dcache_remove(struct dcache *c, uint32_t dir, const char *name, size_t len)
{
    struct dcache_dir *d = libos_dcache_get(c, dir);
    if (!d)
        return;
    struct dcache_ent **p = slot_of(d, name, len), *e = *p;
    if (e) {
        *p = e->next;
        free(e);
        d->n--;
        c->entries--;
    }
}

void libos_dcache_forget(struct dcache *c, uint32_t dir)
{
    struct dcache_dir *d = libos_dcache_get(c, dir);
    if (d)
        free_dir(c, d);
}

void libos_dcache_clear(struct dcache *c)
{
    while (c->oldest)
        free_dir(c, c->oldest);
}

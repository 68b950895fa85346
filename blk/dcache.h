/*
 * The directory cache of an ext4 mount: whole directories' listings (name -> inode), so that a
 * lookup, found or not, costs a hash probe instead of a scan of the directory's blocks
 * (libext2fs indexes no directory it grows, so its lookups scan every block). Pure logic:
 * ext4fs.c fills a listing from one ext2fs_dir_iterate2 and keeps it true as it changes the
 * directory (or forgets it); nothing else writes directories.
 *
 * Contract: single-threaded (the mount's lock). A listing is complete or absent: a fill that
 * runs out of memory or over the budget is dropped (dcache_abort), and the caller falls back
 * to libext2fs. Memory: at most DCACHE_MAX_ENTRIES entries over all listings (about 40 bytes
 * each); the least recently used listings go first.
 */
#ifndef LIBOS_BLK_DCACHE_H
#define LIBOS_BLK_DCACHE_H

#include <stddef.h>
#include <stdint.h>

#define DCACHE_MAX_ENTRIES 32768

struct dcache_ent;

struct dcache_dir {
    struct dcache_dir *older, *newer; /* LRU */
    uint32_t ino;
    size_t n, nslots; /* entries, hash slots (a power of two) */
    struct dcache_ent **slots;
};

struct dcache {
    struct dcache_dir *oldest, *newest;
    size_t entries; /* over all listings */
};

/* The complete listing of directory dir, or NULL. */
struct dcache_dir *libos_dcache_get(struct dcache *c, uint32_t dir);
/* Start a listing of dir (none may exist): add its entries with libos_dcache_fill, then keep it,
 * or drop it with libos_dcache_abort. NULL when memory is short. */
struct dcache_dir *libos_dcache_begin(struct dcache *c, uint32_t dir);
/* 0, or -1 when memory or the budget ran out (abort the listing then). */
int libos_dcache_fill(struct dcache *c, struct dcache_dir *d, const char *name, size_t len, uint32_t ino);
void libos_dcache_abort(struct dcache *c, struct dcache_dir *d);
/* 1 and *ino when d names it, 0 when it does not. */
int libos_dcache_find(const struct dcache_dir *d, const char *name, size_t len, uint32_t *ino);

/* dir changed: the entry added, removed, or the whole listing forgotten (when dir is not
 * cached, nothing). */
void libos_dcache_add(struct dcache *c, uint32_t dir, const char *name, size_t len, uint32_t ino);
void libos_dcache_remove(struct dcache *c, uint32_t dir, const char *name, size_t len);
void libos_dcache_forget(struct dcache *c, uint32_t dir);
void libos_dcache_clear(struct dcache *c);

#endif

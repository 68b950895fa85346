/*
 * The ext4 io_manager over libos/blk.h (blk/ext4io.c): what blk/ext4fs*.c opens libext2fs with,
 * and what the journal (blk/journal.c) reaches the cache and the disk through.
 * Contract: /work/EXT4-IFACE.md (docs/ext4.md, "The block cache and the journal"). Every call is
 * made under the file system's per-mount lock; all of them block on the disk.
 */
#ifndef LIBOS_BLK_EXT4IO_H
#define LIBOS_BLK_EXT4IO_H

#include <ext2fs/ext2fs.h>
#include <stddef.h>

#include "bcache.h"

/* The default cache bound: 8 MiB (docs/ext4.md says why). */
#define LIBOS_EXT4IO_CACHE_DEFAULT (8u << 20)

extern io_manager libos_ext4_io_manager;

struct libos_ext4io_opts {
    size_t cache_bytes; /* 0: LIBOS_EXT4IO_CACHE_DEFAULT */
};
/* Applies to the next open. */
void libos_ext4io_set_opts(const struct libos_ext4io_opts *o);

/* File contents (never journaled; see bcache.h). count is in blocks, > 0. */
errcode_t libos_ext4io_write_data(io_channel ch, blk64_t blk, int count, const void *buf);
errcode_t libos_ext4io_read_data(io_channel ch, blk64_t blk, int count, void *buf);

/* For blk/journal.c: the channel's cache (NULL if ch is not ours). */
struct bcache *libos_ext4io_cache(io_channel ch);
/* The journal attached to the channel: with one, io_channel_flush writes back data only (metadata
 * waits for the commit); without, it writes back everything and flushes the disk. */
void libos_ext4io_set_journal(io_channel ch, void *journal);
void *libos_ext4io_journal(io_channel ch);

#endif

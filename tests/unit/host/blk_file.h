/*
 * A file-backed host implementation of libos/blk.h for the ext4 unit tests: a disk is a file
 * (an image made by mke2fs), requests are counted, and a "frozen" disk drops every write, as if
 * the machine had died at that moment.
 */
#ifndef LIBOS_TEST_BLK_FILE_H
#define LIBOS_TEST_BLK_FILE_H

#include <stdint.h>

struct host_blk_counts {
    unsigned long reads, writes, flushes;
};

/* Attach path as the disk called name ("vda"); 0 or -errno. */
int host_blk_attach(const char *name, const char *path);
void host_blk_detach(const char *name);
void host_blk_freeze(const char *name, int frozen);
struct host_blk_counts *host_blk_counts(const char *name);

#endif

/*
 * The jbd2 journal of an ext4 file system: writer and replay (blk/journal.c), on the cache of the
 * ext4 io_manager (blk/ext4io.h). Contract: /work/EXT4-IFACE.md; design, ordering and limits:
 * docs/ext4.md, "The block cache and the journal". Every call blocks on the disk and is made
 * under the file system's per-mount lock. Errors are negative errno values; a journal we cannot
 * use is named in one line on stdout (printf), with the reason.
 */
#ifndef LIBOS_BLK_JOURNAL_H
#define LIBOS_BLK_JOURNAL_H

#include <ext2fs/ext2fs.h>

/* Before the read-write ext2fs_open2 of disk: replay a journal that needs recovery, then mark it
 * empty and clear the file system's RECOVER flag, durably. 0 (also with no journal) or -errno. */
int libos_ext4_recover(const char *disk);

/* After the read-write open: find the journal, set RECOVER on disk (flushed). 0 without a
 * journal (ext2). */
int libos_ext4_journal_start(ext2_filsys fs);

/* Make everything done so far durable, as one transaction (see docs/ext4.md). */
int libos_ext4_commit(ext2_filsys fs);

/* Final commit, journal empty, RECOVER cleared, flushed; the journal is detached. */
int libos_ext4_journal_stop(ext2_filsys fs);

/* Tests only: when set, the next commit stops right after its commit block is durable (no home
 * writes, the transaction's metadata dropped from the cache), as a crash there would leave it. */
extern int libos_ext4_test_crash_after_commit;
/* Tests only: device requests of the last commit (writes, flushes). */
struct libos_ext4_commit_stats {
    unsigned long writes, flushes, meta_blocks, log_blocks;
    unsigned long long commit_blk; /* where its commit block went (a test tears it) */
    unsigned long start, seq;      /* its first log block and its sequence */
};
extern struct libos_ext4_commit_stats libos_ext4_last_commit;

#endif

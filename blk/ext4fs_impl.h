/*
 * The ext4 file system's private header: one mounted file system (struct ext4_mount), its lock,
 * and what ext4fs.c (the VFS ops) and ext4mount.c (mounting, commits, exit) share.
 */
#ifndef LIBOS_EXT4FS_IMPL_H
#define LIBOS_EXT4FS_IMPL_H

#include "ext4io.h"
#include "dcache.h"
#include "journal.h"

#include <libos/ext2fs_check.h>
#include <libos/sched.h>
#include <libos/vfs.h>

#include <limits.h>

/* An inode that is open: how many descriptions hold it, and whether it is on the orphan list
 * (unlinked while open: freed at the last close, or at the next mount after a crash). */
struct ext4_open {
    ext2_ino_t ino;
    unsigned refs;
    int orphan;
    struct ext4_open *next;
};

struct ext4_mount {
    ext2_filsys fs;
    char path[PATH_MAX];  /* where it is mounted (the VFS keeps this pointer) */
    char disk[16];
    int ro;
    int mark_clean;       /* ext2 without a journal: s_state is set VALID again at unmount */
    int dirty;            /* changed since the last commit */
    int stop;             /* unmounting: the committer thread ends */
    int held;             /* the lock */
    struct libos_waitq lockq, timerq;
    struct libos_thread *committer;
    struct ext4_open *open;
    struct dcache dc;     /* directories' listings (dcache.h) */
    unsigned index;       /* st_dev */
    struct ext4_mount *next;
};

void libos_ext4fs_lock(struct ext4_mount *m);
void libos_ext4fs_unlock(struct ext4_mount *m);

/* errcode_t (libext2fs's, or an errno from the io_manager) as a negative errno. */
int libos_ext4fs_errno(errcode_t e);

/* The VFS ops for a read-write and a read-only mount (fs is the struct ext4_mount). */
extern const struct libos_fs_ops libos_ext4fs_ops, libos_ext4fs_ro_ops;

/* At mount (read-write): free what the orphan list holds (files unlinked while open before a
 * crash). 0 or a negative errno. */
int libos_ext4fs_orphans(struct ext4_mount *m);

/* Commit m (under its lock): 0 or a negative errno. */
int libos_ext4fs_commit(struct ext4_mount *m);

#endif

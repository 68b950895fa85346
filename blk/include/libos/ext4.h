/*
 * libos/ext4.h: ext2, ext3 and ext4 file systems on the disks (libext2fs behind the VFS).
 *
 * A disk formatted on the host (`mke2fs -t ext4 -d DIR img SIZE`) is mounted at a path; from then
 * on the POSIX calls (open, read, write, rename, mkdir, fsync...) work on its files, and the host
 * tools (debugfs, e2fsck, a loop mount) see what the guest wrote. Mounts come from the kernel
 * command line (libos.mount=vda:/data[,ro][,cache=SIZE], one word per disk, mounted before main)
 * or from these calls. An image carries any of it only when it names it (DEVICES ext4, or a call
 * below).
 *
 * Contract:
 * - 0 or a negative errno, never a panic. A disk that cannot be mounted prints one line saying
 *   why (not a file system, truncated, corrupted, a feature libos cannot keep consistent, an ext2
 *   left not clean) and the call fails -EINVAL (bad arguments), -ENODEV (no such disk), -EBUSY
 *   (mounted already, or files still open at unmount), -EROFS (read-write asked of what can only
 *   be read) or -EIO (the disk or its file system is damaged).
 * - Thread context only; the calls block on the disk. Each mount has one lock: calls on one file
 *   system run one at a time, calls on different ones overlap.
 * - Everything done is committed every 5 seconds when something changed, at fsync, fdatasync,
 *   sync and syncfs, and at unmount. exit() and returning from main unmount every file system
 *   cleanly; a panic or _exit() does not (the journal makes the disk consistent at next mount).
 */
#ifndef LIBOS_EXT4_H
#define LIBOS_EXT4_H

/* flags for libos_ext4_mount */
#define LIBOS_EXT4_RDONLY 1 /* read-only: every change fails -EROFS */

/*
 * Mount the file system on disk ("vda") at path (absolute, canonical: "/data"). opts: NULL, or
 * comma-separated words: "ro" (as LIBOS_EXT4_RDONLY), "cache=SIZE" (the block cache's bound,
 * e.g. 16M; 0 or absent: the default). A read-only disk, or a file system with a read-only
 * feature libos does not know, mounts read-only with a line saying so.
 */
int libos_ext4_mount(const char *disk, const char *path, int flags, const char *opts);

/* Commit and unmount the file system at path. -EBUSY while files on it are open. */
int libos_ext4_unmount(const char *path);

/* Commit every mounted file system (what sync() does). 0, or the first error. */
int libos_ext4_sync(void);

/* The start sequence's step (DEVICES ext4): mount every libos.mount= word of the command line;
 * a word that does not mount stops the boot with its line. */
void libos_ext4_init(void);

#endif

/*
 * libos/ext2fs_check.h: checks of a file system libext2fs has opened, for what libext2fs 1.47.4
 * trusts and then misuses (found by tests/fuzz/fuzz_ext2fs.c; docs/ext2fs.md lists them). Call
 * libos_ext2fs_check() right after ext2fs_open2() and before anything else touches the file
 * system; refuse to mount when it fails. Pure logic over the opened superblock: no I/O, no
 * allocation, callable from any thread (under the mount's lock, like every libext2fs call).
 */
#ifndef LIBOS_EXT2FS_CHECK_H
#define LIBOS_EXT2FS_CHECK_H

#include <ext2fs/ext2fs.h>

/* 0 when the file system is safe to hand to libext2fs, or EXT2_ET_CORRUPT_SUPERBLOCK with a
 * one-line reason (a static string) in *why. */
errcode_t libos_ext2fs_check(ext2_filsys fs, const char **why);

/* 0 when inode ino (read into *inode) is safe to read through libext2fs, or
 * EXT2_ET_FILESYSTEM_CORRUPTED (EIO for the caller) with a reason in *why. Call it when a file,
 * directory or symlink is opened. Reads the inode's extended attributes (inline data). */
errcode_t libos_ext2fs_check_inode(ext2_filsys fs, ext2_ino_t ino, const struct ext2_inode *inode,
                                   const char **why);

/* Rules for callers, the rest of what the fuzzer found (docs/ext2fs.md):
 * - Never ext2fs_namei, ext2fs_namei_follow or ext2fs_follow_link on a disk's file system: they
 *   follow symlinks with follow_link, which allocates i_size + 1 bytes and copies the whole
 *   inline data into them. Look paths up one component at a time (ext2fs_lookup) and read
 *   symlinks yourself (i_block for fast ones, ext2fs_inline_data_get into a buffer of
 *   ext2fs_inline_data_size for inline ones, the file's blocks otherwise).
 * - Read inline-data files at most up to i_size (ext2fs_file_read pads a larger buffer with
 *   zeros and counts them). */

#endif

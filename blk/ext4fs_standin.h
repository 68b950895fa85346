/*
 * THROWAWAY: the io_manager and journal contract of /work/EXT4-IFACE.md (helper B's ext4io.h and
 * journal.h), declared here until B's branch lands; ext4fs_standin.c implements it with direct
 * device I/O and no journal. When B's lands: delete this file and ext4fs_standin.c, include B's
 * headers in ext4fs_impl.h instead.
 */
#ifndef LIBOS_EXT4FS_STANDIN_H
#define LIBOS_EXT4FS_STANDIN_H

#include <ext2fs/ext2fs.h>
#include <stddef.h>

extern io_manager libos_ext4_io_manager;
struct libos_ext4io_opts {
    size_t cache_bytes;
};
void libos_ext4io_set_opts(const struct libos_ext4io_opts *o);
errcode_t libos_ext4io_write_data(io_channel ch, blk64_t blk, int count, const void *buf);
errcode_t libos_ext4io_read_data(io_channel ch, blk64_t blk, int count, void *buf);

int libos_ext4_recover(const char *disk);
int libos_ext4_journal_start(ext2_filsys fs);
int libos_ext4_commit(ext2_filsys fs);
int libos_ext4_journal_stop(ext2_filsys fs);

#endif

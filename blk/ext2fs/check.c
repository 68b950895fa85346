/* check.c: libos_ext2fs_check (libos/ext2fs_check.h): what libext2fs 1.47.4's ext2fs_open2
 * accepts but its later calls do not survive, each found by the fuzzer with an image that made
 * libext2fs write out of bounds. The rules are the kernel's and e2fsck's for a sane superblock. */
#include <libos/ext2fs_check.h>

errcode_t libos_ext2fs_check(ext2_filsys fs, const char **why)
{
    struct ext2_super_block *sb = fs->super;
    /* The first data block is 1 with 1 KiB blocks (block 0 holds the boot sector and the
     * superblock), 0 otherwise, and 0 with bigalloc. ext2fs_read_bitmaps sizes its copy of each
     * group's bitmap by blocks per group but starts it at s_first_data_block: a larger value
     * makes it copy past the bitmap's end (rw_bitmaps.c, blkmap64_ba.c). */
    blk_t first = fs->blocksize == 1024 && !ext2fs_has_feature_bigalloc(sb) ? 1 : 0;
    if (sb->s_first_data_block != first) {
        *why = "first data block is not 1 (1 KiB blocks) or 0 (larger blocks, bigalloc)";
        return EXT2_ET_CORRUPT_SUPERBLOCK;
    }
    *why = NULL;
    return 0;
}

errcode_t libos_ext2fs_check_inode(ext2_filsys fs, ext2_ino_t ino, const struct ext2_inode *inode,
                                   const char **why)
{
    *why = NULL;
    if (!(inode->i_flags & EXT4_INLINE_DATA_FL))
        return 0;
    /* Inline data: ext2fs_file_read_inline_data computes the bytes left as (inline size clamped
     * to i_size) - position, unsigned: with i_size beyond the inline data, a position between
     * the two makes it copy gigabytes (fileio.c). Such an inode is corrupt. */
    size_t size;
    if (!ext2fs_has_feature_inline_data(fs->super)) {
        *why = "inline data flag on a file system without inline_data";
        return EXT2_ET_FILESYSTEM_CORRUPTED;
    }
    if (ext2fs_inline_data_size(fs, ino, &size)) {
        *why = "inline data unreadable (its system.data attribute)";
        return EXT2_ET_FILESYSTEM_CORRUPTED;
    }
    if (EXT2_I_SIZE(inode) > size) {
        *why = "file size beyond its inline data";
        return EXT2_ET_FILESYSTEM_CORRUPTED;
    }
    return 0;
}

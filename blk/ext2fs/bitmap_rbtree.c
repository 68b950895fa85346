/* bitmap_rbtree.c: libext2fs's "rbtree" bitmap type, kept by the bit-array implementation, our own,
 * replacing e2fsprogs's blkmap64_rb.c.
 *
 * libext2fs has two in-memory bitmap implementations: a plain bit array (blkmap64_ba.c, LGPL-2) and
 * extents in a red-black tree (blkmap64_rb.c), the default of ext2fs_initialize and of tools that
 * ask for it. blkmap64_rb.c is LGPL-2, but it is built on rbtree.h, a GPL-2 header whose inline
 * functions would end up in the image; so we leave it out, and the "rbtree" type
 * (EXT2FS_BMAP64_RBTREE, which gen_bitmap64.c refers to) is served by the bit array. The cost is
 * memory for large disks: a bit array takes blocks/8 bytes (32 KiB per GiB of 4 KiB blocks) where
 * the tree takes space per run of allocated blocks; a mostly empty 1 TiB disk would take 32 MiB.
 * XXX: an extent-based bitmap of our own if libos meets disks that large.
 *
 * Each op forwards to the bit array's; the bitmap's private data is the bit array's own. */
#include "config.h" /* as libext2fs's own files: ext2fsP.h needs HAVE_SYS_STAT_H */

#include <stdint.h>
#include <string.h>

#include "ext2fs.h"
#include "ext2fsP.h"
#include "bmap64.h"

#define BA ext2fs_blkmap64_bitarray

static errcode_t fw_new(ext2_filsys fs, ext2fs_generic_bitmap_64 b)
{
    return BA.new_bmap(fs, b);
}

static void fw_free(ext2fs_generic_bitmap_64 b)
{
    BA.free_bmap(b);
}

static errcode_t fw_copy(ext2fs_generic_bitmap_64 src, ext2fs_generic_bitmap_64 dest)
{
    return BA.copy_bmap(src, dest);
}

static errcode_t fw_resize(ext2fs_generic_bitmap_64 b, __u64 new_end, __u64 new_real_end)
{
    return BA.resize_bmap(b, new_end, new_real_end);
}

static int fw_mark(ext2fs_generic_bitmap_64 b, __u64 arg)
{
    return BA.mark_bmap(b, arg);
}

static int fw_unmark(ext2fs_generic_bitmap_64 b, __u64 arg)
{
    return BA.unmark_bmap(b, arg);
}

static int fw_test(ext2fs_generic_bitmap_64 b, __u64 arg)
{
    return BA.test_bmap(b, arg);
}

static void fw_mark_extent(ext2fs_generic_bitmap_64 b, __u64 arg, unsigned int num)
{
    BA.mark_bmap_extent(b, arg, num);
}

static void fw_unmark_extent(ext2fs_generic_bitmap_64 b, __u64 arg, unsigned int num)
{
    BA.unmark_bmap_extent(b, arg, num);
}

static int fw_test_clear_extent(ext2fs_generic_bitmap_64 b, __u64 arg, unsigned int num)
{
    return BA.test_clear_bmap_extent(b, arg, num);
}

static errcode_t fw_set_range(ext2fs_generic_bitmap_64 b, __u64 start, size_t num, void *in)
{
    return BA.set_bmap_range(b, start, num, in);
}

static errcode_t fw_get_range(ext2fs_generic_bitmap_64 b, __u64 start, size_t num, void *out)
{
    return BA.get_bmap_range(b, start, num, out);
}

static void fw_clear(ext2fs_generic_bitmap_64 b)
{
    BA.clear_bmap(b);
}

static void fw_print_stats(ext2fs_generic_bitmap_64 b)
{
    BA.print_stats(b);
}

static errcode_t fw_find_first_zero(ext2fs_generic_bitmap_64 b, __u64 start, __u64 end, __u64 *out)
{
    return BA.find_first_zero(b, start, end, out);
}

static errcode_t fw_find_first_set(ext2fs_generic_bitmap_64 b, __u64 start, __u64 end, __u64 *out)
{
    return BA.find_first_set(b, start, end, out);
}

struct ext2_bitmap_ops ext2fs_blkmap64_rbtree = {
    .type = EXT2FS_BMAP64_RBTREE,
    .new_bmap = fw_new,
    .free_bmap = fw_free,
    .copy_bmap = fw_copy,
    .resize_bmap = fw_resize,
    .mark_bmap = fw_mark,
    .unmark_bmap = fw_unmark,
    .test_bmap = fw_test,
    .mark_bmap_extent = fw_mark_extent,
    .unmark_bmap_extent = fw_unmark_extent,
    .test_clear_bmap_extent = fw_test_clear_extent,
    .set_bmap_range = fw_set_range,
    .get_bmap_range = fw_get_range,
    .clear_bmap = fw_clear,
    .print_stats = fw_print_stats,
    .find_first_zero = fw_find_first_zero,
    .find_first_set = fw_find_first_set,
};

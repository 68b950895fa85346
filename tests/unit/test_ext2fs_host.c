/*
 * test_ext2fs_host: libos_ext2fs_host, libext2fs built for the host from the same sources as the
 * image's (for host tests of code above it, e.g. the block cache and the journal over a fake
 * disk), on the images tests/boot/apps/ext2fs/make_images.sh made: open each through the RAM
 * io_manager, pass libos_ext2fs_check, verify every group descriptor's checksum and read a file.
 * argv: the image files.
 */
#include <ext2fs/ext2fs.h>
#include <libos/ext2fs_check.h>
#include <stdio.h>
#include <stdlib.h>

#include "../boot/apps/ext2fs/ramio.h"
#include "check.h"

int main(int argc, char **argv)
{
    initialize_ext2_error_table();
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        CHECK(f != NULL);
        if (!f)
            continue;
        static unsigned char image[4 << 20];
        ramio_image = image;
        ramio_size = fread(image, 1, sizeof image, f);
        fclose(f);
        ramio_readonly = 1;
        ext2_filsys fs;
        errcode_t e = ext2fs_open2("ram", NULL, EXT2_FLAG_64BITS, 0, 0, &ramio_manager, &fs);
        CHECK_EQ(0, e);
        if (e)
            continue;
        const char *why;
        CHECK_EQ(0, libos_ext2fs_check(fs, &why));
        CHECK_EQ(0, ext2fs_read_bitmaps(fs));
        for (dgrp_t g = 0; g < fs->group_desc_count; g++)
            CHECK(ext2fs_group_desc_csum_verify(fs, g));
        ext2_ino_t ino;
        CHECK_EQ(0, ext2fs_lookup(fs, EXT2_ROOT_INO, "hello.txt", 9, NULL, &ino));
        struct ext2_inode inode;
        CHECK_EQ(0, ext2fs_read_inode(fs, ino, &inode));
        CHECK_EQ(0, libos_ext2fs_check_inode(fs, ino, &inode, &why));
        CHECK_EQ(18, EXT2_I_SIZE(&inode));
        ext2_file_t file;
        char buf[18];
        unsigned got = 0;
        CHECK_EQ(0, ext2fs_file_open(fs, ino, 0, &file));
        CHECK_EQ(0, ext2fs_file_read(file, buf, sizeof buf, &got));
        CHECK_EQ(18, got);
        CHECK(memcmp(buf, "hello from mke2fs\n", 18) == 0);
        ext2fs_file_close(file);
        CHECK_EQ(0, ext2fs_close_free(&fs));
        CHECK_EQ(0, ramio_writes);
    }
    return CHECK_DONE();
}

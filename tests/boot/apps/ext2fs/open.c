/*
 * test_ext2fs_open: the smallest use of libos_ext2fs, for the size it adds to an image
 * (tests/bench/size.py --app test_ext2fs_open): open a file system image from the initrd
 * read-only with ext2fs_open2 and print its volume name and block count.
 */
#include <ext2fs/ext2fs.h>
#include <stdio.h>

#include "ramio.h"

int main(int argc, char **argv)
{
    ext2_filsys fs;
    FILE *f = argc > 1 ? fopen(argv[1], "rb") : NULL;
    static unsigned char image[4 << 20];
    if (!f)
        return 2;
    ramio_image = image;
    ramio_size = fread(image, 1, sizeof image, f);
    fclose(f);
    errcode_t e = ext2fs_open2("ram", NULL, 0, 0, 0, &ramio_manager, &fs);
    if (e) {
        printf("ext2fs_open2: %s\n", error_message(e));
        return 1;
    }
    printf("volume '%.16s', %llu blocks\n", fs->super->s_volume_name,
           (unsigned long long)ext2fs_blocks_count(fs->super));
    ext2fs_close_free(&fs);
    return 0;
}

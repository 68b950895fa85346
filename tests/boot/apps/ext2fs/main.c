/*
 * test_ext2fs: libos_ext2fs (libext2fs built for libos) on real images. make_images.sh made them
 * on the host with mke2fs -d; the boot test hands them over in the -initrd. For each image, in
 * memory through ramio.h: open read-only (the superblock's crc32c checked on metadata_csum), check
 * the group descriptors and their checksums (crc16 with uninit_bg, crc32c), read the bitmaps
 * (checksummed on metadata_csum), look up and read files put there by mke2fs, list the
 * root directory; then open read-write, create a directory and a file and write into them, close
 * (flushing every structure with its checksum), open again and read them back. Prints
 * "ext2fs: all checks passed" when every check held.
 */
#include <ext2fs/ext2fs.h>
#include <libos/ext2fs_check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "ramio.h"

static const char hello[] = "hello from mke2fs\n";

/* Reads the whole of the initrd's file path into ramio's image. */
static int load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    free(ramio_image);
    ramio_image = malloc(n);
    ramio_size = n;
    size_t got = ramio_image ? fread(ramio_image, 1, n, f) : 0;
    fclose(f);
    return got == (size_t)n ? 0 : -1;
}

/* The contents of path (at most cap bytes) into buf; the length, or -1. The read asks for no
 * more than the file holds: libext2fs 1.47.4's ext2fs_file_read on an inline-data file fills the
 * rest of a larger buffer with zeros and counts them as read (fileio.c,
 * ext2fs_file_read_inline_data), so a caller must stop at i_size itself. */
static long read_file(ext2_filsys fs, const char *path, char *buf, unsigned cap)
{
    ext2_ino_t ino;
    ext2_file_t file;
    unsigned got = 0;
    if (ext2fs_namei(fs, EXT2_ROOT_INO, EXT2_ROOT_INO, path, &ino))
        return -1;
    if (ext2fs_file_open(fs, ino, 0, &file))
        return -1;
    __u64 size = ext2fs_file_get_size(file);
    if (size < cap)
        cap = size;
    errcode_t e = ext2fs_file_read(file, buf, cap, &got);
    ext2fs_file_close(file);
    return e ? -1 : (long)got;
}

static int count_entry(struct ext2_dir_entry *d, int offset, int blocksize, char *buf, void *priv)
{
    (void)offset, (void)blocksize, (void)buf;
    char name[256];
    int len = ext2fs_dirent_name_len(d);
    memcpy(name, d->name, len);
    name[len] = 0;
    if (strcmp(name, "hello.txt") == 0 || strcmp(name, "sub") == 0)
        ++*(int *)priv;
    return 0;
}

/* A new file name in directory dir holding data; 0 or the error. */
static errcode_t create(ext2_filsys fs, ext2_ino_t dir, const char *name, const char *data,
                        unsigned len)
{
    ext2_ino_t ino;
    struct ext2_inode inode;
    ext2_file_t file;
    unsigned done;
    errcode_t e = ext2fs_new_inode(fs, dir, LINUX_S_IFREG | 0644, 0, &ino);
    if (e)
        return e;
    e = ext2fs_link(fs, dir, name, ino, EXT2_FT_REG_FILE);
    if (e == EXT2_ET_DIR_NO_SPACE) {
        e = ext2fs_expand_dir(fs, dir);
        if (!e)
            e = ext2fs_link(fs, dir, name, ino, EXT2_FT_REG_FILE);
    }
    if (e)
        return e;
    ext2fs_inode_alloc_stats2(fs, ino, +1, 0);
    memset(&inode, 0, sizeof inode);
    inode.i_mode = LINUX_S_IFREG | 0644;
    inode.i_links_count = 1;
    if (ext2fs_has_feature_extents(fs->super))
        inode.i_flags |= EXT4_EXTENTS_FL;
    if ((e = ext2fs_write_new_inode(fs, ino, &inode)))
        return e;
    if (inode.i_flags & EXT4_EXTENTS_FL) {
        ext2_extent_handle_t h;
        if ((e = ext2fs_extent_open2(fs, ino, &inode, &h)))
            return e;
        ext2fs_extent_free(h);
    }
    if ((e = ext2fs_file_open(fs, ino, EXT2_FILE_WRITE, &file)))
        return e;
    e = ext2fs_file_write(file, data, len, &done);
    errcode_t e2 = ext2fs_file_close(file);
    return e ? e : e2 ? e2 : done == len ? 0 : EXT2_ET_SHORT_WRITE;
}

/* Every group descriptor's checksum (crc16 with uninit_bg, crc32c with metadata_csum) as our
 * CRCs compute it: libext2fs checks them only in e2fsck, not at open. 1 when all match. */
static int descriptors_match(ext2_filsys fs)
{
    for (dgrp_t g = 0; g < fs->group_desc_count; g++)
        if (!ext2fs_group_desc_csum_verify(fs, g))
            return 0;
    return 1;
}

static void check_image(const char *path)
{
    ext2_filsys fs;
    static char buf[70000];
    printf("image %s\n", path);
    CHECK(load(path) == 0, "loading %s", path);

    ramio_readonly = 1;
    ramio_writes = 0;
    errcode_t e = ext2fs_open2("ram", NULL, 0, 0, 0, &ramio_manager, &fs);
    CHECK(e == 0, "ext2fs_open2: %s", error_message(e));
    if (e)
        return;
    const char *why = NULL;
    CHECK(libos_ext2fs_check(fs, &why) == 0, "libos_ext2fs_check: %s", why);
    CHECK((e = ext2fs_check_desc(fs)) == 0, "ext2fs_check_desc: %s", error_message(e));
    CHECK(descriptors_match(fs), "group descriptor checksums as mke2fs wrote them");
    CHECK((e = ext2fs_read_bitmaps(fs)) == 0, "ext2fs_read_bitmaps: %s", error_message(e));
    long n = read_file(fs, "hello.txt", buf, sizeof buf);
    CHECK(n == (long)strlen(hello) && memcmp(buf, hello, n) == 0, "hello.txt: %ld bytes", n);
    n = read_file(fs, "sub/big.bin", buf, sizeof buf);
    int pattern_ok = n == 65536;
    for (long i = 0; pattern_ok && i < n; i++)
        pattern_ok = (unsigned char)buf[i] == (unsigned char)(i * 7 + i / 256);
    CHECK(pattern_ok, "sub/big.bin: %ld bytes, pattern", n);
    int found = 0;
    CHECK(ext2fs_dir_iterate(fs, EXT2_ROOT_INO, 0, NULL, count_entry, &found) == 0 && found == 2,
          "root lists hello.txt and sub (%d)", found);
    CHECK(ext2fs_close_free(&fs) == 0 && ramio_writes == 0, "read-only close wrote %lu",
          ramio_writes);

    ramio_readonly = 0;
    CHECK((e = ext2fs_open2("ram", NULL, EXT2_FLAG_RW, 0, 0, &ramio_manager, &fs)) == 0,
          "ext2fs_open2 rw: %s", error_message(e));
    if (e)
        return;
    CHECK((e = ext2fs_read_bitmaps(fs)) == 0, "ext2fs_read_bitmaps: %s", error_message(e));
    ext2_ino_t dir;
    CHECK((e = ext2fs_mkdir(fs, EXT2_ROOT_INO, 0, "made")) == 0, "ext2fs_mkdir: %s",
          error_message(e));
    CHECK((e = ext2fs_namei(fs, EXT2_ROOT_INO, EXT2_ROOT_INO, "made", &dir)) == 0, "namei made");
    static char data[50000];
    for (unsigned i = 0; i < sizeof data; i++)
        data[i] = (char)(i % 251);
    CHECK((e = create(fs, dir, "data.bin", data, sizeof data)) == 0, "create data.bin: %s",
          error_message(e));
    CHECK((e = create(fs, EXT2_ROOT_INO, "small", "tiny\n", 5)) == 0, "create small: %s",
          error_message(e));
    CHECK((e = ext2fs_close_free(&fs)) == 0, "rw close: %s", error_message(e));

    CHECK((e = ext2fs_open2("ram", NULL, 0, 0, 0, &ramio_manager, &fs)) == 0,
          "reopen: %s", error_message(e));
    if (e)
        return;
    CHECK((e = ext2fs_check_desc(fs)) == 0, "ext2fs_check_desc after writing: %s",
          error_message(e));
    CHECK(descriptors_match(fs), "group descriptor checksums after writing");
    CHECK((e = ext2fs_read_bitmaps(fs)) == 0, "ext2fs_read_bitmaps after writing: %s",
          error_message(e));
    n = read_file(fs, "made/data.bin", buf, sizeof buf);
    CHECK(n == (long)sizeof data && memcmp(buf, data, n) == 0, "made/data.bin read back: %ld", n);
    n = read_file(fs, "small", buf, sizeof buf);
    CHECK(n == 5 && memcmp(buf, "tiny\n", 5) == 0, "small read back: %ld", n);
    ext2fs_close_free(&fs);
}

int main(int argc, char **argv)
{
    initialize_ext2_error_table(); /* error_message() knows libext2fs's codes */
    for (int i = 1; i < argc; i++)
        check_image(argv[i]);
    /* A buffer that is no file system: a clear error, not a crash. */
    memset(ramio_image, 0, ramio_size);
    ext2_filsys fs;
    errcode_t e = ext2fs_open2("ram", NULL, 0, 0, 0, &ramio_manager, &fs);
    CHECK(e == EXT2_ET_BAD_MAGIC, "zeroed image: %s", error_message(e));
    printf("zeroed image: %s\n", error_message(e));
    if (argc > 1 && failures == 0)
        printf("ext2fs: all checks passed\n");
    return failures != 0;
}

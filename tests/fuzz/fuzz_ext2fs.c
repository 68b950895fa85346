/*
 * fuzz_ext2fs.c: libFuzzer target for libos_ext2fs (libext2fs 1.47.4 and our replacements of its
 * GPL-2 members) on the paths a mount walks: ext2fs_open2, the group descriptor check, reading
 * the bitmaps, directory iteration (linear, htree, inline), lookups by path, and reading files
 * and symlinks. tests/fuzz/CMakeLists.txt builds it with clang, ASan and UBSan from the same
 * sources as the image; the seeds are images mke2fs made (make_corpus_ext2fs.sh).
 *
 * The input is an image with its trailing zeros cut (the seeds are 256 KiB images, ~55 KiB of
 * them not zero); it is padded with zeros to 256 KiB (or to its own length, rounded up to 1 KiB)
 * and read through tests/boot/apps/ext2fs/ramio.h, read-only at first (any write refused), then
 * read-write for a few changes (write_some). A file
 * system whose metadata checksums fail is opened again with EXT2_FLAG_IGNORE_CSUM_ERRORS, so
 * the fuzzer gets past them (libos itself does not ignore them). The walk is bounded (entries,
 * depth, bytes read) so a valid but large tree does not look like a hang; a real loop in
 * libext2fs does, and libFuzzer reports it.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libos/ext2fs_check.h>

#include "ramio.h"

#define IMAGE_MIN (256 << 10)
#define MAX_ENTRIES 256 /* directory entries visited per input */
#define MAX_DEPTH 4
#define MAX_READ (64 << 10)

struct walk {
    ext2_filsys fs;
    int entries;         /* visited so far, all directories */
    ext2_ino_t kids[32]; /* the children of the directory being iterated */
    int nkids;
};

static char readbuf[MAX_READ];

static void read_inode_data(ext2_filsys fs, ext2_ino_t ino)
{
    ext2_file_t file;
    if (ext2fs_file_open(fs, ino, 0, &file))
        return;
    __u64 size = ext2fs_file_get_size(file);
    unsigned want = size < MAX_READ ? (unsigned)size : MAX_READ, got = 0;
    ext2fs_file_read(file, readbuf, want, &got);
    /* A seek into the middle and a short read, as pread does. */
    if (size > 1) {
        ext2fs_file_llseek(file, size / 2, EXT2_SEEK_SET, NULL);
        ext2fs_file_read(file, readbuf, want < 100 ? want : 100, &got);
    }
    ext2fs_file_close(file);
}

/* A symlink's target, read as a caller must: not with ext2fs_follow_link or ext2fs_namei_follow,
 * which overflow their buffer on an inline-data symlink whose i_size is smaller than its inline
 * data (libext2fs 1.47.4, namei.c follow_link: docs/ext2fs.md), but sized by the inline data. */
static void read_symlink(ext2_filsys fs, ext2_ino_t ino, struct ext2_inode *inode)
{
    if (inode->i_flags & EXT4_INLINE_DATA_FL) {
        size_t size;
        if (ext2fs_inline_data_size(fs, ino, &size) || size > MAX_READ)
            return;
        ext2fs_inline_data_get(fs, ino, inode, readbuf, &size);
    } else if (!ext2fs_is_fast_symlink(inode)) {
        read_inode_data(fs, ino);
    }
}

/* dir_iterate's callback: each entry is looked up again by name (the htree path of indexed
 * directories) and kept to be walked once the iteration is done (the callback must not start
 * another iteration: libext2fs holds the directory block for it). */
static int visit(ext2_ino_t dir, int entry, struct ext2_dir_entry *d, int offset, int blocksize,
                 char *buf, void *priv)
{
    struct walk *w = priv;
    (void)offset, (void)blocksize, (void)buf;
    if (entry == DIRENT_DOT_FILE || entry == DIRENT_DOT_DOT_FILE || d->inode == 0)
        return 0;
    if (++w->entries > MAX_ENTRIES)
        return DIRENT_ABORT;
    int len = ext2fs_dirent_name_len(d);
    ext2_ino_t ino;
    ext2fs_lookup(w->fs, dir, d->name, len, NULL, &ino);
    if (w->nkids < (int)(sizeof w->kids / sizeof w->kids[0]))
        w->kids[w->nkids++] = d->inode;
    return 0;
}

static void walk_dir(struct walk *w, ext2_ino_t dir, int depth)
{
    w->nkids = 0;
    if (ext2fs_dir_iterate2(w->fs, dir, 0, NULL, visit, w))
        return;
    ext2_ino_t kids[sizeof w->kids / sizeof w->kids[0]];
    int n = w->nkids;
    memcpy(kids, w->kids, n * sizeof kids[0]);
    for (int i = 0; i < n && w->entries <= MAX_ENTRIES; i++) {
        struct ext2_inode inode;
        const char *why;
        if (ext2fs_read_inode(w->fs, kids[i], &inode) ||
            libos_ext2fs_check_inode(w->fs, kids[i], &inode, &why))
            continue;
        if (LINUX_S_ISDIR(inode.i_mode) && depth < MAX_DEPTH) {
            walk_dir(w, kids[i], depth + 1);
        } else if (LINUX_S_ISREG(inode.i_mode)) {
            read_inode_data(w->fs, kids[i]);
        } else if (LINUX_S_ISLNK(inode.i_mode)) {
            read_symlink(w->fs, kids[i], &inode);
        }
    }
}

static errcode_t open_fs(int flags, ext2_filsys *fs)
{
    return ext2fs_open2("fuzz", NULL, EXT2_FLAG_64BITS | flags, 0, 0, &ramio_manager, fs);
}

/* The write paths a mount takes, on the same image opened read-write: a directory, a file of a
 * few blocks written through ext2fs_file_write, a link removed, everything flushed at close. */
static void write_some(void)
{
    ext2_filsys fs;
    const char *why;
    ramio_readonly = 0;
    if (open_fs(EXT2_FLAG_RW | EXT2_FLAG_IGNORE_CSUM_ERRORS, &fs))
        return;
    if (libos_ext2fs_check(fs, &why) || ext2fs_read_bitmaps(fs)) {
        ext2fs_close_free(&fs);
        return;
    }
    ext2fs_mkdir(fs, EXT2_ROOT_INO, 0, "made");
    ext2_ino_t ino;
    if (ext2fs_new_inode(fs, EXT2_ROOT_INO, LINUX_S_IFREG | 0644, 0, &ino) == 0 &&
        ext2fs_link(fs, EXT2_ROOT_INO, "new", ino, EXT2_FT_REG_FILE) == 0) {
        struct ext2_inode inode = {.i_mode = LINUX_S_IFREG | 0644, .i_links_count = 1};
        ext2fs_inode_alloc_stats2(fs, ino, +1, 0);
        if (ext2fs_has_feature_extents(fs->super))
            inode.i_flags |= EXT4_EXTENTS_FL;
        ext2_file_t file;
        if (ext2fs_write_new_inode(fs, ino, &inode) == 0 &&
            ext2fs_file_open(fs, ino, EXT2_FILE_WRITE, &file) == 0) {
            unsigned done;
            memset(readbuf, 'w', 5000);
            ext2fs_file_write(file, readbuf, 5000, &done);
            ext2fs_file_close(file);
        }
    }
    ext2fs_unlink(fs, EXT2_ROOT_INO, "hello.txt", 0, 0);
    ext2fs_close_free(&fs);
}

/* libext2fs reports some inconsistencies through com_err (bitmap ranges): not on the log. */
static void quiet(const char *whoami, errcode_t code, const char *fmt, va_list args)
{
    (void)whoami, (void)code, (void)fmt, (void)args;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        initialize_ext2_error_table();
        set_com_err_hook(quiet);
        ready = 1;
    }
    static unsigned char *image;
    size_t len = (size + 1023) & ~(size_t)1023;
    if (len < IMAGE_MIN)
        len = IMAGE_MIN;
    free(image);
    image = calloc(1, len);
    if (!image)
        return 0;
    memcpy(image, data, size);
    ramio_image = image;
    ramio_size = len;
    ramio_readonly = 1;

    ext2_filsys fs;
    errcode_t e = open_fs(0, &fs);
    if (e == EXT2_ET_SB_CSUM_INVALID)
        e = open_fs(EXT2_FLAG_IGNORE_CSUM_ERRORS, &fs);
    if (e)
        return 0;
    /* What libos checks before using a file system (libos/ext2fs_check.h). */
    const char *why;
    if (libos_ext2fs_check(fs, &why)) {
        ext2fs_close_free(&fs);
        return 0;
    }
    ext2fs_check_desc(fs);
    e = ext2fs_read_bitmaps(fs);
    if (e == EXT2_ET_BLOCK_BITMAP_CSUM_INVALID || e == EXT2_ET_INODE_BITMAP_CSUM_INVALID) {
        fs->flags |= EXT2_FLAG_IGNORE_CSUM_ERRORS;
        ext2fs_read_bitmaps(fs);
    }
    struct walk w = {.fs = fs};
    walk_dir(&w, EXT2_ROOT_INO, 0);
    /* A path looked up component by component, as libos's resolver does (not ext2fs_namei,
     * which follows symlinks through follow_link: see read_symlink). */
    ext2_ino_t sub, ino;
    if (ext2fs_lookup(fs, EXT2_ROOT_INO, "sub", 3, NULL, &sub) == 0 &&
        ext2fs_lookup(fs, sub, "data.bin", 8, NULL, &ino) == 0) {
        struct ext2_inode inode;
        if (ext2fs_read_inode(fs, ino, &inode) == 0 &&
            libos_ext2fs_check_inode(fs, ino, &inode, &why) == 0)
            read_inode_data(fs, ino);
    }
    ext2fs_close_free(&fs);
    write_some();
    return 0;
}

/* nls.c: libext2fs's character-set hooks without character sets, our own, replacing e2fsprogs's
 * GPL-2 nls_utf8.c (and its 64 KiB of Unicode tables).
 *
 * Casefolded directories (the casefold feature) need Unicode normalisation and case folding; libos
 * refuses to mount such a file system (docs/ext4.md), so no table is ever loaded:
 * ext2fs_load_nls_table() returns NULL for every encoding. libext2fs then treats names as the
 * bytes they are (openfs.c keeps fs->encoding NULL, dirhash.c hashes unfolded), which is right for
 * every directory without the casefold flag. The two other calls answer as for such a directory:
 * any name is valid, and names compare byte by byte. */
#include <stddef.h>
#include <string.h>

struct ext2fs_nls_table;

const struct ext2fs_nls_table *ext2fs_load_nls_table(int encoding);
int ext2fs_check_encoded_name(const struct ext2fs_nls_table *table, char *s, size_t len,
                              char **pos);
int ext2fs_casefold_cmp(const struct ext2fs_nls_table *table, const unsigned char *str1,
                        size_t len1, const unsigned char *str2, size_t len2);

const struct ext2fs_nls_table *ext2fs_load_nls_table(int encoding)
{
    (void)encoding;
    return NULL;
}

int ext2fs_check_encoded_name(const struct ext2fs_nls_table *table, char *s, size_t len,
                              char **pos)
{
    (void)table, (void)s, (void)len, (void)pos;
    return 0;
}

int ext2fs_casefold_cmp(const struct ext2fs_nls_table *table, const unsigned char *str1,
                        size_t len1, const unsigned char *str2, size_t len2)
{
    (void)table;
    int c = memcmp(str1, str2, len1 < len2 ? len1 : len2);
    if (c)
        return c;
    return len1 < len2 ? -1 : len1 > len2;
}

/* crc32c.c: CRC-32C (Castagnoli) for libext2fs, our own, replacing e2fsprogs's GPL-2 crc32c.c.
 *
 * ext4's metadata checksums (superblock, group descriptors, bitmaps, inodes, extents, directory
 * blocks, the journal's v2/v3 tags) are CRC-32C: polynomial 0x1EDC6F41, bit-reflected (so 0x82F63B78
 * in the LSB-first form used here). ext2fs_crc32c_le(crc, p, len) is the bare register update with
 * neither the initial nor the final inversion: callers pass ~0 (or a seed) and store the register
 * as it is. The textbook check value, CRC-32C("123456789") = 0xE3069283, is therefore
 * ~ext2fs_crc32c_le(~0, "123456789", 9) (tests/unit/test_ext2fs_crc.c).
 *
 * Slicing by 8: table[0] is the usual byte table; table[k][b] is the register after byte b followed
 * by k zero bytes, so eight input bytes cost eight look-ups and no shifts per byte. The tables
 * (8 KiB) are computed on first use into .bss rather than stored in the image; computing them does
 * not block, so with cooperative threads no caller can see them half made. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define CRC32C_POLY_REFLECTED 0x82F63B78u

uint32_t ext2fs_crc32c_le(uint32_t crc, unsigned char const *p, size_t len);

static uint32_t table[8][256];
static int table_ready;

static void make_table(void)
{
    for (unsigned b = 0; b < 256; b++) {
        uint32_t r = b;
        for (int i = 0; i < 8; i++)
            r = (r >> 1) ^ (CRC32C_POLY_REFLECTED & -(r & 1));
        table[0][b] = r;
    }
    for (unsigned b = 0; b < 256; b++)
        for (int k = 1; k < 8; k++)
            table[k][b] = (table[k - 1][b] >> 8) ^ table[0][table[k - 1][b] & 0xff];
    table_ready = 1;
}

uint32_t ext2fs_crc32c_le(uint32_t crc, unsigned char const *p, size_t len)
{
    if (!table_ready)
        make_table();
    while (len && ((uintptr_t)p & 7)) {
        crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xff];
        len--;
    }
    for (; len >= 8; len -= 8, p += 8) {
        uint32_t lo, hi;
        memcpy(&lo, p, 4); /* little-endian target: the bytes in stream order */
        memcpy(&hi, p + 4, 4);
        lo ^= crc;
        crc = table[7][lo & 0xff] ^ table[6][(lo >> 8) & 0xff] ^ table[5][(lo >> 16) & 0xff] ^
              table[4][lo >> 24] ^ table[3][hi & 0xff] ^ table[2][(hi >> 8) & 0xff] ^
              table[1][(hi >> 16) & 0xff] ^ table[0][hi >> 24];
    }
    while (len--)
        crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xff];
    return crc;
}

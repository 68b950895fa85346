/* crc16.c: CRC-16 for libext2fs, our own, replacing e2fsprogs's GPL-2 crc16.c.
 *
 * ext4 without metadata_csum (gdt_csum, the uninit_bg feature) checksums each group descriptor
 * with CRC-16/ARC's polynomial 0x8005, bit-reflected (0xA001 in the LSB-first form used here).
 * ext2fs_crc16(crc, buf, len) is the bare register update, no inversion: libext2fs passes ~0 and
 * keeps the low 16 bits. Its check value from 0 is CRC-16/ARC's: 0xBB3D for "123456789"
 * (tests/unit/test_ext2fs_crc.c).
 *
 * One descriptor per group is checksummed at each flush, so four bits at a time from a
 * 16-entry table (32 bytes) is quick enough. */
#include <stdint.h>

typedef unsigned int crc16_t; /* crc16.h's type: the CRC in the low 16 bits of an unsigned int */

crc16_t ext2fs_crc16(crc16_t crc, const void *buffer, unsigned int len);

/* nibble[n]: the register after shifting the four bits n out, LSB first. */
static const uint16_t nibble[16] = {
    0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
    0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
};

crc16_t ext2fs_crc16(crc16_t crc, const void *buffer, unsigned int len)
{
    const unsigned char *p = buffer;
    uint16_t r = crc;
    while (len--) {
        r ^= *p++;
        r = (r >> 4) ^ nibble[r & 15];
        r = (r >> 4) ^ nibble[r & 15];
    }
    return r;
}

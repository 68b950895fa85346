/*
 * test_ext2fs_crc: our CRC-32C and CRC-16 for libext2fs (blk/ext2fs/crc32c.c, crc16.c), which
 * replace e2fsprogs's GPL-2 ones. Checked against the published check values and test vectors
 * (the CRC catalogue's CRC-32/ISCSI and CRC-16/ARC, RFC 3720's iSCSI vectors), against a bit-at-a-
 * time implementation written here from the definition, on random buffers at every alignment
 * and length up to 300 bytes and on 64 KiB, split into pieces the way libext2fs chains calls.
 */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

typedef unsigned int crc16_t;
uint32_t ext2fs_crc32c_le(uint32_t crc, unsigned char const *p, size_t len);
crc16_t ext2fs_crc16(crc16_t crc, const void *buffer, unsigned int len);

/* The definition: reflected register, one bit at a time, no inversions. */
static uint32_t ref_crc32c(uint32_t crc, const unsigned char *p, size_t len)
{
    while (len--) {
        crc ^= *p++;
        for (int i = 0; i < 8; i++)
            crc = crc & 1 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
    }
    return crc;
}

static uint16_t ref_crc16(uint16_t crc, const unsigned char *p, size_t len)
{
    while (len--) {
        crc ^= *p++;
        for (int i = 0; i < 8; i++)
            crc = crc & 1 ? (crc >> 1) ^ 0xA001 : crc >> 1;
    }
    return crc;
}

int main(void)
{
    const unsigned char digits[] = "123456789";
    unsigned char v[32];

    /* CRC-32/ISCSI: init ~0, final ~0; libext2fs's call is the bare register. */
    CHECK_EQ(0xE3069283u, ~ext2fs_crc32c_le(~0u, digits, 9));
    CHECK_EQ(0xE3069283u, ~ref_crc32c(~0u, digits, 9));
    CHECK_EQ(0u, ext2fs_crc32c_le(0, digits, 0));
    /* RFC 3720, B.4: 32 zero bytes, 32 bytes of 0xFF, 0..31, 31..0 (CRCs as the register's
     * inverted value, in the byte order sent; printed little-endian here). */
    memset(v, 0, sizeof v);
    CHECK_EQ(0x8A9136AAu, ~ext2fs_crc32c_le(~0u, v, 32));
    memset(v, 0xff, sizeof v);
    CHECK_EQ(0x62A8AB43u, ~ext2fs_crc32c_le(~0u, v, 32));
    for (int i = 0; i < 32; i++)
        v[i] = i;
    CHECK_EQ(0x46DD794Eu, ~ext2fs_crc32c_le(~0u, v, 32));
    for (int i = 0; i < 32; i++)
        v[i] = 31 - i;
    CHECK_EQ(0x113FDB5Cu, ~ext2fs_crc32c_le(~0u, v, 32));

    /* CRC-16/ARC: init 0, no inversion; CRC-16/MODBUS: init 0xFFFF (ext4's gdt_csum seeds ~0). */
    CHECK_EQ(0xBB3Du, ext2fs_crc16(0, digits, 9));
    CHECK_EQ(0x4B37u, ext2fs_crc16(0xFFFF, digits, 9));
    CHECK_EQ(0x4B37u, ext2fs_crc16(~0u, digits, 9) & 0xFFFF);
    CHECK_EQ(0u, ext2fs_crc16(0, digits, 0));

    /* Random buffers at every alignment and length, seeded (the same bytes every run). */
    static unsigned char buf[65536 + 16];
    srand(12345);
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = rand() >> 7;
    int bad32 = 0, bad16 = 0;
    for (int align = 0; align < 8; align++)
        for (size_t len = 0; len <= 300; len++) {
            uint32_t seed = (uint32_t)rand() * 2654435761u;
            bad32 += ext2fs_crc32c_le(seed, buf + align, len) != ref_crc32c(seed, buf + align, len);
            bad16 += ext2fs_crc16(seed & 0xFFFF, buf + align, len) !=
                     ref_crc16(seed & 0xFFFF, buf + align, len);
        }
    CHECK_EQ(0, bad32);
    CHECK_EQ(0, bad16);
    /* 64 KiB whole, and chained in uneven pieces as libext2fs chains a seed, a field, a block. */
    uint32_t whole = ext2fs_crc32c_le(~0u, buf + 3, 65536), chained = ~0u;
    for (size_t off = 0, piece = 1; off < 65536; off += piece, piece = piece * 3 % 4093 + 1)
        chained = ext2fs_crc32c_le(chained, buf + 3 + off, off + piece > 65536 ? 65536 - off : piece);
    CHECK_EQ(ref_crc32c(~0u, buf + 3, 65536), whole);
    CHECK_EQ(whole, chained);
    CHECK_EQ(ref_crc16(0xFFFF, buf + 1, 65536), ext2fs_crc16(0xFFFF, buf + 1, 65536));
    return CHECK_DONE();
}

#!/bin/sh
# make_images.sh OUT: the images test_ext2fs reads, made by the host's mke2fs -d from one small
# tree (hello.txt, sub/big.bin: 64 KiB of a pattern test_ext2fs recomputes), in OUT/images/ (the
# directory the boot test passes as the initrd):
#   ext2.img         ext2, 1 KiB blocks
#   ext4.img         ext4 as mke2fs makes it by default (metadata_csum: crc32c everywhere)
#   ext4-gdt.img     ext4 without metadata_csum, with uninit_bg: group descriptors by crc16
#   ext4-inline.img  ext4 with inline_data (hello.txt lives in its inode)
set -eu
out=$1
tree=$out/tree
rm -rf "$tree" "$out/images"
mkdir -p "$tree/sub" "$out/images"
printf 'hello from mke2fs\n' >"$tree/hello.txt"
python3 -c "import sys; sys.stdout.buffer.write(bytes((i * 7 + i // 256) & 255 for i in range(65536)))" \
    >"$tree/sub/big.bin"
mk() { # name size options...
    name=$1 size=$2
    shift 2
    img=$out/images/$name.img
    rm -f "$img"
    mke2fs -q -F -E root_owner=0:0 -L "$name" -d "$tree" "$@" "$img" "$size" >/dev/null
}
mk ext2 1M -t ext2 -b 1024
mk ext4 4M -t ext4
mk ext4-gdt 4M -t ext4 -O ^metadata_csum,uninit_bg
mk ext4-inline 4M -t ext4 -O inline_data
for img in "$out"/images/*.img; do
    e2fsck -fn "$img" >/dev/null 2>&1 || { echo "make_images.sh: $img is not clean" >&2; exit 1; }
done

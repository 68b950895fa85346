#!/bin/sh
# make_corpus_ext2fs.sh OUTDIR: fuzz_ext2fs's seeds, 256 KiB images made by the host's mke2fs -d
# from one small tree (a file, a file of 3000 bytes, a relative symlink, a slow symlink, a
# directory of 60 entries: an htree with 1 KiB blocks), with their trailing zeros cut (the
# fuzzer pads them back): ext2; ext4 without a journal (metadata_csum, extents, 64bit); ext4 with
# inline_data; ext4 with uninit_bg instead of metadata_csum (crc16); ext4 with bigalloc. Made at
# build time: no binary blobs in the repository.
set -eu
out=$1
rm -rf "$out" && mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
t=$work/t
mkdir -p "$t/sub" "$t/many"
printf 'hello\n' >"$t/hello.txt"
python3 -c "import sys; sys.stdout.buffer.write(bytes(i * 13 & 255 for i in range(3000)))" >"$t/sub/data.bin"
ln -s ../hello.txt "$t/sub/link"
ln -s "$(printf 'x%.0s' $(seq 80))" "$t/longlink"
for i in $(seq 60); do : >"$t/many/file-with-a-longish-name-$i"; done
mk() { # name options...
    name=$1
    shift
    mke2fs -q -F -E root_owner=0:0 -d "$t" -N 96 -b 1024 "$@" "$work/$name.img" 256K >/dev/null 2>&1
    python3 -c "import sys; d = open(sys.argv[1], 'rb').read(); open(sys.argv[2], 'wb').write(d.rstrip(b'\0'))" \
        "$work/$name.img" "$out/$name.img"
}
mk ext2 -t ext2
mk ext4 -t ext4 -O ^has_journal
mk inline -t ext4 -O ^has_journal,inline_data -I 256
mk gdt -t ext4 -O ^has_journal,^metadata_csum,uninit_bg
mk bigalloc -t ext4 -O ^has_journal,bigalloc -C 4096

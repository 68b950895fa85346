# zlib: its configure and Makefile, its own test programs example (every API, a .gz file in /tmp)
# and minigzip (gzip files compressed at two levels and decompressed again; one file per run: it
# closes stdout after each), as in `make test`. CFLAGS=-O3 for libos: zlib's configure gives -O3 only to
# a compiler whose name contains gcc (the native build's), -O to others.
fetch_args="zlib 1:1.2.13.dfsg-1 bookworm"
build_native() { ./configure --static && make -j2 example minigzip; }
build_libos() { CC=$LIBOS_CC CFLAGS=-O3 ./configure --static && LIBOS_DEVICES="initrd tmpfs" make -j2 example minigzip; }
check() {
    mkdir -p in tmp
    cp libos/zlib.h in/text
    cp native/minigzip in/binary
    head -c 65536 /dev/zero >in/zeros
    native/example tmp/foo.gz >example.native
    boot libos/example --timeout 120 -- /tmp/foo.gz >example.libos
    same example.native example.libos "example"
    for f in text binary zeros; do
        for level in 1 9; do
            native/minigzip -$level -c in/$f >$f.$level.native.gz
            boot libos/minigzip --timeout 120 --initrd in -- -$level -c /$f >$f.$level.libos.gz
            same $f.$level.native.gz $f.$level.libos.gz "minigzip -$level $f"
        done
        cp $f.9.native.gz in/$f.gz
        boot libos/minigzip --timeout 120 --initrd in -- -d -c /$f.gz >$f.libos.out
        same in/$f $f.libos.out "minigzip -d $f.gz"
    done
}

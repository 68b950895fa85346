# bzip2: its Makefile builds bzip2 and libbz2.a; its test files (sample1-3.ref and the .bz2 made
# from them at -1, -2, -3, as `make test` checks): bzip2 -d reproduces the .ref files (one run for
# the three), bzip2 -c reproduces each .bz2 (it refuses to write compressed data to a terminal:
# isatty(1) is 0 since libos-run's stdout here is a file), from a file and from stdin (relayed by
# the runner), and the package's own dlltest.c (the libbz2 stream API) does too. Then the native
# programs' outputs as well.
fetch_args="bzip2 1.0.8-5 bookworm"
build_native() { make -j2 bzip2 && gcc -O2 -o dlltest dlltest.c -L. -lbz2; }
build_libos() {
    LIBOS_DEVICES=initrd make -j2 CC="$LIBOS_CC" bzip2 &&
        LIBOS_DEVICES=initrd "$LIBOS_CC" -O2 -o dlltest dlltest.c -L. -lbz2
}
check() {
    mkdir -p in
    cp libos/sample* in/
    boot libos/bzip2 --mem 64M --timeout 120 --initrd in -- -d -c sample1.bz2 sample2.bz2 sample3.bz2 >samples.libos.ref
    cat in/sample1.ref in/sample2.ref in/sample3.ref >samples.ref
    same samples.ref samples.libos.ref "bzip2 -d sample1.bz2 sample2.bz2 sample3.bz2"
    (cd in && ../native/bzip2 -d -c sample1.bz2 sample2.bz2 sample3.bz2) >samples.native.ref
    same samples.native.ref samples.libos.ref "bzip2 -d (native)"
    for i in 1 2 3; do
        boot libos/bzip2 --mem 64M --timeout 120 --initrd in -- -$i -c sample$i.ref >sample$i.bzip2.bz2
        same in/sample$i.bz2 sample$i.bzip2.bz2 "bzip2 -$i -c sample$i.ref"
        boot libos/dlltest --mem 64M --timeout 120 --initrd in -- -$i sample$i.ref >sample$i.libos.bz2
        same in/sample$i.bz2 sample$i.libos.bz2 "dlltest -$i sample$i.ref"
        (cd in && ../native/dlltest -$i sample$i.ref) >sample$i.native.bz2
        same sample$i.native.bz2 sample$i.libos.bz2 "dlltest -$i sample$i.ref (native)"
    done
    boot libos/bzip2 --mem 64M --timeout 120 -- -1 -c <in/sample1.ref >sample1.stdin.bz2
    same in/sample1.bz2 sample1.stdin.bz2 "bzip2 -1 -c < sample1.ref"
}

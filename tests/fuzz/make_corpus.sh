#!/bin/sh
# make_corpus.sh OUTDIR: the fuzzer's seed corpus, real archives packed by cpio(1) from small
# trees made here (regular files of sizes 0-5 for every padding case, directories, symlinks,
# both newc magics, children-first order, names without "./"). Made at build time: no binary
# blobs in the repository.
set -eu
out=$1
rm -rf "$out" && mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
t=$work/t
mkdir -p "$t/dir/sub" "$t/empty-dir"
printf '' >"$t/e0"
printf 'a' >"$t/e1"
printf 'ab' >"$t/dir/e2"
printf 'abc' >"$t/dir/sub/e3"
printf 'abcd' >"$t/e4"
printf 'abcde' >"$t/e5"
printf 'hello, initrd\n' >"$t/hello.txt"
chmod 755 "$t/e5"
chmod 700 "$t/dir/sub"
ln -s hello.txt "$t/link"
ln -s ../e1 "$t/dir/up"
ln -s /absolute/target "$t/dir/abs"
seed() { # seed NAME FORMAT FIND-COMMAND
    (cd "$t" && sh -c "$3" | cpio -o -H "$2" --quiet) >"$out/$1.cpio"
}
seed all-newc newc 'find .'
seed all-crc crc 'find .'
seed depth-newc newc 'find . -depth'
seed bare-names newc 'find * | sort'
seed one-file newc 'echo hello.txt'
seed one-link crc 'echo link'
seed one-dir newc 'echo empty-dir'
seed nothing newc 'true' # the trailer alone

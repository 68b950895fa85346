#!/usr/bin/env python3
"""make_tree.py OUTDIR: what the initrd boot tests boot with.

OUTDIR/tree/         a directory for libos-run --initrd: regular files (empty, small, 10 MiB),
                     modes 0600/0640/0755, subdirectories, symlinks (relative, absolute, to a
                     directory, dangling, a loop), a file with two hard links
OUTDIR/initrd.expect the lines test_initrd must print for it walking the mounted tree, computed
                     here from the files themselves (lstat, the bytes, readlink), not from any
                     archive
OUTDIR/tree.cpio     the tree packed by cpio(1), to pass as a file
OUTDIR/bad-*.cpio    malformed archives: a ".." entry, a truncated one
OUTDIR/implicit.cpio data/nested/three alone: its directories only implicit
"""
import os
import shutil
import subprocess
import sys

out = sys.argv[1]
tree = os.path.join(out, "tree")
shutil.rmtree(tree, ignore_errors=True)
os.makedirs(tree)


def put(rel, data, mode):
    p = os.path.join(tree, rel)
    with open(p, "wb") as f:
        f.write(data)
    os.chmod(p, mode)


def mkdir(rel, mode):
    p = os.path.join(tree, rel)
    os.mkdir(p)
    os.chmod(p, mode)


mkdir("etc", 0o755)
mkdir("data", 0o750)
mkdir("data/nested", 0o700)
put("hello.txt", b"Hello from the initrd!\n", 0o644)
put("empty", b"", 0o600)
put("etc/config", b"answer = 42\n", 0o640)
put("data/nested/three", b"abc", 0o755)
# 10 MiB that no simple pattern repeats in: a linear congruential sequence.
big, x = bytearray(10 << 20), 12345
for i in range(0, len(big), 4):
    x = (x * 1103515245 + 12345) & 0xFFFFFFFF
    big[i:i + 4] = x.to_bytes(4, "little")
put("data/big.bin", bytes(big), 0o644)
os.symlink("hello.txt", os.path.join(tree, "link"))
os.symlink("../../nowhere", os.path.join(tree, "data/dangling"))
os.symlink("/etc/config", os.path.join(tree, "abs"))           # absolute: from the guest's /
os.symlink("../etc", os.path.join(tree, "data/etc"))           # relative, to a directory
os.symlink("loop2", os.path.join(tree, "loop1"))               # a loop: ELOOP
os.symlink("loop1", os.path.join(tree, "loop2"))
# Hard links: cpio writes the data only with the last name; every name must read it.
put("data/hard1", b"bytes under two names\n", 0o644)
os.link(os.path.join(tree, "data/hard1"), os.path.join(tree, "hard2"))


def fnv1a(b):  # the guest's checksum (about 2 s for the 10 MiB file)
    h = 2166136261
    for c in b:
        h = ((h ^ c) * 16777619) & 0xFFFFFFFF
    return h


lines = []
for root, dirs, files in os.walk(tree):
    for name in sorted(dirs) + sorted(files):
        p = os.path.join(root, name)
        rel = os.path.relpath(p, tree)
        st = os.lstat(p)
        size = 0 if os.path.isdir(p) and not os.path.islink(p) else st.st_size
        line = "entry %06o %d %d:%d %d %d /%s" % (st.st_mode, st.st_nlink, st.st_uid, st.st_gid, size,
                                                  int(st.st_mtime), rel)
        if os.path.islink(p):
            line += " -> " + os.readlink(p)
        elif os.path.isfile(p):
            with open(p, "rb") as f:
                line += " fnv1a 0x%08x" % fnv1a(f.read())
        lines.append(line)
st = os.lstat(tree)
lines.insert(0, "entry %06o %d %d:%d 0 %d /" % (st.st_mode, st.st_nlink, st.st_uid, st.st_gid, int(st.st_mtime)))
lines.append("tree: %d entries" % len(lines))
with open(os.path.join(out, "initrd.expect"), "w") as f:
    f.write("\n".join(lines) + "\n")

# The tree as a file, and malformed archives made from a small valid one.
small = subprocess.run("cd %s/etc && find . | cpio -o -H newc --quiet" % tree, shell=True, check=True,
                       stdout=subprocess.PIPE).stdout
subprocess.run("cd %s && find . | LC_ALL=C sort | cpio -o -H newc --quiet > %s/tree.cpio" % (tree, out),
               shell=True, check=True)
# (cpio stores "./config" as "config".)
assert small.count(b"config\0") == 1
with open(os.path.join(out, "bad-dotdot.cpio"), "wb") as f:
    f.write(small.replace(b"config\0", b"../cfg\0"))  # the same length: only the name is bad
with open(os.path.join(out, "bad-truncated.cpio"), "wb") as f:
    f.write(small[:small.index(b"answer") + 4])  # inside config's data: no trailer
# Only a deep file, without entries for its directories (nor "."): they must be directories.
subprocess.run("cd %s && echo data/nested/three | cpio -o -H newc --quiet > %s/implicit.cpio" % (tree, out),
               shell=True, check=True)

#!/usr/bin/env python3
"""ext4test.py: boot test_ext4 on ext2/3/4 images made by the host's mke2fs, then check them.

usage: ext4test.py IMAGE CASE [boottest.py arguments...]

Makes, in a fresh temporary directory, the images CASE needs with `mke2fs -d` from a tree of
known files (tests/boot/apps/ext4/main.c knows the same contents), boots IMAGE through boottest.py
with them (--disk, and libos.mount= words), and afterwards reads back what the guest wrote with
`debugfs -R "cat ..."` and runs `e2fsck -fn` on every image that must be clean. Cases:
  posix[-ext2|-ext3|-inline]  the POSIX checks; files read back byte-exact; both disks
                      fsck-clean (-inline: ext4 with inline_data)
  ro                  vda attached read-only: EROFS everywhere, image unchanged
  full                a 16 MiB disk filled up: ENOSPC, still fsck-clean
  many                10,000 files in one directory; fsck-clean, debugfs lists them
  api                 libos_ext4_mount/unmount from the program; exit unmounts cleanly
  orphan              a file unlinked while open, then _exit: the next mount frees it from the
                      orphan list (fsck-clean, its blocks free again)
  timer               changes left without fsync or unmount (_exit after 8 s): the 5-second
                      commit made them durable and the disk fsck-clean
  ext2-unclean        an ext2 left not clean: mounted read-only with the e2fsck -p line
  casefold, encrypt   refused with one line naming the feature (the boot fails)
  quota               mounted read-only with a line naming the feature
  unformatted, truncated, bad-super, bad-gdt     refused at mount with one line
  bad-inode, bad-dir  mounts; reading the damaged file or directory fails EIO, nothing crashes
  notes               IMAGE is examples/notes: the README's two commands (libos-run --mkfs, then
                      --disk) show the first boot's note in the second
Exits 0 when everything passed.
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MiB = 1 << 20


def pat(n, s):
    return bytes((o * 7 + s + (o >> 11)) & 0xff for o in range(n))


def run(*cmd, check=True, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    if check and r.returncode != 0:
        raise SystemExit("ext4test: %s failed (%d): %s" % (cmd[0], r.returncode, r.stderr.decode()[-500:]))
    return r


def host_tree(root):
    h = os.path.join(root, "host")
    os.makedirs(os.path.join(h, "sub", "dir"))
    with open(os.path.join(h, "small.txt"), "w") as f:
        f.write("hello from the host\n")
    os.chmod(os.path.join(h, "small.txt"), 0o640)
    os.utime(os.path.join(h, "small.txt"), ns=(1700000000123456789, 1700000000123456789))
    with open(os.path.join(h, "big.bin"), "wb") as f:
        f.write(pat(3 * MiB + 123, 1))
    with open(os.path.join(h, "sub", "dir", "deep.txt"), "w") as f:
        f.write("deep\n")
    os.symlink("small.txt", os.path.join(h, "fast-link"))
    os.symlink("x" * 120, os.path.join(h, "slow-link"))
    os.link(os.path.join(h, "small.txt"), os.path.join(h, "hard-link"))
    with open(os.path.join(h, "many-links"), "w") as f:
        f.write("linked\n")


def mkfs(path, size, kind="ext4", tree=None, opts=()):
    with open(path, "wb") as f:
        f.truncate(size)
    cmd = ["mke2fs", "-q", "-F", "-t", kind, "-b", "4096"] + list(opts)
    if tree:
        cmd += ["-d", tree]
    run(*cmd, path)
    if tree and os.path.exists(os.path.join(tree, "host")):
        # nanoseconds (the host's mke2fs 1.47.0 drops them) and a file at the link limit
        debugfs_w(path, "sif /host/small.txt mtime_extra %d" % (123456789 << 2))
        debugfs_w(path, "sif /host/many-links links_count 65000")


def debugfs_w(img, req):
    run("debugfs", "-w", "-R", req, img)


def debugfs_cat(img, path):
    return run("debugfs", "-R", "cat " + path, img).stdout


def fsck_clean(img, what):
    # /host/many-links claims 65000 links for the EMLINK check: the truth again first
    run("debugfs", "-w", "-R", "sif /host/many-links links_count 1", img, check=False)
    r = run("e2fsck", "-fn", img, check=False)
    if r.returncode == 0:
        print("ext4test: ok: e2fsck -fn %s: clean" % what)
        return True
    print("ext4test: FAIL: e2fsck -fn %s (status %d):\n%s%s" % (what, r.returncode, r.stdout.decode(), r.stderr.decode()))
    return False


def expect_file(img, path, want, what):
    got = debugfs_cat(img, path)
    if got == want:
        print("ext4test: ok: debugfs cat %s: %d bytes as the guest wrote them" % (path, len(want)))
        return True
    print("ext4test: FAIL: debugfs cat %s (%s): %d bytes, expected %d" % (path, what, len(got), len(want)))
    return False


def write_at(img, off, data):
    with open(img, "r+b") as f:
        f.seek(off)
        f.write(data)


def block_of(img, req):
    out = run("debugfs", "-R", req, img).stdout.decode().split()
    return out


OK = ["--reject", "^FAIL", "--reject", "PANIC", "--expect", r"^ext4: done \(0 failures\)$"]


def refused(line):
    return ["--expect-status", "126", "--reject", "PANIC", "--expect", line,
            "--expect", r"^libos: boot failed: ext4: libos\.mount=vda:/data did not mount"]


def notes(image, rest):
    tmp = tempfile.mkdtemp(prefix="libos-ext4test-")
    img = os.path.join(tmp, "notes.img")
    boot = [sys.executable, os.path.join(HERE, "boottest.py"), image] + rest + ["--reject", "PANIC"]
    first = subprocess.run(boot + ["--runner-arg=--mkfs=%s,16M" % img, "--expect", r"^1: first note$",
                                   "--expect", r"^notes: 1 line in /data/notes\.txt$",
                                   "--", "libos.mount=vda:/data", "first note"])
    second = subprocess.run(boot + ["--runner-arg=--disk=" + img, "--expect", r"^1: first note$",
                                    "--expect", r"^2: second note$", "--expect", r"^notes: 2 lines in /data/notes\.txt$",
                                    "--", "libos.mount=vda:/data", "second note"])
    ok = first.returncode == 0 and second.returncode == 0
    ok = ok and expect_file(img, "/notes.txt", b"first note\nsecond note\n", "two boots") and fsck_clean(img, "notes.img")
    shutil.rmtree(tmp)
    print("ext4test: " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


def free_blocks(img):
    out = run("dumpe2fs", "-h", img).stdout.decode()
    return int(next(l for l in out.splitlines() if l.startswith("Free blocks:")).split()[-1])


def orphan(image, rest):
    tmp = tempfile.mkdtemp(prefix="libos-ext4test-")
    img = os.path.join(tmp, "vda.img")
    mkfs(img, 32 * MiB)
    before = free_blocks(img)
    boot = [sys.executable, os.path.join(HERE, "boottest.py"), image] + rest + [
        "--reject", "PANIC", "--reject", "^FAIL", "--runner-arg=--disk=" + img]
    first = subprocess.run(boot + ["--expect", r"^orphan: leaving with the file open$", "--",
                                   "libos.mount=vda:/data", "orphan"])
    orphans = run("dumpe2fs", "-h", img).stdout.decode()
    on_list = "First orphan inode:" in orphans
    print("ext4test: %s: after the first boot the superblock names an orphan" % ("ok" if on_list else "FAIL"))
    second = subprocess.run(boot + ["--expect", r"^walk: [0-9]+ entries, 0 errors$", "--",
                                    "libos.mount=vda:/data", "walk"])
    after = free_blocks(img)
    # the walk's new one-byte file and its directory entry may take a block or two
    freed = before - after <= 2
    print("ext4test: %s: free blocks %d before, %d after the orphan's mount" % ("ok" if freed else "FAIL", before, after))
    ok = first.returncode == 0 and on_list and second.returncode == 0 and freed and fsck_clean(img, "orphan freed")
    shutil.rmtree(tmp)
    print("ext4test: " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    image, case, rest = argv[0], argv[1], argv[2:]
    if case == "notes":
        return notes(image, rest)
    if case == "orphan":
        return orphan(image, rest)
    tmp = tempfile.mkdtemp(prefix="libos-ext4test-")
    tree = os.path.join(tmp, "tree")
    os.makedirs(tree)
    host_tree(tree)
    vda, vdb = os.path.join(tmp, "vda.img"), os.path.join(tmp, "vdb.img")
    disks = [vda]
    mounts = ["libos.mount=vda:/data"]
    checks, guest, after = list(OK), case, []
    kind = "ext4"
    if case.startswith("posix"):
        kind = case[6:] or "ext4"
        opts = []
        if kind == "inline":  # small files and directories inside their inodes
            kind, opts = "ext4", ["-O", "inline_data"]
        guest = "posix"
        mkfs(vda, 64 * MiB, kind, tree, opts)
        mkfs(vdb, 16 * MiB, kind, None, opts)
        disks.append(vdb)
        mounts.append("libos.mount=vdb:/data2")

        def after_posix():
            ok = expect_file(vda, "/out/a.txt", b"written by libos\nmore\n", "rewritten")
            ok &= expect_file(vda, "/out/big.bin", pat(5 * MiB + 77, 2), "odd pieces")
            ok &= expect_file(vda, "/out/trunc", b"0123\0\0\0\0", "truncated")
            ok &= expect_file(vda, "/out/d1/rel.txt", b"relative\n", "relative path")
            ok &= expect_file(vda, "/out/r2", b"one", "renamed over")
            ok &= expect_file(vda, "/out/moved/f", b"f", "moved directory")
            ok &= expect_file(vda, "/out/sparse", bytes(5), "truncated sparse file")
            ok &= expect_file(vdb, "/other.txt", b"on vdb\n", "second disk")
            for i in range(4):
                ok &= expect_file(vdb if i == 3 else vda, "/t%d" % i if i == 3 else "/out/t%d" % i,
                                  pat(1 << 20, 10 + i), "thread %d" % i)
            ok &= fsck_clean(vda, "vda") & fsck_clean(vdb, "vdb")
            return ok
        after.append(after_posix)
    elif case == "ro":
        mkfs(vda, 64 * MiB, "ext4", tree)
        disks = [vda + ",ro"]
        before = open(vda, "rb").read()
        checks += ["--expect", r"^libos: ext4: vda: mounted read-only at /data: the disk is read-only$"]
        after.append(lambda: (open(vda, "rb").read() == before and print("ext4test: ok: the image is unchanged")
                              is None) or (print("ext4test: FAIL: the read-only image changed") and False))
    elif case == "full":
        mkfs(vda, 16 * MiB, "ext4", None, ["-N", "256"])
        after.append(lambda: fsck_clean(vda, "the full disk"))
    elif case == "many":
        mkfs(vda, 64 * MiB, "ext4", tree)
        checks[0:0] = ["--timeout", "600"]

        def after_many():
            ls = run("debugfs", "-R", "ls /many", vda).stdout.decode()
            n = sum(1 for w in ls.split() if w.startswith("file-"))
            ok = n == 5000
            print("ext4test: %s: debugfs ls /many: %d files" % ("ok" if ok else "FAIL", n))
            ok &= expect_file(vda, "/many/file-09999", b"9999\n", "a file among many")
            return ok & fsck_clean(vda, "10,000 files")
        after.append(after_many)
    elif case == "api":
        mkfs(vda, 32 * MiB, "ext4", tree)
        mkfs(vdb, 16 * MiB, "ext4")
        disks.append(vdb)
        after.append(lambda: expect_file(vda, "/at-exit", b"exit\n", "written just before exit") &
                     expect_file(vda, "/stdio-at-exit", b"buffered until exit\n", "a FILE never closed") &
                     expect_file(vdb, "/by-api", b"api\n", "through the API") &
                     fsck_clean(vda, "vda") & fsck_clean(vdb, "vdb"))
    elif case == "timer":
        mkfs(vda, 32 * MiB, "ext4", tree)
        checks = ["--reject", "^FAIL", "--reject", "PANIC", "--expect", r"^timer: leaving without unmounting$"]
        after.append(lambda: expect_file(vda, "/timer.txt", b"committed by the timer\n", "not fsync'ed") &
                     fsck_clean(vda, "after the timer's commit"))
    elif case == "ext2-unclean":
        mkfs(vda, 32 * MiB, "ext2", tree)
        debugfs_w(vda, "ssv state 0")
        guest = "ro"
        checks = [c for c in checks]
        checks += ["--expect", r"^libos: ext4: vda: mounted read-only at /data: the file system \(no journal\) was not "
                   r"unmounted cleanly; run `e2fsck -p` on the image on the host to mount it read-write$",
                   "--reject", "disk is read-only"]
    elif case in ("casefold", "encrypt"):
        mkfs(vda, 32 * MiB, "ext4", None, ["-O", case])
        checks = refused(r"^libos: ext4: vda: cannot mount at /data: the file system has feature '%s', which libos "
                         r"cannot keep consistent$" % case)
    elif case == "quota":
        mkfs(vda, 32 * MiB, "ext4", tree, ["-O", "quota"])
        guest = "ro"
        checks += ["--expect", r"^libos: ext4: vda: mounted read-only at /data: feature 'quota' cannot be kept consistent$"]
    elif case == "unformatted":
        with open(vda, "wb") as f:
            f.truncate(8 * MiB)
        checks = refused(r"^libos: ext4: vda: cannot mount at /data: no ext2/ext3/ext4 file system on it")
    elif case == "truncated":
        mkfs(vda, 64 * MiB, "ext4", tree)
        with open(vda, "r+b") as f:
            f.truncate(20 * MiB)
        checks = refused(r"^libos: ext4: vda: cannot mount at /data: the image is truncated: the file system has "
                         r"16384 blocks of 4096 bytes, the disk holds 5120$")
    elif case == "bad-super":
        mkfs(vda, 32 * MiB, "ext4", tree)
        write_at(vda, 1024 + 0x18, b"\x40\x00\x00\x00")  # s_log_block_size 64
        checks = refused(r"^libos: ext4: vda: cannot mount at /data: ")
    elif case == "bad-gdt":
        mkfs(vda, 32 * MiB, "ext4", tree)
        write_at(vda, 4096, bytes([0xa5]) * 64)  # group 0's descriptor
        checks = refused(r"^libos: ext4: vda: cannot mount at /data: ")
    elif case in ("bad-inode", "bad-dir"):
        mkfs(vda, 32 * MiB, "ext4", tree)
        if case == "bad-inode":
            w = block_of(vda, "imap /host/big.bin")
            at = w.index("located")  # "... located at block N, offset 0xOFF"
            blk, off = int(w[at + 3].rstrip(",")), int(w[at + 5], 16)
            write_at(vda, blk * 4096 + off + 4, bytes([0x5a]) * 100)
            checks += ["--expect", r"^walk: /data/host/big\.bin: I/O error$"]
        else:
            blk = int(block_of(vda, "bmap /host/sub 0")[0])
            write_at(vda, blk * 4096, bytes([0x5a]) * 4096)
            checks += ["--expect", r"^walk: readdir /data/host/sub: I/O error$"]
        guest = "walk"
        checks += ["--expect", r"^walk: [0-9]+ entries, [1-9][0-9]* errors$"]
    else:
        sys.exit("ext4test: unknown case " + case)

    extra = []
    for d in disks:
        extra.append("--runner-arg=--disk=" + d)
    cmd = [sys.executable, os.path.join(HERE, "boottest.py"), image] + rest + checks + extra + ["--"] + mounts + [guest]
    r = subprocess.run(cmd)
    ok = r.returncode == 0
    for fn in after:
        if ok:
            ok &= bool(fn())
    shutil.rmtree(tmp)
    print("ext4test: " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

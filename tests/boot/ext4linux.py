#!/usr/bin/env python3
"""ext4linux.py: the jbd2 journal round trip with the real Linux kernel.

usage: ext4linux.py IMAGE DIRECTION VARIANT [--cache DIR] [--machine M] [--seed S] [--keep]

IMAGE is test_ext4rt (tests/boot/apps/ext4rt/main.c); the same source built with gcc -static is
/init of the minimal Linux guest of tests/bench/linux.py (Debian's kernel, fetched once into
--cache, default ${LIBOS_CACHE:-~/.cache/libos}/linux, where toolchain/bootstrap puts it; QEMU
flags of the runner, as the bench's Linux guest). Both write the same files and print the same
listing, which this script also computes from its own model of the operations (expected()).

DIRECTION linux-to-libos: Linux writes, libos replays.
  1. the Linux guest mounts a fresh image (commit=600, no background writeback), writes the files,
     fsyncs each, prints "rt: durable"; the test kills QEMU with SIGKILL: the transactions are in
     the journal, not checkpointed;
  2. checks that the image needs recovery: needs_recovery set, the journal's start not 0,
     `debugfs -R logdump` shows committed transactions, and the image read without the journal
     (debugfs -c) is not the expected tree (else the replay would prove nothing);
  3. on a copy, e2fsck -fy replays: the copy is e2fsck -fn clean and holds the expected tree;
  4. test_ext4rt mounts the image (libos replays: its line must say so) and lists the tree: it
     must be the expected one; then e2fsck -fn is clean and debugfs reads the expected tree.
DIRECTION libos-to-linux: libos writes, Linux replays.
  1. test_ext4rt writes phase 1 and fsyncs it, prints "rt: phase 1 durable" and waits for a line
     on stdin; the test copies the image (the state before the last commit), sends the line; the
     guest writes phase 2, fsyncs everything, prints "rt: durable"; the test kills QEMU;
  2. libos writes each committed transaction's blocks home right after its commit, without a
     flush: a power cut may lose those writes. The test makes that crash: every block the
     journal's committed transactions carry (debugfs logdump) gets its content from the copy of
     step 1 back. Then as above: needs_recovery, journal start not 0, committed transactions, the
     image without the journal not the expected tree;
  3. e2fsck -fy on a copy: clean, the expected tree;
  4. the Linux guest mounts the image (the kernel's jbd2 replays: "recovery complete" in its log),
     lists the tree (the expected one) and unmounts; e2fsck -fn clean, debugfs the expected tree.
VARIANT: the image, mke2fs -t ext4 (256 MiB, a 16 MiB journal) with: default (mke2fs's defaults:
  64bit, metadata_csum, so Linux's journal has checksum v3 and 64-bit tags; 4 KiB blocks), nocsum
  (-O ^metadata_csum,^64bit: no journal checksums, 32-bit tags), 1k (1 KiB blocks), wrap (a 4 MiB
  journal, 1024 blocks: Linux's transactions fill it, it checkpoints and the log that libos
  replays wraps from the end to the start; asserted), async (Linux mounts with
  journal_async_commit,data=journal: async commit blocks, file data in the journal too), torn
  (as default, but the writer is killed at a random moment of phase 2, --seed: Linux to libos,
  the tree libos's replay gives must be the one e2fsck's gives; libos to Linux, phase 2 being one
  libos transaction, e2fsck's and Linux's replay must both give phase 1's tree or the whole one).
  The journal's features after Linux wrote are checked (dumpe2fs -h) for each.
Exits 0 when every check passed.
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(HERE, "..", "bench")
sys.path.insert(0, BENCH)
import ext4 as bench_ext4  # noqa: E402  (the bench's Linux guest command line)
import linux  # noqa: E402

SRC = os.path.join(HERE, "apps", "ext4rt", "main.c")
# variant: (mke2fs options, the Linux writer's mount options besides commit=600, what the
# journal's features must hold after the writer ran (dumpe2fs -h), "!x": must not hold x)
VARIANTS = {
    "default": (["-b", "4096", "-J", "size=16"], "", ["journal_checksum_v3", "journal_64bit"]),
    "nocsum": (["-b", "4096", "-J", "size=16", "-O", "^metadata_csum,^64bit"], "",
               ["!journal_checksum", "!journal_64bit"]),
    "1k": (["-b", "1024", "-J", "size=16"], "", ["journal_checksum_v3", "journal_64bit"]),
    "wrap": (["-b", "4096", "-J", "size=4"], "", ["journal_checksum_v3"]),
    "async": (["-b", "4096", "-J", "size=16"], "journal_async_commit,data=journal",
              ["journal_async_commit", "journal_checksum_v3"]),
    "torn": (["-b", "4096", "-J", "size=16"], "", ["journal_checksum_v3", "journal_64bit"]),
}
MANY = 200
failed = []


def ok(cond, what, detail=""):
    print("ext4linux: %s: %s%s" % ("ok" if cond else "FAIL", what, "" if cond or not detail else
                                   "\n" + detail), flush=True)
    if not cond:
        failed.append(what)
    return cond


def run(*cmd, check=True):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and r.returncode != 0:
        sys.exit("ext4linux: %s failed (%d): %s" % (cmd[0], r.returncode, r.stderr.decode()[-800:]))
    return r


# --- the model: what the guests' write case leaves under /data/rt ------------------------------

def pat(n, s):
    return bytes((o * 7 + s + (o >> 11)) & 0xff for o in range(n))


def expected():
    """{relative path: ("d",) | ("f", bytes) | ("l", target)} after the write case."""
    t = {d: ("d",) for d in ["tree", "tree/a", "tree/a/b", "tree/a/b/c", "many", "tree/x",
                             "tree/x/y"]}
    for name, n, s in [("s0", 0, 1), ("s1", 1, 2), ("s4095", 4095, 3), ("s4096", 4096, 4),
                       ("s4097", 4097, 5), ("m70k", 70013, 6), ("tree/a/b/c/deep", 5000, 8),
                       ("tree/a/renamed.txt", 1234, 9), ("target", 300, 13),
                       ("tree/x/y/z", 700, 16)]:
        t[name] = ("f", pat(n, s))
    big = bytearray(pat(3 * 1048576 + 5, 7))
    big[1048576:1048576 + 4096] = pat(4096, 15)
    t["big"] = ("f", bytes(big))
    t["shrink"] = ("f", pat(200000, 11)[:5000])
    t["grow"] = ("f", pat(100, 14) + bytes(100000 - 100))
    t["log"] = ("f", b"".join(pat(1000, 50 + i) for i in range(7)))
    for i in range(MANY):
        t["many/f%03d" % i] = ("f", pat(20 + i, 100 + i))
    t["link"] = ("l", "tree/a/renamed.txt")
    magic = bytearray(pat(12388, 18))
    for o in range(0, len(magic), 1024):
        magic[o:o + 4] = b"\xc0\x3b\x39\x98"
    t["magic"] = ("f", bytes(magic))
    return t


def phase1():
    """The tree after the write case's phase 1."""
    t = {d: ("d",) for d in ["tree", "tree/a", "tree/a/b", "tree/a/b/c"]}
    for name, n, s in [("s0", 0, 1), ("s1", 1, 2), ("s4095", 4095, 3), ("s4096", 4096, 4),
                       ("s4097", 4097, 5), ("m70k", 70013, 6), ("big", 3 * 1048576 + 5, 7),
                       ("tree/a/b/c/deep", 5000, 8), ("old.txt", 1234, 9), ("victim", 9000, 10),
                       ("shrink", 200000, 11), ("target", 100, 12)]:
        t[name] = ("f", pat(n, s))
    t["log"] = ("f", b"".join(pat(1000, 50 + i) for i in range(3)))
    return t


def listing(tree):
    """The guests' "rt: ..." lines for tree, in their order (sorted by name, depth first)."""
    lines = []

    def walk(prefix):
        kids = sorted(p for p in tree if os.path.dirname(p) == prefix)
        for p in kids:
            e = tree[p]
            if e[0] == "d":
                lines.append("rt: d " + p)
                walk(p)
            elif e[0] == "l":
                lines.append("rt: l %s %s" % (p, e[1]))
            else:
                lines.append("rt: f %s %d %08x" % (p, len(e[1]), zlib.crc32(e[1])))
    walk("")
    return lines


def guest_listing(text):
    return [l for l in text.splitlines() if l.startswith("rt: ") and l[4:6] in ("d ", "f ", "l ")]


def host_tree(img, tmp, no_journal=False):
    """The tree under /rt as debugfs reads it (-c: without replaying the journal), or None."""
    out = os.path.join(tmp, "rdump")
    shutil.rmtree(out, ignore_errors=True)
    os.mkdir(out)
    run("debugfs", *(["-c"] if no_journal else []), "-R", "rdump /rt " + out, img, check=False)
    root = os.path.join(out, "rt")
    if not os.path.isdir(root):
        return None
    tree = {}
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            full = os.path.join(d, n)
            rel = os.path.relpath(full, root)
            if os.path.islink(full):
                tree[rel] = ("l", os.readlink(full))
            elif os.path.isdir(full):
                tree[rel] = ("d",)
            else:
                tree[rel] = ("f", open(full, "rb").read())
    return tree


def diff(want, got):
    if got is None:
        return "no /rt at all"
    lines = ["missing: " + p for p in sorted(set(want) - set(got))]
    lines += ["unexpected: " + p for p in sorted(set(got) - set(want))]
    lines += ["differs: " + p for p in sorted(set(want) & set(got)) if want[p] != got[p]]
    return "\n".join(lines[:20]) + (" ..." if len(lines) > 20 else "")


# --- the image's journal -----------------------------------------------------------------------

def journal_state(img):
    """(needs_recovery, journal start, {sequence: [fs blocks]} of the committed transactions
    that debugfs logdump finds from the start, the journal's features, whether the log blocks
    that logdump walks wrap from the end of the log to its start)."""
    head = run("dumpe2fs", "-h", img, check=False).stdout.decode()
    feats = next((l for l in head.splitlines() if l.startswith("Filesystem features:")), "")
    start = next((int(l.split()[-1]) for l in head.splitlines() if l.startswith("Journal start:")), 0)
    log = run("debugfs", "-c", "-R", "logdump -a", img, check=False).stdout.decode()
    jfeats = next((l.split(":", 1)[1].replace("(none)", "").split() for l in head.splitlines()
                   if l.startswith("Journal features:")), [])
    blocks, committed, seq, at, wrapped, revokes = {}, {}, None, 0, False, 0
    for l in log.splitlines():
        w = l.split()
        if l.startswith("Dumping descriptor block, sequence"):
            seq = int(w[4].rstrip(","))
        elif l.strip().startswith("FS block") and "logged at journal block" in l and seq is not None:
            blocks.setdefault(seq, []).append(int(w[2]))
            wrapped |= int(w[7]) < at
            at = int(w[7])
        elif l.startswith("Found expected sequence") and "(revoke table)" in l:
            revokes += 1
        elif l.startswith("Found expected sequence") and "(commit block)" in l:
            s = int(w[3].rstrip(","))
            committed[s] = blocks.get(s, [])
    print("ext4linux: the journal: features %s; from block %d, %d committed transaction(s)%s, "
          "%d revoke block(s)" % (" ".join(jfeats) or "none", start, len(committed),
                                  " wrapping" if wrapped else "", revokes))
    return "needs_recovery" in feats.split(), start, committed, jfeats, wrapped


def check_needs_recovery(img, tmp, want, variant, writer, torn=False):
    needs, start, committed, jfeats, wrapped = journal_state(img)
    nblocks = sum(len(b) for b in committed.values())
    ok(needs, "the killed guest left needs_recovery set (dumpe2fs -h)")
    ok(start != 0, "the journal is not empty (dumpe2fs -h: Journal start %d)" % start)
    ok(committed and nblocks, "debugfs logdump: %d committed transaction(s), %d block(s) logged"
       % (len(committed), nblocks))
    if writer == "Linux":
        for f in VARIANTS[variant][2]:
            ok((f[1:] not in " ".join(jfeats)) if f[0] == "!" else f in jfeats,
               "the journal's features %s %s (%s)" % ("lack" if f[0] == "!" else "have",
                                                      f.lstrip("!"), " ".join(jfeats)))
        if variant == "wrap":
            ok(wrapped, "the committed transactions wrap from the log's end to its start")
    root = run("debugfs", "-c", "-R", "ls /", img, check=False).stdout.decode()
    ok("lost+found" in root, "debugfs -c reads the image's root directory without the journal")
    stale = host_tree(img, tmp, no_journal=True)
    ok(torn or stale != want, "without the journal (debugfs -c) the image is not the expected tree: "
       "the replay has work to do", "debugfs -c reads the expected tree already")
    print("ext4linux: before replay, debugfs -c: " + (diff(want, stale).replace("\n", "; ")[:300]))
    return committed


def check_after(img, tmp, want, who):
    r = run("e2fsck", "-fn", img, check=False)
    ok(r.returncode == 0, "e2fsck -fn after %s: clean" % who,
       (r.stdout + r.stderr).decode()[-2500:])
    got = host_tree(img, tmp)
    if want is not None:
        ok(got == want, "debugfs after %s: the expected tree (%d entries)" % (who, len(want)),
           diff(want, got))
    return got


def e2fsck_replay(img, tmp, want):
    """e2fsck -fy on a copy of img, then check_after on it; the tree it holds. want None: any
    tree (a torn run: the tree e2fsck's replay gives is the one the others must give)."""
    copy = os.path.join(tmp, "e2fsck.img")
    shutil.copyfile(img, copy)
    run("e2fsck", "-fy", copy, check=False)
    got = check_after(copy, tmp, want, "e2fsck's replay (on a copy)")
    os.unlink(copy)
    return got


# --- the guests ----------------------------------------------------------------------------------

def linux_cmd(image, machine, disk, args, guest):
    return bench_ext4.command(image, machine, disk, args, guest)


def libos_cmd(image, machine, disk, args):
    return [os.path.join(HERE, "..", "..", "toolchain", "libos-run"), image, "--machine", machine,
            "--mem", "64M", "--timeout", "300", "--disk", disk, "--", "libos.mount=vda:/data"] + args


def spawn(cmd):
    return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)


def wait_for(p, marker, out, timeout):
    """Read p's output into out (a bytearray) until a whole line holds marker; True if it did."""
    os.set_blocking(p.stdout.fileno(), False)
    deadline = time.time() + timeout
    while time.time() < deadline:
        chunk = p.stdout.read()
        if chunk:
            out += chunk
            i = out.find(marker)
            if i >= 0 and b"\n" in out[i:]:
                return True
        elif p.poll() is not None:
            return False
        time.sleep(0.01)
    return False


def drain(p, out):
    """What p has printed so far, into out."""
    os.set_blocking(p.stdout.fileno(), False)
    out += p.stdout.read() or b""


def kill(p):
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGKILL)
    p.wait()


def linux_to_libos(image, machine, img, tmp, guest, want, variant, keep, rng):
    torn = variant == "torn"
    t0 = time.time()
    opts = VARIANTS[variant][1]
    p = spawn(linux_cmd(image, machine, img, ["write", "-"] + ([opts] if opts else []), guest))
    out = bytearray()
    if torn:
        delay = rng.uniform(0, 4)
        started = wait_for(p, b"rt: phase 1 durable", out, 240)
        time.sleep(delay)
        drain(p, out)
        kill(p)
        text = out.decode(errors="replace")
        print("ext4linux: the Linux guest was killed %.2f s into phase 2 (%s)" %
              (delay, "it had finished" if "rt: durable" in text else "still writing"))
        wrote = ok(started and "FAIL" not in text, "the Linux guest wrote phase 1", text[-3000:])
    else:
        wrote = wait_for(p, b"rt: durable", out, 240)
        kill(p)
        text = out.decode(errors="replace")
        print("ext4linux: the Linux guest wrote and was killed after %.1f s" % (time.time() - t0))
        wrote = ok(wrote and "rt: durable (0 failures)" in text and "FAIL" not in text,
                   "the Linux guest wrote every file and fsync'ed it", text[-3000:])
    if keep:
        shutil.copyfile(img, os.path.join(tmp, "killed.img"))
    if not wrote:
        return
    check_needs_recovery(img, tmp, want, variant, "Linux", torn)
    if torn:  # the tree is wherever the kill left it: the one e2fsck's replay gives
        want = e2fsck_replay(img, tmp, None)
        if not ok(want is not None, "after e2fsck's replay there is a tree to compare"):
            return
    else:
        e2fsck_replay(img, tmp, want)
    t0 = time.time()
    r = subprocess.run(libos_cmd(image, machine, img, ["list"]), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    text = r.stdout.decode(errors="replace")
    print("ext4linux: libos mounted and listed in %.1f s" % (time.time() - t0))
    rec = [l for l in text.splitlines() if ": recover: " in l]
    print("\n".join("ext4linux: libos: " + l for l in rec))
    ok(any(": recover: replayed " in l and " 0 transaction" not in l for l in rec),
       "libos replayed Linux's journal at mount", text[-2000:])
    ok(r.returncode == 0 and "FAIL" not in text, "test_ext4rt list: status 0, no FAIL",
       text[-2000:])
    got = guest_listing(text)
    what = "the tree e2fsck's replay gives" if torn else "the expected tree"
    ok(got == listing(want), "libos lists %s (%d entries)" % (what, len(got)),
       "\n".join(sorted(set(got) ^ set(listing(want))))[:2500])
    check_after(img, tmp, want, "libos's replay")


def libos_to_linux(image, machine, img, tmp, guest, want, variant, keep, rng):
    torn = variant == "torn"
    snap = os.path.join(tmp, "phase1.img")
    t0 = time.time()
    p = spawn(libos_cmd(image, machine, img, ["write", "pause"]))
    out = bytearray()
    if not ok(wait_for(p, b"rt: phase 1 durable", out, 240), "libos wrote phase 1",
              out.decode(errors="replace")[-3000:]):
        kill(p)
        return
    shutil.copyfile(img, snap)  # the guest waits on stdin meanwhile: nothing is written
    p.stdin.write(b"go\n")
    p.stdin.flush()
    if torn:
        delay = rng.uniform(0, 1.5)
        time.sleep(delay)
        drain(p, out)
        kill(p)
        text = out.decode(errors="replace")
        print("ext4linux: libos was killed %.2f s into phase 2 (%s)" %
              (delay, "it had finished" if "rt: durable" in text else "still writing"))
        wrote = ok("FAIL" not in text, "libos wrote without a FAIL", text[-3000:])
    else:
        wrote = wait_for(p, b"rt: durable", out, 240)
        kill(p)
        text = out.decode(errors="replace")
        print("ext4linux: libos wrote and was killed after %.1f s" % (time.time() - t0))
        wrote = ok(wrote and "rt: durable (0 failures)" in text and "FAIL" not in text,
                   "libos wrote every file and fsync'ed it", text[-3000:])
    if keep:
        shutil.copyfile(img, os.path.join(tmp, "killed.img"))
    if not wrote:
        return
    # The crash: the home writes that followed the last commits, never flushed, are lost.
    committed = journal_state(img)[2]
    bs = int(next(l.split()[-1] for l in run("dumpe2fs", "-h", img).stdout.decode().splitlines()
                  if l.startswith("Block size:")))
    blocks = sorted({b for bl in committed.values() for b in bl})
    with open(snap, "rb") as old, open(img, "r+b") as new:
        for b in blocks:
            old.seek(b * bs)
            new.seek(b * bs)
            new.write(old.read(bs))
    print("ext4linux: the crash: %d block(s) of the committed transaction(s) %s back to their "
          "content before phase 2" % (len(blocks), sorted(committed)))
    check_needs_recovery(img, tmp, want, variant, "libos", torn)
    if torn:  # phase 2 is one transaction: after a replay, all of it or none
        got = e2fsck_replay(img, tmp, None)
        if not ok(got in (want, phase1()), "after e2fsck's replay the tree is phase 1's or the "
                  "whole one (phase 2 is one transaction)", diff(want, got)):
            return
        want = got
    else:
        e2fsck_replay(img, tmp, want)
    t0 = time.time()
    r = subprocess.run(linux_cmd(image, machine, img, ["list"], guest), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    text = r.stdout.decode(errors="replace")
    print("ext4linux: the Linux guest mounted and listed in %.1f s" % (time.time() - t0))
    kern = [l for l in text.splitlines() if l.startswith("rt: kernel: ")]
    print("\n".join("ext4linux: " + l for l in kern))
    ok(any("recovery complete" in l for l in kern), "Linux replayed libos's journal at mount "
       "(its log: recovery complete)", text[-2000:])
    ok(not any("error" in l.lower() or "corrupt" in l.lower() for l in kern),
       "no error from Linux's ext4 or jbd2")
    ok(r.returncode == bench_ext4.benchlib.QEMU_OK and "FAIL" not in text,
       "the Linux guest: status 0, no FAIL",
       "status %d\n%s" % (r.returncode, text[-2000:]))
    got = guest_listing(text)
    what = ("phase 1's tree" if want == phase1() else "the expected tree")
    ok(got == listing(want), "Linux lists %s (%d entries)" % (what, len(got)),
       "\n".join(sorted(set(got) ^ set(listing(want))))[:2500])
    check_after(img, tmp, want, "Linux's replay")


def main(argv):
    args = list(argv)
    if len(args) < 3 or args[1] not in ("linux-to-libos", "libos-to-linux") or \
            args[2] not in VARIANTS:
        sys.exit(__doc__)
    image, direction, variant = args[:3]
    cache = os.path.join(os.environ.get("LIBOS_CACHE") or os.path.expanduser("~/.cache/libos"),
                         "linux")
    machine, keep, seed, rest = "microvm", False, random.randrange(1 << 30), args[3:]
    while rest:
        a = rest.pop(0)
        if a == "--cache":
            cache = rest.pop(0)
        elif a == "--machine":
            machine = rest.pop(0)
        elif a == "--keep":
            keep = True
        elif a == "--seed":
            seed = int(rest.pop(0))
        else:
            sys.exit("ext4linux: unknown argument " + a)
    guest = linux.ext4_guest(cache, SRC, "ext4rt-initramfs.cpio", ["-DRT_LINUX_INIT"])
    print("ext4linux: %s, %s image, %s; kernel %s%s" % (
        direction, variant, machine, os.path.basename(guest[0]),
        "; seed %d" % seed if variant == "torn" else ""))
    tmp = tempfile.mkdtemp(prefix="libos-ext4linux-")
    img = os.path.join(tmp, "vda.img")
    with open(img, "wb") as f:
        f.truncate(256 << 20)
    run("mke2fs", "-q", "-F", "-t", "ext4", "-E", "lazy_itable_init=0,lazy_journal_init=0",
        *VARIANTS[variant][0], img)
    want = expected()
    try:
        (linux_to_libos if direction == "linux-to-libos" else libos_to_linux)(
            image, machine, img, tmp, guest, want, variant, keep, random.Random(seed))
    finally:
        if keep:
            print("ext4linux: images kept in " + tmp)
        else:
            shutil.rmtree(tmp)
    print("ext4linux: " + ("passed" if not failed else "FAILED: " + "; ".join(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""ext4crash.py: the crash loop. Kill a writing guest with SIGKILL at random moments, then check
that the disk mounts, that every fsync'ed file is intact, and that e2fsck finds it clean.

usage: ext4crash.py IMAGE [--kills N] [--seed S] [--machine M] [--keep]

Makes a 64 MiB ext4 image (mke2fs -t ext4, with its journal), then N times (default 20):
  1. boots IMAGE's "crash" case (tests/boot/apps/ext4/main.c: write a file, fsync, rename, fsync
     the directory, append its round to a log and fsync the log, forever) and kills QEMU with
     SIGKILL at a random moment once the writer has started (0.2 to 3 s after its first line);
  2. copies the image and lets e2fsck replay the journal on the copy (e2fsck -fy), then checks the
     copy with e2fsck -fn: it must be clean;
  3. boots IMAGE's "verify" case on the image itself: it must mount (libos replays the journal),
     every round the log names must have its file intact, and the exit unmounts cleanly;
  4. e2fsck -fn on the image: clean.
The image carries on from one kill to the next (the writer continues after the logged rounds).

This tests the jbd2 journal writer and replay (blk/journal.c): without a journal a kill in the
middle of a commit leaves the disk inconsistent, and this test fails.
Exits 0 when every round passed.
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(HERE, "..", "..", "toolchain", "libos-run")


def fsck(img, what):
    r = subprocess.run(["e2fsck", "-fn", img], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode == 0:
        print("ext4crash: ok: e2fsck -fn %s: clean" % what)
        return True
    print("ext4crash: FAIL: e2fsck -fn %s (status %d):\n%s" % (what, r.returncode, r.stdout.decode()[-3000:]))
    return False


def boot(image, img, machine, case, timeout):
    return [RUNNER, image, "--machine", machine, "--mem", "64M", "--timeout", str(timeout),
            "--disk", img, "--", "libos.mount=vda:/data", case]


def crash_once(image, img, machine, rng):
    """Boot the writer and kill it at a random moment; True when it got to write at all."""
    p = subprocess.Popen(boot(image, img, machine, "crash", 120), stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    started = None
    delay = rng.uniform(0.2, 3.0)
    out = b""
    os.set_blocking(p.stdout.fileno(), False)
    deadline = time.time() + 90
    while time.time() < deadline:
        chunk = p.stdout.read() or b""
        out += chunk
        if started is None and b"crash: writing from round" in out:
            started = time.time()
        if started is not None and time.time() - started >= delay:
            break
        if p.poll() is not None:
            break
        time.sleep(0.02)
    alive = p.poll() is None
    if alive:
        os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    rounds = out.decode(errors="replace").count("durable")
    print("ext4crash: killed after %.2f s of writing (%s; %d progress lines)"
          % (delay, "SIGKILL" if alive else "it had already stopped", rounds))
    if not alive or started is None:
        print(out.decode(errors="replace")[-2000:])
        return False
    return True


def main(argv):
    kills, seed, machine, keep = 20, None, "microvm", False
    args = list(argv)
    if not args:
        sys.exit(__doc__)
    image = args.pop(0)
    while args:
        a = args.pop(0)
        if a == "--kills":
            kills = int(args.pop(0))
        elif a == "--seed":
            seed = int(args.pop(0))
        elif a == "--machine":
            machine = args.pop(0)
        elif a == "--keep":
            keep = True
        else:
            sys.exit("ext4crash: unknown argument " + a)
    seed = seed if seed is not None else random.randrange(1 << 30)
    print("ext4crash: seed %d, %d kills on %s" % (seed, kills, machine))
    rng = random.Random(seed)
    tmp = tempfile.mkdtemp(prefix="libos-ext4crash-")
    img, copy = os.path.join(tmp, "vda.img"), os.path.join(tmp, "copy.img")
    with open(img, "wb") as f:
        f.truncate(64 << 20)
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-b", "4096", img], check=True)
    ok = True
    for k in range(kills):
        print("ext4crash: --- kill %d of %d" % (k + 1, kills))
        if not crash_once(image, img, machine, rng):
            ok = False
            break
        shutil.copyfile(img, copy)
        subprocess.run(["e2fsck", "-fy", copy], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ok &= fsck(copy, "after e2fsck's own replay")
        r = subprocess.run(boot(image, img, machine, "verify", 120), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        text = r.stdout.decode(errors="replace")
        good = r.returncode == 0 and "ext4: done (0 failures)" in text and "FAIL" not in text
        print("ext4crash: %s: the disk mounts and every fsync'ed file is intact (status %d)%s"
              % ("ok" if good else "FAIL", r.returncode,
                 "" if good else "\n" + "\n".join(l for l in text.splitlines() if not l.startswith("ok:"))[-3000:]))
        ok &= good
        ok &= fsck(img, "after libos's replay")
        if not ok:
            break
    if keep:
        print("ext4crash: images kept in " + tmp)
    else:
        shutil.rmtree(tmp)
    print("ext4crash: " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

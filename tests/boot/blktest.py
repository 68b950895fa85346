#!/usr/bin/env python3
"""blktest.py: boot a block-device test image with real disk images, then check them on the host.

usage: blktest.py IMAGE [--eio] [--no-host-check] [--keep] [boottest.py arguments...] [-- guest args]

Makes, in a fresh temporary directory, the disks that tests/boot/apps/blk/main.c expects:
  vda.img  8 MiB: the host's pattern in [0, 1 MiB), zeros after
  vdb.img  1 MiB, attached read-only: the host's pattern
  vdc.img  (--eio) 1 MiB of the host's pattern behind QEMU's blkdebug driver, which fails every
           read touching sector 100 (reported to the guest: rerror=report)
and runs boottest.py IMAGE with them (--disk for vda and vdb, raw QEMU arguments for vdc) and
the remaining arguments. When the run passed, and unless --no-host-check, it then reads the images
and checks what the guest must have written (its patterns, the same functions as main.c) and that
the read-only disk is unchanged. Exits 0 when both passed.
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MiB = 1 << 20


def host_pat(o): return (o * 131 + (o >> 9)) & 0xff
def guest_pat(o): return (o * 29 + 7 + (o >> 12)) & 0xff
def big_pat(o): return (o * 13 + 3 + (o >> 16)) & 0xff
def thread_pat(o, t): return (o * 3 + t * 50 + (o >> 12)) & 0xff


def pattern(fn, base, n):
    return bytes(fn(base + i) for i in range(n))


def check_range(data, base, n, fn, what):
    want = pattern(fn, base, n)
    got = data[base:base + n]
    if got == want:
        print("blktest: ok: %s [%d, %d) as the guest wrote it" % (what, base, base + n))
        return True
    bad = next(i for i in range(n) if got[i] != want[i])
    print("blktest: FAIL: %s differs at offset %d (0x%02x, expected 0x%02x)"
          % (what, base + bad, got[bad], want[bad]))
    return False


def main(argv):
    eio = "--eio" in argv
    host_check = "--no-host-check" not in argv
    keep = "--keep" in argv
    argv = [a for a in argv if a not in ("--eio", "--no-host-check", "--keep")]
    if not argv:
        sys.exit(__doc__)
    image, rest = argv[0], argv[1:]
    tmp = tempfile.mkdtemp(prefix="libos-blktest-")
    vda, vdb, vdc = (os.path.join(tmp, n) for n in ("vda.img", "vdb.img", "vdc.img"))
    host_mib = pattern(host_pat, 0, MiB)
    with open(vda, "wb") as f:
        f.write(host_mib + bytes(7 * MiB))
    with open(vdb, "wb") as f:
        f.write(host_mib)
    extra = ["--runner-arg=--disk=" + vda, "--runner-arg=--disk=" + vdb + ",ro"]
    if eio:
        with open(vdc, "wb") as f:
            f.write(host_mib)
        conf = os.path.join(tmp, "blkdebug.conf")
        with open(conf, "w") as f:
            f.write('[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "100"\nonce = "off"\n')
        machine = rest[rest.index("--machine") + 1] if "--machine" in rest else "microvm"
        dev = "virtio-blk-device" if machine == "microvm" else "virtio-blk-pci"
        for a in ("-drive", "file=blkdebug:%s:%s,if=none,id=err0,format=raw,rerror=report,werror=report"
                  % (conf, vdc), "-device", dev + ",drive=err0"):
            extra.append("--runner-arg=--qemu-arg=" + a)
    if "--" in rest:
        i = rest.index("--")
        cmd = rest[:i] + extra + rest[i:]
    else:
        cmd = rest + extra
    r = subprocess.run([sys.executable, os.path.join(HERE, "boottest.py"), image] + cmd)
    ok = r.returncode == 0
    if ok and host_check:
        with open(vda, "rb") as f:
            a = f.read()
        with open(vdb, "rb") as f:
            b = f.read()
        ok &= check_range(a, 0, MiB, host_pat, "vda (the host's pattern, untouched)")
        ok &= check_range(a, MiB, MiB, guest_pat, "vda")
        ok &= check_range(a, 2 * MiB, 4 * MiB, big_pat, "vda (one 4 MiB write)")
        for t in range(8):
            base = 6 * MiB + t * 32 * 4096
            ok &= check_range(a, base, 32 * 4096, lambda o, t=t: thread_pat(o, t),
                              "vda (thread %d)" % t)
        if b == host_mib:
            print("blktest: ok: vdb (read-only) unchanged")
        else:
            print("blktest: FAIL: vdb (read-only) changed")
            ok = False
    if keep:
        print("blktest: images kept in " + tmp)
    else:
        for n in os.listdir(tmp):
            os.unlink(os.path.join(tmp, n))
        os.rmdir(tmp)
    print("blktest: " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

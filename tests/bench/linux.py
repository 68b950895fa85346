#!/usr/bin/env python3
"""linux.py: the same figures for a minimal Linux guest under the same QEMU flags (figure 5).

usage: tests/bench/linux.py [--build-dir DIR] [--runs N] [--no-minmem] [--timeout S]
       (tests/bench/run --linux runs it after the libos figures)
       tests/bench/linux.py --fetch DIR: only fetch the kernel and its virtio and ext4 modules
       into DIR (toolchain/bootstrap does, for the boot.ext4.linux_journal tests)

Downloads Debian's current amd64 kernel package once (the linux-image-<version>-amd64 that the
linux-image-amd64 metapackage depends on, with `apt-get download`; no root install) into
<build-dir>/linux/, keeps only its /boot (vmlinuz, config), and also unpacks the ELF vmlinux
from the bzImage (the payload is xz; Debian's kernel has CONFIG_PVH=y, so that ELF carries the
Xen PVH note and boots the way a libos image does). /init is tests/bench/linux-init.c built with
`gcc -static` and packed with `cpio -H newc` (cpio is installed with apt-get when missing).

Guests, each booted with the runner's QEMU flags (from libos-run --dry-run) plus -initrd and
-append "console=ttyS0 quiet panic=-1", -m 128M (the runner's default 32M is too little):
  bzImage on microvm and q35 (Linux boot protocol, through qboot or SeaBIOS),
  vmlinux on microvm and q35 (PVH entry, the way libos boots).
Printed: kernel and initramfs sizes; launch-to-exit median/p10/p90 over N runs (default 5);
the kernel's own clock from its start to /init's main (CLOCK_BOOTTIME read by /init; the clock
starts after decompression, so it compares with libos's entry-to-main only roughly); and,
unless --no-minmem, the smallest -m that boots, by bisection in 8 MiB steps between 16M and
256M (assumes that more memory never hurts; a boot that hangs counts as a failure).
Under TCG on a busy host Linux sometimes hangs on microvm (seen: it could not calibrate the TSC
against the PIT, and microvm has no HPET or ACPI PM timer to fall back on): such boots are
counted and reported, not timed.
"""
import fcntl
import glob
import lzma
import os
import re
import shutil
import subprocess
import sys
import tempfile

import benchlib as bl

APPEND = "console=ttyS0 quiet panic=-1"
MEM = "128M"


def sh(*argv, **kw):
    return subprocess.run(argv, check=True, **kw)


def fetch_kernel(cache, modules=False):
    """vmlinuz path from the Debian kernel package, downloaded once into cache.

    With modules (True, or a list like EXT4_MODULES), the package's virtio and virtio_blk modules
    (and those listed) are kept too (under cache/lib/modules/<version>/kernel/), downloading the
    package again if an older cache lacks some."""
    wanted = VIRTIO_BLK_MODULES + (modules if isinstance(modules, list) else [])
    found = sorted(glob.glob(os.path.join(cache, "boot", "vmlinuz-*")))
    if found and (not modules or module_paths(cache, found[-1], wanted)):
        return found[-1]
    os.makedirs(cache, exist_ok=True)
    if found:
        pkg = "linux-image-" + os.path.basename(found[-1])[len("vmlinuz-"):]
    else:
        deps = subprocess.run(["apt-cache", "depends", "linux-image-amd64"], capture_output=True,
                              text=True).stdout
        m = re.search(r"Depends: (linux-image-\S+-amd64)", deps)
        if not m:
            sys.exit("bench: apt-cache knows no linux-image-amd64 (run apt-get update)")
        pkg = m.group(1)
    print(f"(downloading {pkg} with apt-get download, once)", flush=True)
    sh("apt-get", "download", "-q", pkg, cwd=cache, stdout=subprocess.DEVNULL,
       stderr=subprocess.DEVNULL)
    deb = sorted(glob.glob(os.path.join(cache, pkg + "_*.deb")))[-1]
    members = ["./boot"]
    if modules:
        members += ["--wildcards", "./lib/modules/*/kernel/drivers/virtio/*.ko"]
        members += [f"./lib/modules/*/kernel/{m}.ko" for m in wanted if "/virtio/" not in m]
    tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE)
    sh("tar", "-x", "-C", cache, *members, stdin=tar.stdout)
    tar.wait()
    os.unlink(deb)  # 70 MB, and only /boot (and a few modules) are used
    return sorted(glob.glob(os.path.join(cache, "boot", "vmlinuz-*")))[-1]


# What Debian's kernel needs for a virtio-blk disk on virtio-mmio (microvm) or virtio-pci (q35),
# in load order (all are modules there: CONFIG_VIRTIO=m, CONFIG_VIRTIO_BLK=m, ...).
VIRTIO_BLK_MODULES = ["drivers/virtio/virtio_ring", "drivers/virtio/virtio",
                      "drivers/virtio/virtio_pci_legacy_dev", "drivers/virtio/virtio_pci_modern_dev",
                      "drivers/virtio/virtio_pci", "drivers/virtio/virtio_mmio",
                      "drivers/block/virtio_blk"]
# And for ext4 (CONFIG_EXT4_FS=m): the package ships no modules.dep (depmod makes it at install),
# so module_order checks this order against each module's own depends= and softdep pre: (what
# depmod reads): ext4 depends on jbd2, mbcache, crc16; ext4 and jbd2 want crypto-crc32c first.
EXT4_MODULES = ["crypto/crc32c_generic", "lib/crc16", "fs/mbcache", "fs/jbd2/jbd2",
                "fs/ext4/ext4"]


def module_paths(cache, vmlinuz, modules=VIRTIO_BLK_MODULES):
    """The files of modules (paths under kernel/, no .ko) of vmlinuz's version in cache, or None
    if any is missing."""
    ver = os.path.basename(vmlinuz)[len("vmlinuz-"):]
    paths = [os.path.join(cache, "lib", "modules", ver, "kernel", m + ".ko") for m in modules]
    return paths if all(os.path.exists(p) for p in paths) else None


def module_order(paths):
    """Exits unless every module in paths comes after those its .modinfo says it depends on
    (depends=, and softdep pre: when the wanted module is among paths or is an alias, crypto-X,
    that one of them provides)."""
    seen = set()
    for p in paths:
        info = open(p, "rb").read()
        name = os.path.basename(p)[:-3]
        need = []
        for m in re.finditer(rb"(?:^|\0)(depends|softdep|alias)=([^\0]*)", info):
            key, val = m.group(1).decode(), m.group(2).decode()
            if key == "depends":
                need += [d for d in val.split(",") if d]
            elif key == "softdep":
                need += val.split("pre:")[1].split("post:")[0].split() if "pre:" in val else []
            else:
                seen.add(val)
        missing = [d.replace("-", "_") for d in need if d.replace("-", "_") not in seen
                   and d not in seen]
        if missing:
            sys.exit(f"bench: module {name} needs {', '.join(missing)} loaded before it")
        seen.add(name)


def ext4_guest(cache, src, name, cflags=(), deps=()):
    """(kernel, initramfs) of a Linux guest for ext4 on a virtio disk: Debian's bzImage (fetched
    into cache with the virtio and EXT4_MODULES modules, their order checked), and src built with
    `gcc -static` and cflags as /init, the modules beside it in /modules (src loads them). The
    initramfs is cache/name, made again when src or one of deps is newer. Under a lock on
    cache/.lock, as several tests may run it at once."""
    os.makedirs(cache, exist_ok=True)
    with open(os.path.join(cache, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _ext4_guest(cache, src, name, cflags, deps)


def _ext4_guest(cache, src, name, cflags, deps):
    kernel = fetch_kernel(cache, modules=EXT4_MODULES)
    mods = module_paths(cache, kernel, VIRTIO_BLK_MODULES + EXT4_MODULES)
    module_order(mods)
    out = os.path.join(cache, name)
    newest = max(os.path.getmtime(p) for p in [src, *deps])
    if os.path.exists(out) and os.path.getmtime(out) >= newest:
        return kernel, out
    if not shutil.which("cpio"):
        print("(installing cpio with apt-get)", flush=True)
        sh("apt-get", "install", "-y", "-qq", "cpio", stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as root:
        sh("gcc", "-static", "-O2", *cflags, "-o", os.path.join(root, "init"), src)
        os.mkdir(os.path.join(root, "modules"))
        for m in mods:
            shutil.copy(m, os.path.join(root, "modules"))
        names = "init\nmodules\n" + "".join(f"modules/{os.path.basename(m)}\n" for m in mods)
        with open(out + ".tmp", "wb") as f:
            sh("cpio", "-o", "-H", "newc", "--quiet", input=names.encode(), cwd=root, stdout=f)
    os.replace(out + ".tmp", out)
    return kernel, out


def host_tsc_khz():
    """The host's TSC rate in kHz (/proc/cpuinfo's cpu MHz), or None. Under TCG the guest's TSC
    is the host's; given as tsc_early_khz=, it spares Debian's kernel calibrating the TSC against
    the PIT, which on a loaded host fails on microvm (no HPET or ACPI PM timer to fall back on)
    and hangs the boot before its console (blk.py and ext4.py's Linux guests)."""
    m = re.search(r"^cpu MHz\s*:\s*([0-9.]+)", open("/proc/cpuinfo").read(), re.M)
    return int(float(m.group(1)) * 1000) if m else None


def extract_vmlinux(bzimage, out):
    """The ELF vmlinux inside a bzImage whose payload is xz compressed."""
    if os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(bzimage):
        return out
    data = open(bzimage, "rb").read()
    i = data.find(b"\xfd7zXZ\x00")
    if i < 0:
        return None
    elf = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data[i:])
    if elf[:4] != b"\x7fELF":
        return None
    with open(out + ".tmp", "wb") as f:
        f.write(elf)
    os.replace(out + ".tmp", out)
    return out


def build_initramfs(cache):
    src = os.path.join(bl.BENCH_DIR, "linux-init.c")
    out = os.path.join(cache, "initramfs.cpio")
    if os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(src):
        return out, os.path.getsize(os.path.join(cache, "init"))
    if not shutil.which("cpio"):
        print("(installing cpio with apt-get)", flush=True)
        sh("apt-get", "install", "-y", "-qq", "cpio", stdout=subprocess.DEVNULL)
    init = os.path.join(cache, "init")
    sh("gcc", "-static", "-O2", "-o", init, src)
    with tempfile.TemporaryDirectory() as root:
        shutil.copy(init, os.path.join(root, "init"))
        with open(out, "wb") as f:
            sh("cpio", "-o", "-H", "newc", "--quiet", input=b"init\n", cwd=root, stdout=f)
    return out, os.path.getsize(init)


def loaded_bytes(elf):
    """Sum of the PT_LOAD memory sizes of an ELF (readelf -lW)."""
    out = subprocess.run(["readelf", "-lW", elf], capture_output=True, text=True).stdout
    return sum(int(m.group(1), 16) for m in
               re.finditer(r"^\s+LOAD\s+\S+\s+\S+\s+\S+\s+\S+\s+(0x[0-9a-f]+)", out, re.M))


def command(template, kernel, initrd, machine, mem):
    """The runner's QEMU argv for this machine, with the Linux kernel, initrd, append and -m."""
    argv = bl.qemu_command(template, machine, mem=mem)
    argv[argv.index("-kernel") + 1] = kernel
    argv[argv.index("-m") + 1] = mem
    return argv + ["-initrd", initrd, "-append", APPEND]


def boot(argv, timeout):
    t, status, out, err = bl.run_timed(argv, timeout)
    ok = status == bl.QEMU_OK and b"Hello from Linux!" in out
    m = re.search(rb"kernel clock start to /init main (\d+) ns", out)
    return ok, t, (int(m.group(1)) if m else None), status


def smallest_mem(template, kernel, initrd, machine, timeout):
    lo, hi = 16, 256  # MiB: lo assumed to fail, hi to boot (checked)
    if not boot(command(template, kernel, initrd, machine, f"{hi}M"), timeout)[0]:
        return None
    while hi - lo > 8:
        mid = (lo + hi) // 2 // 8 * 8 or lo + 8
        if boot(command(template, kernel, initrd, machine, f"{mid}M"), timeout)[0]:
            hi = mid
        else:
            lo = mid
    return hi


def main():
    if sys.argv[1:2] == ["--fetch"] and len(sys.argv) == 3:
        print(fetch_kernel(sys.argv[2], modules=EXT4_MODULES))
        return
    p = bl.arg_parser(__doc__)
    p.add_argument("--runs", type=int, default=5, help="timed boots per guest (5)")
    p.add_argument("--no-minmem", action="store_true", help="skip the smallest -m search")
    p.add_argument("--timeout", type=int, default=30, help="seconds per Linux boot (30)")
    a = p.parse_args()
    template = bl.example(a.build_dir, "hello")  # any ELF: only for libos-run --dry-run
    cache = os.path.join(a.build_dir, "linux")

    bl.heading("5. For contrast: a minimal Linux guest (Debian kernel + one static /init)")
    bz = fetch_kernel(cache)
    vmlinux = extract_vmlinux(bz, os.path.join(cache, "vmlinux"))
    initrd, init_size = build_initramfs(cache)
    cfg = bz.replace("vmlinuz-", "config-")
    pvh = os.path.exists(cfg) and re.search(r"^CONFIG_PVH=y", open(cfg).read(), re.M)
    print(f"kernel {os.path.basename(bz)}: bzImage {os.path.getsize(bz)} bytes "
          f"({os.path.getsize(bz) / 2**20:.1f} MiB)" +
          (f"; vmlinux {os.path.getsize(vmlinux)} bytes, {loaded_bytes(vmlinux) / 2**20:.1f} MiB "
           f"loaded; CONFIG_PVH={'y' if pvh else 'n'}" if vmlinux else "; no vmlinux (not xz)"))
    print(f"initramfs {os.path.getsize(initrd)} bytes (cpio newc; /init is {init_size} bytes, "
          f"static glibc); -append \"{APPEND}\", -m {MEM}; {a.runs} runs; {bl.load_note()}")

    guests = [("bzImage", "microvm", bz), ("bzImage", "q35", bz)]
    if vmlinux and pvh:
        guests += [("vmlinux PVH", "microvm", vmlinux), ("vmlinux PVH", "q35", vmlinux)]
    for fmt, machine, kernel in guests:
        argv = command(template, kernel, initrd, machine, MEM)
        times, clocks, failed = [], [], []
        for _ in range(a.runs):
            ok, t, clk, status = boot(argv, a.timeout)
            if not ok:
                failed.append("hung" if status is None else f"status {status}")
                continue
            times.append(t)
            if clk is not None:
                clocks.append(clk)
        line = f"  {fmt:<12}{machine:<8} "
        if times:
            med, p10, p90 = bl.summary(times)
            line += f"launch-to-exit {med * 1e3:6.0f} ms (p10 {p10 * 1e3:.0f}, p90 {p90 * 1e3:.0f})"
        else:
            line += "did not boot"
        if clocks:
            line += f"; kernel clock to /init {bl.summary(clocks)[0] / 1e6:.0f} ms"
        if times and not a.no_minmem:
            mm = smallest_mem(template, kernel, initrd, machine, a.timeout)
            line += f"; smallest -m {mm}M" if mm else "; does not boot with 256M"
        print(line)
        if failed:
            print(f"  {'':<20} {len(failed)} of {a.runs} boots failed ({', '.join(failed)}; "
                  f"'hung' = no exit within {a.timeout} s)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""blk.py: raw-disk throughput and IOPS, libos against a minimal Linux guest (figure 9).

usage: blk.py [--build-dir DIR] [--runs N] [--machine M]... [--linux] [--requests] [--timeout S]

Each boot gets a fresh sparse 64 MiB raw image as its one disk (a file in a temporary directory,
so the host's page cache holds it), -m 128M, and the runner's QEMU flags for the machine
(default microvm and q35; from libos-run --dry-run). Guests, booted in turn in every round:
  libos /dev/vda    tests/bench/blk/bench_blkdev.elf: blk/dev.c, open(/dev/vda, O_DIRECT),
                    pread/pwrite/fsync, pthreads
  libos block API   tests/bench/blk/bench_blk.elf: blk/main.c, the same figures through
                    libos/blk.h directly (what the file layer costs on top)
  Linux guest       with --linux: the same blk/dev.c built with gcc -static -pthread as /init of
                    Debian's kernel (linux.py fetches it), with the virtio modules it needs packed
                    beside it; O_DIRECT on /dev/vda, so no guest page cache
Figures (medians of --runs boots, default 3):
  seq write MB/s    32 MiB in 1 MiB writes, then one fsync/flush (counted), 10^6 bytes/s
  seq read MB/s     the same 32 MiB in 1 MiB reads
  IOPS QD1, QD32    2048 reads of 4 KiB at random aligned offsets, from 1 thread / 32 threads
With --requests, where the requests go: libos /dev/vda (and with --linux the Linux guest) is booted
once more per phase (blk/dev.c's arguments seq, qd1, qd32, and none, which only opens the disk)
with QEMU tracing virtio_blk_handle_read/_write (requests the device took), virtio_queue_notify
(kicks that reached it) and virtio_notify (interrupts it sent); the none boot's counts are
subtracted (Linux reads a few sectors at boot). Tracing a notify needs ioeventfd off (with it,
QEMU's memory core signals the eventfd without the trace point), so these boots run with
ioeventfd=off; they are not timed. One more boot per guest runs qd32 under -icount shift=0 (the
guest's clock then counts instructions, 1 ns each): guest instructions per read, where 32 reads
in flight leave the CPU hardly idle (at QD1 the figure would count idle time too).
Goal (with --linux): libos /dev/vda at least the Linux guest's figure on every row. The one flag
that differs: Linux boots microvm with ACPI (QEMU's default), since Debian's kernel finds
virtio-mmio devices only through ACPI (no CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES), while the runner
gives libos acpi=off; and Linux gets tsc_early_khz= (linux.host_tsc_khz: without it its boot
hangs calibrating the TSC on a loaded host). Figures, not assertions. Everything runs under TCG (no hardware KVM here),
which emulates every guest instruction: the figures measure the guests' per-request cost more
than the disk.
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

NAMES = ["seqwrite", "seqread", "randqd1", "randqd32"]
MEM = "128M"  # what the Linux guest needs; libos gets the same
DISK = 64 << 20
ROWS = [("seqwrite", "seq write MB/s"), ("seqread", "seq read MB/s"),
        ("randqd1", "IOPS QD1 (4 KiB)"), ("randqd32", "IOPS QD32 (4 KiB)")]


def linux_guest(build_dir):
    """(kernel, initramfs) for the Linux guest: Debian's bzImage, and blk/dev.c as /init."""
    import linux
    cache = os.path.join(build_dir, "linux")
    kernel = linux.fetch_kernel(cache, modules=True)
    mods = linux.module_paths(cache, kernel)
    src = os.path.join(benchlib.BENCH_DIR, "blk", "dev.c")
    out = os.path.join(cache, "blkdev-initramfs.cpio")
    newest = max(os.path.getmtime(p) for p in [src, os.path.join(benchlib.BENCH_DIR, "bench.h")])
    if os.path.exists(out) and os.path.getmtime(out) >= newest:
        return kernel, out
    if not shutil.which("cpio"):
        print("(installing cpio with apt-get)", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "cpio"], check=True,
                       stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as root:
        subprocess.run(["gcc", "-static", "-O2", "-pthread", "-DBENCH_LINUX_INIT",
                        "-I", benchlib.BENCH_DIR, "-o", os.path.join(root, "init"), src],
                       check=True)
        os.mkdir(os.path.join(root, "modules"))
        for m in mods:
            shutil.copy(m, os.path.join(root, "modules"))
        names = "init\nmodules\n" + "".join(f"modules/{os.path.basename(m)}\n" for m in mods)
        with open(out + ".tmp", "wb") as f:
            subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], input=names.encode(),
                           cwd=root, stdout=f, check=True)
    os.replace(out + ".tmp", out)
    return kernel, out


TRACE = ["virtio_blk_handle_read", "virtio_blk_handle_write", "virtio_queue_notify",
         "virtio_notify"]
PHASES = ["none", "seq", "qd1", "qd32"]


def command(image, machine, disk, linux=None):
    """The runner's QEMU argv for image with disk as vda; for linux=(kernel, initrd), the same
    with the Linux kernel, its initramfs and command line (and ACPI on microvm)."""
    cmd = benchlib.qemu_command(image, machine=machine, mem=MEM)
    dev = "virtio-blk-device" if machine == "microvm" else "virtio-blk-pci"
    i = cmd.index("-kernel")
    cmd[i:i] = ["-drive", f"file={disk},if=none,id=d0,format=raw", "-device", f"{dev},drive=d0"]
    if linux:
        cmd[cmd.index("-kernel") + 1] = linux[0]
        cmd[cmd.index("-M") + 1] = machine  # microvm: ACPI on, for virtio-mmio discovery
        if "-append" in cmd:
            j = cmd.index("-append")
            del cmd[j:j + 2]
        import linux as lx
        khz = lx.host_tsc_khz()
        cmd += ["-initrd", linux[1], "-append",
                "console=ttyS0 quiet panic=-1" + (f" tsc_early_khz={khz}" if khz else "")]
    return cmd


def traced(cmd, machine, phase, disk, timeout, icount=False):
    """Counts of the TRACE events in one boot running only phase (blk/dev.c's argument); with
    icount, that boot's figures under -icount shift=0 instead."""
    cmd = list(cmd)
    dev = "virtio-mmio" if machine == "microvm" else "virtio-blk-pci"
    i = cmd.index("-kernel")
    if icount:
        cmd[i:i] = ["-icount", "shift=0,sleep=on"]
    else:
        cmd[i:i] = ["-global", f"{dev}.ioeventfd=off"] + [a for t in TRACE for a in ("-trace", t)]
    if "-append" in cmd:
        cmd[cmd.index("-append") + 1] += " -- " + phase
    else:
        cmd += ["-append", "-- " + phase]  # libos: as libos-run passes guest arguments
    for attempt in range(2):  # Linux sometimes hangs early in boot under TCG: once more
        with open(disk, "wb") as f:
            f.truncate(DISK)
        _, status, out, err = benchlib.run_timed(cmd, timeout)
        if status == benchlib.QEMU_OK:
            break
        what = "linux" if "-initrd" in cmd else "libos"
        print(f"  ({what}, {phase}{', icount' if icount else ', traced'}: a boot failed, QEMU "
              f"status {status}{', no exit in time' if status is None else ''}; "
              f"{'trying again' if attempt == 0 else 'left out'})", flush=True)
    else:
        return None
    if icount:
        return benchlib.parse_figures(out.decode(errors="replace"), NAMES)
    counts = dict.fromkeys(TRACE, 0)
    for line in err.decode(errors="replace").splitlines():
        for t in TRACE:
            if (t + " ") in line:
                counts[t] += 1
    return counts


def requests_report(machine, cmds, disk, timeout):
    """Requests, kicks and interrupts per MiB or per read, per phase, for each guest."""
    per = {}
    for g, cmd in cmds.items():
        c = {ph: traced(cmd, machine, ph, disk, timeout) for ph in PHASES}
        nan = dict.fromkeys(TRACE, float("nan"))
        c = {ph: c[ph] or nan for ph in PHASES}
        d = {ph: {t: c[ph][t] - c["none"][t] for t in TRACE} for ph in PHASES[1:]}
        seq, mib = d["seq"], 32
        per[g] = [
            ("seq write: requests per MiB", seq["virtio_blk_handle_write"] / mib),
            ("seq read: requests per MiB", seq["virtio_blk_handle_read"] / mib),
            ("seq: kicks per MiB", seq["virtio_queue_notify"] / (2 * mib)),
            ("seq: interrupts per MiB", seq["virtio_notify"] / (2 * mib)),
        ]
        for ph, label in [("qd1", "QD1"), ("qd32", "QD32")]:
            n = 2048
            per[g] += [(f"{label}: requests per read", d[ph]["virtio_blk_handle_read"] / n),
                       (f"{label}: kicks per read", d[ph]["virtio_queue_notify"] / n),
                       (f"{label}: interrupts per read", d[ph]["virtio_notify"] / n)]
        ic = traced(cmd, machine, "qd32", disk, timeout, icount=True) or {}
        per[g].append(("QD32: instructions per read", ic.get("randqd32", float("nan"))))
    guests = list(per)
    print(f"{machine + ' (QEMU trace)':<30s}" + "".join(f"{g:>17s}" for g in guests))
    for k, (label, _) in enumerate(per[guests[0]]):
        fmt = "17.0f" if "instructions" in label else "17.2f"
        print(f"{label:<30s}" + "".join(f"{per[g][k][1]:{fmt}}" for g in guests))


def boot(cmd, disk, timeout):
    with open(disk, "wb") as f:
        f.truncate(DISK)
    _, status, out, err = benchlib.run_timed(cmd, timeout)
    text = out.decode(errors="replace")
    figures = benchlib.parse_figures(text, NAMES)
    if status != benchlib.QEMU_OK or len(figures) != len(NAMES):
        sys.exit(f"blk.py: a run failed (QEMU status {status}): {cmd[cmd.index('-kernel') + 1]}\n"
                 f"{(text + err.decode(errors='replace'))[-600:]}")
    return figures


def value(name, ns):
    """MB/s from ns per MiB, or operations per second from ns per operation."""
    return (1 << 20) / (ns / 1e9) / 1e6 if name.startswith("seq") else 1e9 / ns


def main():
    p = benchlib.arg_parser(__doc__)
    p.add_argument("--runs", type=int, default=3, help="boots per guest and machine (3)")
    p.add_argument("--machine", action="append", help="microvm and/or q35 (default both)")
    p.add_argument("--linux", action="store_true", help="add the minimal Linux guest")
    p.add_argument("--requests", action="store_true",
                   help="also count requests, kicks and interrupts per phase (QEMU tracing)")
    p.add_argument("--timeout", type=int, default=120, help="seconds per boot (120)")
    args = p.parse_args()
    images = {}
    for label, name in [("libos /dev/vda", "bench_blkdev"), ("libos block API", "bench_blk")]:
        images[label] = os.path.join(args.build_dir, "tests", "bench", "blk", name + ".elf")
        if not os.path.isfile(images[label]):
            sys.exit(f"blk.py: {images[label]} is missing: run tests/bench/run or pass "
                     f"--build-dir")
    benchlib.heading("9. Block devices (blk.py): raw /dev/vda on virtio-blk, a 64 MiB raw image")
    linux = linux_guest(args.build_dir) if args.linux else None
    guests = list(images) + (["Linux guest"] if linux else [])
    print(f"{benchlib.load_note()}; -m {MEM}; median of {args.runs} boots per guest, "
          f"guests alternating")
    tmp = tempfile.mkdtemp(prefix="libos-bench-blk-")
    try:
        disk = os.path.join(tmp, "vda.img")
        for machine in args.machine or ["microvm", "q35"]:
            cmds = {g: command(images[g], machine, disk) for g in images}
            if linux:
                cmds["Linux guest"] = command(images["libos /dev/vda"], machine, disk, linux)
            runs = {g: [] for g in guests}
            for _ in range(args.runs):
                for g in guests:
                    runs[g].append(boot(cmds[g], disk, args.timeout))
            med = {g: benchlib.median_figures(runs[g], NAMES) for g in guests}
            print()
            head = f"{machine:<18s}" + "".join(f"{g:>17s}" for g in guests)
            if linux:
                head += f"{'libos/Linux':>13s}  goal (>= Linux)"
            print(head)
            for name, label in ROWS:
                v = {g: value(name, med[g][name]) for g in guests}
                line = f"{label:<18s}" + "".join(f"{v[g]:17.0f}" for g in guests)
                if linux:
                    ratio = v["libos /dev/vda"] / v["Linux guest"]
                    line += f"{ratio:12.2f}x  {benchlib.verdict(ratio >= 1)}"
                print(line)
            if args.requests:
                print()
                requests_report(machine, {g: cmds[g] for g in cmds if g != "libos block API"},
                                disk, min(args.timeout, 60))
    finally:
        shutil.rmtree(tmp)
    if not linux:
        print("(tests/bench/run --linux, or blk.py --linux, adds the Linux guest and the goal)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""ext4.py: files on an ext4 disk, libos against a minimal Linux guest (figure 13).

usage: ext4.py [--build-dir DIR] [--runs N] [--quick] [--linux] [--machine M]... [--timeout S]

One C program, tests/bench/ext4/main.c, booted with the runner's QEMU flags (libos-run
--dry-run), -m 128M, TCG, default machine microvm:
  libos       bench_ext4.elf (DEVICES ext4), the disk mounted with libos.mount=vda:/data
  Linux guest with --linux: the same main.c built with gcc -static as /init of Debian's kernel
              (linux.py fetches it), with the virtio, ext4, jbd2, mbcache, crc16 and crc32c_generic
              modules packed beside it; it mounts /dev/vda on /data as ext4 (the kernel's defaults:
              journal, data=ordered) and unmounts it at the end
Each run makes one image with `mke2fs -q -F -t ext4 -E lazy_itable_init=0,lazy_journal_init=0`
(512 MiB; 128 MiB with --quick; nothing is left for Linux's lazy init thread to do in the
background) and gives each guest a fresh sparse copy of it. Three boots per guest and run, so
that both guests read cold (a fresh boot drops every cache): write (the big file, the 1,000
files, the fsync latencies), seqread, rand. Figures (medians of --runs, default 1):
  seq write MiB/s    256 MiB (--quick: 32) in 1 MiB write()s, then one fsync
  seq read MiB/s     the same file in 1 MiB read()s, cold
  rand read IOPS     2,000 (--quick: 500) 4 KiB pread()s at aligned offsets, fixed seed, cold
  files/s            1,000 files of 100 bytes: open(O_CREAT|O_EXCL), write, fsync, close
  fsync p50/p99 us   200 appends of 64 bytes, each with fsync
Figures, not assertions. TCG emulates every guest instruction: the figures measure the guests'
cost per call more than the disk (a file in the host's page cache).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

MEM = "128M"  # what the Linux guest needs; libos gets the same
PHASES = {"write": ["seqwrite", "files", "fsyncp50", "fsyncp99"], "seqread": ["seqread"],
          "rand": ["rand"]}
NAMES = [n for names in PHASES.values() for n in names]
ROWS = [("seqwrite", "seq write MiB/s", True), ("seqread", "seq read MiB/s", True),
        ("rand", "rand read IOPS", True), ("files", "files/s", True),
        ("fsyncp50", "fsync p50 us", False), ("fsyncp99", "fsync p99 us", False)]


def linux_guest(build_dir):
    """(kernel, initramfs) for the Linux guest: Debian's bzImage, and ext4/main.c as /init."""
    import linux
    return linux.ext4_guest(os.path.join(build_dir, "linux"),
                            os.path.join(benchlib.BENCH_DIR, "ext4", "main.c"), "ext4-initramfs.cpio",
                            ["-DBENCH_LINUX_INIT", "-I", benchlib.BENCH_DIR],
                            [os.path.join(benchlib.BENCH_DIR, "bench.h")])


def command(image, machine, disk, args, linux=None):
    """The runner's QEMU argv for image with disk as vda and guest arguments args; for
    linux=(kernel, initrd), the same with the Linux kernel, its initramfs and command line (and
    ACPI on microvm, as blk.py explains)."""
    cmd = benchlib.qemu_command(image, machine=machine, mem=MEM,
                                guest_args=["libos.mount=vda:/data"] + args)
    dev = "virtio-blk-device" if machine == "microvm" else "virtio-blk-pci"
    i = cmd.index("-kernel")
    cmd[i:i] = ["-drive", f"file={disk},if=none,id=d0,format=raw", "-device", f"{dev},drive=d0"]
    if linux:
        cmd[cmd.index("-kernel") + 1] = linux[0]
        cmd[cmd.index("-M") + 1] = machine
        j = cmd.index("-append")
        del cmd[j:j + 2]
        import linux as lx
        khz = lx.host_tsc_khz()
        tsc = f" tsc_early_khz={khz}" if khz else ""
        cmd += ["-initrd", linux[1], "-append",
                f"console=ttyS0 quiet panic=-1{tsc} -- " + " ".join(args)]
    return cmd


def boot(cmd, phase, timeout):
    for attempt in range(3):  # Linux sometimes hangs early in boot under TCG: again
        _, status, out, err = benchlib.run_timed(cmd, timeout)
        text = out.decode(errors="replace")
        figures = benchlib.parse_figures(text, PHASES[phase])
        if status == benchlib.QEMU_OK and len(figures) == len(PHASES[phase]):
            m = re.search(r"bench_ext4: clocksource (\S+)", text)
            if m and m.group(1) != "tsc":
                print(f"  (Linux guest, {phase}: its clocksource was {m.group(1)}, not tsc: "
                      f"its figures in this boot are coarse)", flush=True)
            return figures
        if status is not None or attempt == 2:
            break
        last = (text.strip().splitlines() or ["nothing"])[-1][:100]
        print(f"  ({phase}: no exit within {timeout} s, the console's last line: {last!r}; "
              f"trying again)", flush=True)
    sys.exit(f"ext4.py: the {phase} boot failed (QEMU status {status}): "
             f"{cmd[cmd.index('-kernel') + 1]}\n{(text + err.decode(errors='replace'))[-800:]}")


def value(name, ns, mib):
    if name.startswith("seq"):
        return (1 << 20) / (ns / 1e9) / (1 << 20)  # MiB/s from ns per MiB
    if name.startswith("fsync"):
        return ns / 1e3
    return 1e9 / ns


def main():
    p = benchlib.arg_parser(__doc__)
    p.add_argument("--runs", type=int, default=1, help="runs (fresh images) per machine (1)")
    p.add_argument("--quick", action="store_true", help="32 MiB and 500 random reads")
    p.add_argument("--machine", action="append", help="microvm and/or q35 (default microvm)")
    p.add_argument("--linux", action="store_true", help="add the minimal Linux guest")
    p.add_argument("--timeout", type=int, default=120, help="seconds per boot (120)")
    a = p.parse_args()
    mib, reads, size = (32, 500, "128M") if a.quick else (256, 2000, "512M")
    image = os.path.join(a.build_dir, "tests", "bench", "ext4", "bench_ext4.elf")
    if not os.path.isfile(image):
        sys.exit(f"ext4.py: {image} is missing: run tests/bench/run or pass --build-dir")
    if not shutil.which("mke2fs"):
        sys.exit("ext4.py: needs mke2fs (e2fsprogs) on the host")
    benchlib.heading(f"13. Files on ext4 (ext4.py): a fresh {size} ext4 image, {mib} MiB file")
    linux = linux_guest(a.build_dir) if a.linux else None
    guests = ["libos"] + (["Linux guest"] if linux else [])
    print(f"{benchlib.load_note()}; -m {MEM}; median of {a.runs} run(s); 3 boots per guest and "
          f"run (write, seqread, rand), so reads start cold")
    tmp = tempfile.mkdtemp(prefix="libos-bench-ext4-")
    try:
        tmpl, disk = os.path.join(tmp, "template.img"), os.path.join(tmp, "vda.img")
        for machine in a.machine or ["microvm"]:
            runs = {g: [] for g in guests}
            for _ in range(a.runs):
                if os.path.exists(tmpl):
                    os.unlink(tmpl)
                subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-E",
                                "lazy_itable_init=0,lazy_journal_init=0", tmpl, size],
                               check=True, stdout=subprocess.DEVNULL)
                for g in guests:
                    subprocess.run(["cp", "--sparse=always", tmpl, disk], check=True)
                    figures = {}
                    for phase in PHASES:
                        cmd = command(image, machine, disk, [phase, str(mib), str(reads)],
                                      linux if g != "libos" else None)
                        figures.update(boot(cmd, phase, a.timeout))
                    fsck = subprocess.run(["e2fsck", "-fn", disk], capture_output=True,
                                          text=True)
                    if fsck.returncode != 0:
                        print(f"  ({g}: e2fsck -fn finds the image not clean: "
                              f"{fsck.stdout.strip().splitlines()[-1:]})")
                    runs[g].append(figures)
            med = {g: benchlib.median_figures(runs[g], NAMES) for g in guests}
            print()
            head = f"{machine:<18s}" + "".join(f"{g:>14s}" for g in guests)
            if linux:
                head += f"{'libos/Linux':>13s}  goal (>= Linux)"
            print(head)
            losses = []
            for name, label, higher in ROWS:
                v = {g: value(name, med[g][name], mib) for g in guests}
                line = f"{label:<18s}" + "".join(f"{v[g]:14.1f}" for g in guests)
                if linux:
                    ratio = (v["libos"] / v["Linux guest"] if higher
                             else v["Linux guest"] / v["libos"])
                    line += f"{ratio:12.2f}x  {benchlib.verdict(ratio >= 1)}"
                    if ratio < 1:
                        losses.append(label)
                print(line)
            if linux:
                print("(ratio: libos's speed over Linux's; for the latencies Linux's over "
                      "libos's, so above 1 is libos ahead on every row)")
            if losses:
                print(f"where libos loses ({', '.join(losses)}): see tests/bench/README.md, "
                      f"section 13")
    finally:
        shutil.rmtree(tmp)
    if not linux:
        print("(tests/bench/run --linux, or ext4.py --linux, adds the Linux guest and the goal)")


if __name__ == "__main__":
    main()

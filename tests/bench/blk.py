#!/usr/bin/env python3
"""blk.py: block-device throughput through libos/blk.h (figure 9).

usage: blk.py [--build-dir DIR] [--runs N] [--machine M]...

Boots tests/bench/blk/bench_blk.elf (build tree: tests/bench/blk/) with a fresh 64 MiB raw image
as vda (a file in a temporary directory, so the host's page cache holds it) and prints, as the
median of --runs boots per machine (default microvm and q35):
  sequential write MB/s  32 MiB in 1 MiB calls, then one flush (counted)
  sequential read MB/s   the same 32 MiB in 1 MiB calls
  4 KiB random-read IOPS at queue depth 1 (one thread) and 32 (32 threads at once)
Figures, not assertions. libos runs under TCG here (no hardware KVM), which emulates the guest's
every instruction: compare machines and queue depths with each other, not with hardware.
"""
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

NAMES = ["seqwrite", "seqread", "randqd1", "randqd32"]


def main():
    p = benchlib.arg_parser(__doc__)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--machine", action="append")
    args = p.parse_args()
    image = os.path.join(args.build_dir, "tests", "bench", "blk", "bench_blk.elf")
    if not os.path.isfile(image):
        sys.exit(f"blk.py: {image} is missing: run tests/bench/run or pass --build-dir")
    benchlib.heading("9. Block devices (blk.py): libos/blk.h on virtio-blk, a 64 MiB raw image")
    print(benchlib.load_note())
    print(f"{'machine':8s} {'seq write MB/s':>15s} {'seq read MB/s':>14s} "
          f"{'IOPS QD1':>9s} {'IOPS QD32':>10s}")
    tmp = tempfile.mkdtemp(prefix="libos-bench-blk-")
    try:
        disk = os.path.join(tmp, "vda.img")
        for machine in args.machine or ["microvm", "q35"]:
            runs = []
            for _ in range(args.runs):
                with open(disk, "wb") as f:
                    f.truncate(64 << 20)
                cmd = benchlib.qemu_command(image, machine=machine, mem="64M")
                dev = "virtio-blk-device" if machine == "microvm" else "virtio-blk-pci"
                i = cmd.index("-kernel")
                cmd[i:i] = ["-drive", f"file={disk},if=none,id=d0,format=raw", "-device",
                            f"{dev},drive=d0"]
                _, status, out, err = benchlib.run_timed(cmd, 300)
                if status != benchlib.QEMU_OK:
                    sys.exit(f"blk.py: the run on {machine} failed (QEMU status {status}): "
                             f"{(out + err).decode()[-300:]}")
                runs.append(benchlib.parse_figures(out.decode(), NAMES))
            m = benchlib.median_figures(runs, NAMES)
            mbs = lambda ns_per_mib: (1 << 20) / (ns_per_mib / 1e9) / 1e6  # noqa: E731
            iops = lambda ns: 1e9 / ns  # noqa: E731
            print(f"{machine:8s} {mbs(m['seqwrite']):15.0f} {mbs(m['seqread']):14.0f} "
                  f"{iops(m['randqd1']):9.0f} {iops(m['randqd32']):10.0f}")
    finally:
        shutil.rmtree(tmp)
    print("(median of %d boots each; for contrast, FACTS.md: a minimal Linux guest's raw disk "
          "here, 353 MiB/s write+fsync, 1028 MiB/s read)" % args.runs)


if __name__ == "__main__":
    main()

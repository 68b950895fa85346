#!/usr/bin/env python3
"""hosted.py: what compiling an app as hosted C changes (figure 15).

usage: tests/bench/hosted.py [--build-dir DIR] [--runs N]

Builds hosted/hosted.c with the build tree's libos-cc at -O2 twice, as apps are compiled now
(hosted: builtins on) and with -ffreestanding (as they were: -fno-builtin), boots each N times
(default 3) and prints the medians of its loops' times: sqrt and fabs 5M times, memcpy of 16
bytes and memset of 32 bytes 5M times, memcpy of 4 KiB 100k times. Figures, not assertions.
"""
import os
import statistics
import subprocess
import tempfile

import benchlib as bl

NAMES = ["sqrt", "fabs", "memcpy16", "memset32", "memcpy4k"]


def main():
    p = bl.arg_parser(__doc__)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    cc = os.path.join(os.path.abspath(args.build_dir), "libos-cc")
    src = os.path.join(bl.BENCH_DIR, "hosted", "hosted.c")
    bl.heading("Figure 15: apps compiled hosted (builtins) vs -ffreestanding, seconds under TCG")
    res = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, flags in [("-ffreestanding", ["-ffreestanding"]), ("hosted", [])]:
            img = os.path.join(tmp, label.strip("-"))
            subprocess.run([cc, "-O2", *flags, "-o", img, src], check=True)
            runs = []
            for _ in range(args.runs):
                _, status, out, _ = bl.run_timed(bl.qemu_command(img), 300)
                runs.append({k: float(v) for k, v in (line.split() for line in out.decode().splitlines()
                                                       if line.split()[:1] and line.split()[0] in NAMES)})
            res[label] = {n: statistics.median(r[n] for r in runs) for n in NAMES}
    print(f"{'loop':12s}{'-ffreestanding':>16s}{'hosted':>10s}{'ratio':>8s}")
    for n in NAMES:
        a, b = res["-ffreestanding"][n], res["hosted"][n]
        print(f"{n:12s}{a:16.3f}{b:10.3f}{a / b:8.2f}")
    print(bl.load_note())


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""strings.py: newlib's string and memory functions, -Os against -O2, and rep movsb / rep stosb
against loops, under TCG (figure 16).

usage: tests/bench/strings.py [--build-dir DIR] [--runs N]

Builds strings/strings.c with the build tree's libos-cc at -O2 twice, linked with newlib's size
build (-libos-optimize=size: newlib at -Os, as hello) and its speed build (the default: newlib at
-O2), boots each N times (default 3) and prints the median ns per call of each function at each
size, side by side. The x86_64 candidates in strings.c (rep_movsb, rep_movsq, loop16, rep_stosb)
are the same code in both images: one column is enough for them. Figures, not assertions.
"""
import os
import statistics
import subprocess
import tempfile

import benchlib as bl


def main():
    p = bl.arg_parser(__doc__)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    cc = os.path.join(os.path.abspath(args.build_dir), "libos-cc")
    src = os.path.join(bl.BENCH_DIR, "strings", "strings.c")
    bl.heading("Figure 16: newlib's string functions at -Os and -O2, ns per call under TCG")
    res, order = {}, []
    with tempfile.TemporaryDirectory() as tmp:
        for variant in ("size", "speed"):
            img = os.path.join(tmp, variant)
            subprocess.run([cc, "-O2", "-libos-optimize=" + variant, "-o", img, src], check=True)
            runs = []
            for _ in range(args.runs):
                _, status, out, _ = bl.run_timed(bl.qemu_command(img), 300)
                if status != bl.QEMU_OK:
                    raise SystemExit(f"strings.py: the {variant} image failed (status {status})")
                r = {}
                for line in out.decode().splitlines():
                    w = line.split()
                    if len(w) == 3 and w[1].isdigit():
                        r[(w[0], int(w[1]))] = float(w[2])
                        if variant == "size" and not runs and (w[0], int(w[1])) not in order:
                            order.append((w[0], int(w[1])))
                runs.append(r)
            res[variant] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"{'function':18s}{'bytes':>7s}{'-Os ns':>12s}{'-O2 ns':>12s}{'ratio':>8s}")
    for name, n in sorted(order, key=lambda k: (order.index((k[0], 8)) if (k[0], 8) in order else 0, k[1])):
        a, b = res["size"][(name, n)], res["speed"][(name, n)]
        if name.startswith(("rep_", "loop")):
            print(f"{name:18s}{n:7d}{a:12.1f}{'':>12s}{'':>8s}")
        else:
            print(f"{name:18s}{n:7d}{a:12.1f}{b:12.1f}{a / b:8.2f}")
    print(bl.load_note())


if __name__ == "__main__":
    main()

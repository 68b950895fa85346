#!/usr/bin/env python3
"""malloc.py: what malloc, free and realloc cost in libos (newlib's malloc), next to Linux allocators.

usage: malloc.py [--build-dir DIR] [--runs N] [--compare-build DIR] [--preload NAME=LIB]...

tests/bench/malloc/main.c is built twice: as a libos image (build tree:
tests/bench/malloc/bench_malloc.elf) and natively with the host's gcc -O2, run pinned to one CPU
(taskset -c 0) with glibc's malloc and with every other allocator found: Debian's mimalloc
(package libmimalloc2.0) and each --preload NAME=/path/to/lib.so, through LD_PRELOAD.
Figures, in ns per operation (see main.c): small (malloc(32) + free), churn (free a random
block of a 1024-block working set, 16 B..4 KiB, and allocate another), realloc (16 buffers
growing to 64 KiB by 1..256 bytes).
libos runs under TCG (no hardware KVM here), which emulates every guest instruction; the
-icount shift=0 row counts guest instructions per operation (1 ns each), a repeatable measure
of the allocator's own work. --compare-build adds the same rows for the image of another build
tree (e.g. one configured with -DLIBOS_NEWLIB_DIR= an unpatched newlib, to see what the heap
checks cost). Medians of --runs runs. Figures only: nothing is asserted.
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
NAMES = ["small", "churn", "realloc"]
NATIVE_SCALE = 20  # native runs are ~100x faster than TCG: more operations for steadier figures
DEBIAN_MIMALLOC = "/usr/lib/x86_64-linux-gnu/libmimalloc.so.2"


def parse(out):
    return benchlib.parse_figures(out, NAMES)


def medians(runs):
    return benchlib.median_figures(runs, NAMES)


def run_libos(image, runs, extra=()):
    cmd = benchlib.qemu_command(image, mem="64M", extra=extra)
    results = []
    for _ in range(runs):
        _, status, out, err = benchlib.run_timed(cmd, 300)
        if status != benchlib.QEMU_OK:
            sys.exit(f"malloc.py: the libos run failed (QEMU status {status}): {out.decode()[-300:]}"
                     f"{err.decode()[-300:]}")
        results.append(parse(out.decode()))
    return medians(results)


def run_native(exe, runs, preload=None):
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    env = dict(os.environ)
    if preload:
        env["LD_PRELOAD"] = preload
    results = [parse(subprocess.run(pin + [exe, str(NATIVE_SCALE)], check=True, capture_output=True,
                                    text=True, env=env).stdout) for _ in range(runs)]
    return medians(results)


def main():
    ap = benchlib.arg_parser(__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--compare-build", help="another build tree whose bench_malloc image to show too")
    ap.add_argument("--preload", action="append", default=[], metavar="NAME=LIB",
                    help="one more allocator for the native rows, preloaded")
    args = ap.parse_args()

    def image_of(build):
        path = os.path.join(build, "tests", "bench", "malloc", "bench_malloc.elf")
        if not os.path.isfile(path):
            sys.exit(f"malloc.py: {path} is missing: run tests/bench/run or pass --build-dir")
        return path

    rows = []  # (label, figures)
    builds = [("libos", args.build_dir)] + ([("libos (compare)", args.compare_build)]
                                             if args.compare_build else [])
    benchlib.heading("8. malloc, free, realloc (ns per operation)")
    print(f"{args.runs} runs each, medians; {benchlib.load_note()}")
    for label, build in builds:
        image = image_of(build)
        rows.append((f"{label} TCG", run_libos(image, args.runs)))
        rows.append((f"{label} instr.", run_libos(image, 1, extra=["-icount", "shift=0"])))

    tmp = tempfile.mkdtemp()
    try:
        exe = os.path.join(tmp, "bench_malloc")
        subprocess.run(["gcc", "-O2", "-o", exe, os.path.join(HERE, "malloc", "main.c")], check=True)
        rows.append(("Linux glibc", run_native(exe, args.runs)))
        preloads = ([("mimalloc (Debian)", DEBIAN_MIMALLOC)] if os.path.exists(DEBIAN_MIMALLOC) else [])
        preloads += [tuple(p.split("=", 1)) for p in args.preload]
        for name, lib in preloads:
            rows.append((f"Linux {name}", run_native(exe, args.runs, preload=lib)))
    finally:
        shutil.rmtree(tmp)

    print(f"  {'':36}" + "".join(f"{n:>10}" for n in NAMES))
    for label, fig in rows:
        print(f"  {label:36}" + "".join(f"{fig[n]:10.1f}" for n in NAMES))
    print("  ('instr.' is -icount shift=0: guest instructions per operation. Linux rows: gcc -O2,"
          " native, pinned to one CPU, LD_PRELOAD for other allocators"
          + ("" if os.path.exists(DEBIAN_MIMALLOC) else "; apt-get install libmimalloc2.0 adds mimalloc")
          + ")")


if __name__ == "__main__":
    main()

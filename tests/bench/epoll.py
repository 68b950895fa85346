#!/usr/bin/env python3
"""epoll.py: the cost of one readiness check with N fds watched and 1 ready, epoll_wait vs poll.

usage: epoll.py [--build-dir DIR] [--runs N]

tests/bench/epoll/main.c is built twice: as a libos image (build tree:
tests/bench/epoll/bench_epoll.elf, booted with --mem 64M) and natively with the host's gcc and
glibc, run pinned to one CPU. For N = 10, 100, 1000 pipes watched, one of them holding a byte:
ns per epoll_wait (level-triggered, timeout 0, so every call reports the one ready pipe) and ns
per poll over the same N fds. epoll_wait should stay flat as N grows (it asks only the ready
items); poll grows with N. Then "wake": N threads asleep in poll() on a pipe each, ns per round
trip to one of them (main writes its pipe, it answers on another): flat when a write wakes only
the pollers of its pipe. No goal: figures that show the shape.
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = [10, 100, 1000]
NAMES = [f"{k}_{n}" for n in SIZES for k in ("epoll", "poll", "wake")]


def run_libos(image, runs, extra=()):
    cmd = benchlib.qemu_command(image, mem="64M", extra=extra)
    results = []
    for _ in range(runs):
        _, status, out, err = benchlib.run_timed(cmd, 300)
        if status != benchlib.QEMU_OK:
            sys.exit(f"epoll.py: the libos run failed (QEMU status {status}): {err.decode()[-300:]}")
        results.append(benchlib.parse_figures(out.decode(), NAMES))
    return benchlib.median_figures(results, NAMES)


def run_linux(runs):
    tmp = tempfile.mkdtemp()
    try:
        exe = os.path.join(tmp, "bench_epoll")
        subprocess.run(["gcc", "-O2", "-pthread", "-o", exe, os.path.join(HERE, "epoll", "main.c")],
                       check=True)
        pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
        results = [benchlib.parse_figures(
            subprocess.run(pin + [exe], check=True, capture_output=True, text=True).stdout, NAMES)
            for _ in range(runs)]
        return benchlib.median_figures(results, NAMES)
    finally:
        shutil.rmtree(tmp)


def main():
    ap = benchlib.arg_parser(__doc__)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    image = os.path.join(args.build_dir, "tests", "bench", "epoll", "bench_epoll.elf")
    if not os.path.isfile(image):
        sys.exit(f"epoll.py: {image} is missing: run tests/bench/run or pass --build-dir")

    benchlib.heading("10. Readiness: epoll_wait vs poll with N watched, 1 ready (ns per call)")
    print(f"{args.runs} runs each, medians; {benchlib.load_note()}")
    tcg = run_libos(image, args.runs)
    icount = run_libos(image, 1, extra=["-icount", "shift=0"])
    linux = run_linux(args.runs)
    print(f"  {'N':>5} {'call':>10} {'libos TCG':>11} {'libos instr.':>13} {'Linux native':>13}")
    for n in SIZES:
        for k in ("epoll_wait", "poll", "wake"):
            name = f"{k.split('_')[0]}_{n}"
            print(f"  {n:5} {k:>10} {tcg[name]:11.1f} {icount[name]:13.0f} {linux[name]:13.1f}")
    print("  (wake: ns per round trip to 1 of N threads asleep in poll; 'libos instr.' is -icount"
          " shift=0: guest instructions per call; Linux: gcc -O2, glibc)")


if __name__ == "__main__":
    main()

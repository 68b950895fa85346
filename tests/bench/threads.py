#!/usr/bin/env python3
"""threads.py: what threads cost in libos, next to the same program on the host's Linux.

usage: threads.py [--build-dir DIR] [--runs N] [--idle-seconds S]

tests/bench/threads/main.c is built twice: as a libos image (build tree:
tests/bench/threads/bench_threads.elf) and natively with the host's gcc and glibc pthreads, run
pinned to one CPU (taskset -c 0) because libos has one. Figures, in ns per operation:
  yield    a thread switch (two threads taking turns through sched_yield)
  create   pthread_create + pthread_join of a thread that returns at once
  mutex    an uncontended pthread_mutex_lock + unlock
  condvar  a round trip between two threads through two condition variables
libos runs under TCG (no hardware KVM here), which emulates every guest instruction; the
-icount shift=0 row makes the guest clock count instructions (1 ns each), a repeatable measure
of the work itself. Then an idle guest (a thread asleep for --idle-seconds) and the host CPU time
QEMU used meanwhile, less that of the same image asleep for 1 s (start-up, exit and the
one-time calibrations), which gives the cost of steady idling.

Goals: switches and create+join at least 10x cheaper than Linux native; idle host CPU under 1%.
"""
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
NAMES = ["yield", "create", "mutex", "condvar"]


def parse(out):
    return benchlib.parse_figures(out, NAMES)


def medians(runs):
    return benchlib.median_figures(runs, NAMES)


def run_libos(image, runs, extra=()):
    cmd = benchlib.qemu_command(image, extra=extra)
    results = []
    for _ in range(runs):
        _, status, out, err = benchlib.run_timed(cmd, 120)
        if status != benchlib.QEMU_OK:
            sys.exit(f"threads.py: the libos run failed (QEMU status {status}): {err.decode()[-300:]}")
        results.append(parse(out.decode()))
    return medians(results)


def run_linux(runs):
    tmp = tempfile.mkdtemp()
    try:
        exe = os.path.join(tmp, "bench_threads")
        subprocess.run(["gcc", "-O2", "-pthread", "-o", exe, os.path.join(HERE, "threads", "main.c")],
                       check=True)
        pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
        results = [parse(subprocess.run(pin + [exe], check=True, capture_output=True, text=True).stdout)
                   for _ in range(runs)]
        return medians(results), bool(pin)
    finally:
        shutil.rmtree(tmp)


def idle_cost(image, seconds):
    """Wall and host CPU seconds (user + system) of a guest asleep for `seconds`."""
    cmd = benchlib.qemu_command(image, guest_args=["idle", str(seconds)])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=seconds + 60)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != benchlib.QEMU_OK:
        sys.exit(f"threads.py: the idle run failed (QEMU status {p.returncode})")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    ap = benchlib.arg_parser(__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--idle-seconds", type=int, default=10)
    args = ap.parse_args()
    image = os.path.join(args.build_dir, "tests", "bench", "threads", "bench_threads.elf")
    if not os.path.isfile(image):
        sys.exit(f"threads.py: {image} is missing: run tests/bench/run or pass --build-dir")

    benchlib.heading("6. Threads: switch, create+join, mutex, condition variable (ns per operation)")
    print(f"{args.runs} runs each, medians; {benchlib.load_note()}")
    tcg = run_libos(image, args.runs)
    icount = run_libos(image, 1, extra=["-icount", "shift=0"])
    linux, pinned = run_linux(args.runs)
    print(f"  {'':9} {'libos TCG':>11} {'libos instr.':>13} {'Linux native':>13}   Linux / libos TCG")
    for n in NAMES:
        print(f"  {n:9} {tcg[n]:11.1f} {icount[n]:13.0f} {linux[n]:13.1f}   {linux[n] / tcg[n]:8.1f}x")
    print(f"  (Linux: glibc pthreads, gcc -O2, {'pinned to CPU 0' if pinned else 'not pinned: no taskset'};"
          f" 'libos instr.' is -icount shift=0: guest instructions per operation)")
    for n in ("yield", "create"):
        ratio = linux[n] / tcg[n]
        print(f"  GOAL {n} at least 10x cheaper than Linux native: {ratio:.1f}x under TCG "
              f"-> {benchlib.verdict(ratio >= 10)}")

    benchlib.heading("7. An idle guest's cost to the host")
    wall0, cpu0 = idle_cost(image, 1) # pays every one-time cost: calibrations, first timer
    wall, cpu = idle_cost(image, args.idle_seconds)
    whole = 100 * cpu / wall
    idle = 100 * max(cpu - cpu0, 0) / (wall - wall0)
    print(f"  a thread asleep for {args.idle_seconds} s: {wall:.2f} s wall, {cpu:.3f} s of host CPU "
          f"({whole:.2f}% of one core, QEMU's start-up and exit included)")
    print(f"  the same for 1 s: {wall0:.2f} s wall, {cpu0:.3f} s CPU; the difference, steady idling "
          f"alone: {idle:.2f}% of one core")
    print(f"  GOAL idle host CPU under 1%: {idle:.2f}% -> {benchlib.verdict(idle < 1)}")


if __name__ == "__main__":
    main()

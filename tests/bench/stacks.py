#!/usr/bin/env python3
"""stacks.py: what an idle thread costs in RAM (figure 11), now that stacks grow on first touch.

usage: stacks.py [--build-dir DIR] [--threads N] [--compare-build DIR]

tests/bench/stacks/main.c (build tree: tests/bench/stacks/bench_stacks.elf) starts N threads
(default 100) with the default stack, lets each block on a semaphore, and reads the heap in use
(mallinfo) and the page frames in use (libos_mm_pages_used: stack pages and page tables taken
from the top of the heap region) before and while they wait. RAM per thread is the sum: the
thread's control block and newlib state on the heap, its stack's top page and its page table.
--compare-build adds the same figures for the image of another build tree (e.g. one of the
commit before stacks grew on demand, whose 64 KiB stacks came from the heap). Also booted with
libos.thread_stack=64K, to show the cost does not depend on the stack size. Figures only:
nothing is asserted.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

FIELDS = ["stack size", "idle threads", "heap per thread", "pages per thread", "ram per thread"]


def run(image, threads, params=()):
    cmd = benchlib.qemu_command(image, guest_args=list(params) + [str(threads)])
    _, status, out, err = benchlib.run_timed(cmd, 120)
    if status != benchlib.QEMU_OK:
        sys.exit(f"stacks.py: {image} failed (QEMU status {status}): {out.decode()[-300:]}{err.decode()[-300:]}")
    figures = {}
    for line in out.decode().splitlines():
        key, _, value = line.partition(": ")
        if key in FIELDS:
            figures[key] = int(value)
    return figures


def row(label, f):
    print(f"  {label:<34} stack {f['stack size'] >> 10:>6} KiB: heap {f['heap per thread']:>6} B"
          f" + pages {f['pages per thread']:>6} B = {f['ram per thread']:>6} B per idle thread"
          f" ({benchlib.kib(f['ram per thread'] * f['idle threads'])} for {f['idle threads']})")


def main():
    p = benchlib.arg_parser(__doc__)
    p.add_argument("--threads", type=int, default=100)
    p.add_argument("--compare-build", help="another build tree to measure the same way")
    a = p.parse_args()
    image = os.path.join(a.build_dir, "tests", "bench", "stacks", "bench_stacks.elf")
    if not os.path.isfile(image):
        sys.exit(f"stacks.py: {image} is missing: build the tree first")
    benchlib.heading("10. RAM per idle thread (stacks.py)")
    row("this build, default stack", run(image, a.threads))
    row("this build, libos.thread_stack=64K", run(image, a.threads, ["libos.thread_stack=64K"]))
    if a.compare_build:
        other = os.path.join(a.compare_build, "tests", "bench", "stacks", "bench_stacks.elf")
        row("--compare-build, default stack", run(other, a.threads))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""bootclock.py: guest entry-to-main time, measured inside the guest (figure 3).

usage: tests/bench/bootclock.py [--build-dir DIR] [--runs N] [--icount-runs N]
                                [--machines microvm,q35]

sysinfo reads the TSC at the first instruction of the PVH entry and again just before main(),
and prints "boot: entry to main N ns (M TSC cycles)", converting with the TSC frequency it
calibrated against the PIT. It is booted N times (default 21) per machine with the runner's QEMU
command (TCG); printed are the median and p10/p90 in microseconds and in cycles. Under TCG the
TSC follows the host's clock, so this is emulated wall time, including the time TCG spends
translating each piece of guest code the first (and, during boot, only) time it runs.

Then sysinfo is booted with `-icount shift=0` (default 3 times on microvm): QEMU then counts
instructions, and the virtual TSC advances one tick per instruction (the calibration finds
1 GHz), so the cycle figure is the number of guest instructions from entry to main, which does
not vary between runs. Goal: entry to main < 100 us of guest time (TCG).
"""
import re
import sys

import benchlib as bl

PATTERN = re.compile(rb"boot: entry to main (\d+) ns \((\d+) TSC cycles\)")
TIMEOUT = 20
GOAL_US = 100


def boot_times(argv, runs):
    ns, cycles = [], []
    for _ in range(runs):
        _t, status, out, err = bl.run_timed(argv, TIMEOUT)
        m = PATTERN.search(out)
        if status != bl.QEMU_OK or not m:
            sys.exit(f"bench: sysinfo failed: QEMU status {status}, output {out[-300:]!r} {err[-200:]!r}")
        ns.append(int(m.group(1)))
        cycles.append(int(m.group(2)))
    return ns, cycles


def main():
    p = bl.arg_parser(__doc__)
    p.add_argument("--runs", type=int, default=21, help="TCG runs per machine (21)")
    p.add_argument("--icount-runs", type=int, default=3, help="-icount shift=0 runs (3)")
    p.add_argument("--machines", default="microvm,q35", help="comma-separated (microvm,q35)")
    a = p.parse_args()
    sysinfo = bl.example(a.build_dir, "sysinfo")

    bl.heading("3. Guest entry-to-main time (sysinfo, TSC read at the PVH entry and before main)")
    print(f"{a.runs} runs per machine, TCG; {bl.load_note()}")
    medians = {}
    for machine in [m for m in a.machines.split(",") if m]:
        ns, cycles = boot_times(bl.qemu_command(sysinfo, machine), a.runs)
        med, p10, p90 = bl.summary(ns)
        cmed, c10, c90 = bl.summary(cycles)
        medians[machine] = med
        print(f"  {machine:<8} TCG (host TSC)      {med / 1e3:8.1f} us (p10 {p10 / 1e3:7.1f}, "
              f"p90 {p90 / 1e3:7.1f})   {cmed:10.0f} cycles (p10 {c10:.0f}, p90 {c90:.0f})")
    if a.icount_runs > 0:
        ns, cycles = boot_times(bl.qemu_command(sysinfo, "microvm",
                                                extra=["-icount", "shift=0"]), a.icount_runs)
        same = "identical in every run" if len(set(cycles)) == 1 \
            else f"varies: {sorted(set(cycles))}"
        print(f"  microvm  -icount shift=0     {cycles[0]:10d} guest instructions "
              f"(TSC ticks, 1 per instruction; {same})")
    if "microvm" in medians:
        us = medians["microvm"] / 1e3
        print(f"  GOAL entry to main < {GOAL_US} us of guest time (TCG, microvm): {us:.1f} us -> "
              f"{bl.verdict(us < GOAL_US)}")
        if a.icount_runs > 0:
            print(f"       the work itself is {cycles[0]} instructions ({cycles[0] / 1e3:.1f} us at "
                  f"one instruction per ns); the TCG figure is mostly code translation "
                  f"(see 'TCG translated' in section 2)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""launch.py: QEMU launch-to-exit wall time of hello next to QEMU's own floor (figure 2).

usage: tests/bench/launch.py [--build-dir DIR] [--runs N] [--machines microvm,q35]
                             [--no-runner] [--phases N]

The floor is tests/bench/floor.S: a PVH image whose first instruction makes QEMU exit through
isa-debug-exit, so its launch-to-exit time is what QEMU, the firmware and the PVH loader cost
with no guest at all. It is built here into <build-dir>/bench/floor.elf.

For each machine, hello.elf and floor.elf are run alternately (one discarded warm-up each, then
N runs each, default 21) with exactly the QEMU command `libos-run --dry-run` prints (same
machine, memory, devices, accelerator), exec'd directly from Python, so the runner's bash
start-up is not in the figure. Time is from spawning QEMU to reaping it. hello must print
"Hello from libos!" and exit with QEMU status 3 (app status 0), the floor with status 3.
Printed: median, p10 and p90 in ms; the gap hello - floor as the difference of the medians and
as the median of the per-round differences (paired: each hello run against the floor run next
to it, which cancels load that drifts during the measurement); and the goal (microvm: hello
within 5% of the floor, TCG), judged on the paired gap relative to the floor's median. Unless --no-runner, the same is measured through toolchain/libos-run
(labelled so), which adds the runner's bash start-up.

--phases N (default 7, 0 to skip) runs each image N more times with QEMU tracing on
(-trace runstate_set,fw_cfg_select,memory_region_ops_write, -msg timestamp=on) and splits the
time by the trace's wall-clock timestamps: QEMU start-up until the vCPU runs, firmware (qboot or
SeaBIOS and the PVH option ROM) until its last fw_cfg access, the guest until its write to
isa-debug-exit (for hello: and until its first console byte), and QEMU's exit after that.
Tracing slows QEMU a little, so these are for attribution, not for the headline figure; but the
guest phase is far steadier than whole runs, so it is also shown as a share of the floor.
"""
import os
import re
import subprocess
import sys
import tempfile
import time

import benchlib as bl

TIMEOUT = 20


def build_floor(build_dir):
    out_dir = os.path.join(build_dir, "bench")
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(out_dir, "floor.elf")
    src = os.path.join(bl.BENCH_DIR, "floor.S")
    lds = os.path.join(bl.BENCH_DIR, "floor.ld")
    if not os.path.exists(out) or os.path.getmtime(out) < max(os.path.getmtime(src),
                                                              os.path.getmtime(lds)):
        subprocess.run(["gcc", "-nostdlib", "-static", "-no-pie", "-Wl,--build-id=none", "-Wl,-n",
                        "-Wl,-T," + lds, src, "-o", out], check=True)
    return out


def check(name, status, stdout, expect_hello):
    if status is None:
        sys.exit(f"bench: {name} timed out after {TIMEOUT} s")
    if status != bl.QEMU_OK or (expect_hello and b"Hello from libos!" not in stdout):
        sys.exit(f"bench: {name} failed: QEMU status {status}, output {stdout[:200]!r}")


def measure(cmds, runs):
    """cmds: {label: (argv, expect_hello)}, run round-robin, one warm-up round dropped.

    Returns {label: [seconds]}. The runner reports success as 0 where QEMU says 3."""
    times = {k: [] for k in cmds}
    for i in range(runs + 1):
        for label, (argv, expect_hello) in cmds.items():
            t, status, out, _err = bl.run_timed(argv, TIMEOUT)
            if argv[0] == bl.RUNNER and status == 0:
                status = bl.QEMU_OK
            check(label, status, out, expect_hello)
            if i:
                times[label].append(t)
    return times


def fmt(ts):
    med, p10, p90 = bl.summary(ts)
    return f"{med * 1e3:7.1f} ms  (p10 {p10 * 1e3:6.1f}, p90 {p90 * 1e3:6.1f})"


def traced_run(argv, expect_hello, logdir):
    """One traced run; returns {phase: seconds} or None when the trace has no timestamps."""
    log = os.path.join(logdir, "trace.log")
    if os.path.exists(log):
        os.unlink(log)
    argv = argv + ["-msg", "timestamp=on", "-D", log, "-trace", "runstate_set",
                   "-trace", "fw_cfg_select", "-trace", "memory_region_ops_write"]
    t0 = time.time()
    t, status, out, _err = bl.run_timed(argv, TIMEOUT)
    t_end = t0 + t
    check("traced run", status, out, expect_hello)
    running = fw_last = first_out = exit_write = None
    lcr_set = False
    try:
        lines = open(log).read().splitlines()
    except OSError:
        return None
    for line in lines:
        m = re.match(r"^\d+@(\d+\.\d+):(\w+) (.*)$", line)
        if not m:
            continue
        ts, ev, rest = float(m.group(1)), m.group(2), m.group(3)
        if ev == "runstate_set" and "new_state 9 (running)" in rest and running is None:
            running = ts
        elif ev == "fw_cfg_select" or (ev == "memory_region_ops_write" and "name 'fwcfg" in rest):
            if exit_write is None:
                fw_last = ts
        elif ev == "memory_region_ops_write" and "name 'serial'" in rest:
            # the first data byte: a write to 0x3f8 once the line control register is set
            if "addr 0x3fb" in rest and "value 0x80" not in rest:
                lcr_set = True
            elif "addr 0x3f8" in rest and lcr_set and first_out is None:
                first_out = ts
        elif ev == "memory_region_ops_write" and "name 'isa-debug-exit'" in rest:
            exit_write = ts
    if None in (running, fw_last, exit_write):
        return None
    ph = {"qemu start-up": running - t0, "firmware + PVH loader": fw_last - running,
          "guest (entry .. exit write)": exit_write - fw_last, "qemu exit": t_end - exit_write,
          "total (traced)": t}
    if first_out is not None:
        ph["  of which entry .. 1st console byte"] = first_out - fw_last
    return ph


def translated(argv, image, logdir):
    """What TCG translated in one run (-d in_asm): (blocks, guest instructions, instructions
    whose address lies in the image's .text, distinct such addresses)."""
    text = subprocess.run(["readelf", "-SW", image], check=True, capture_output=True,
                          text=True).stdout
    m = re.search(r"\s\.text\s+PROGBITS\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", text)
    lo, hi = int(m.group(1), 16), int(m.group(1), 16) + int(m.group(2), 16)
    log = os.path.join(logdir, "in_asm.log")
    _t, status, _out, _err = bl.run_timed(argv + ["-d", "in_asm", "-D", log], TIMEOUT)
    blocks = insns = in_image = 0
    seen = set()
    with open(log, errors="replace") as f:
        for line in f:
            if line.startswith("IN:"):
                blocks += 1
            elif line.startswith("0x"):
                insns += 1
                addr = int(line.split(":")[0], 16)
                if lo <= addr < hi:
                    in_image += 1
                    seen.add(addr)
    return blocks, insns, in_image, len(seen)


def phases(images, machines, runs, floor_median):
    print(f"Where the time goes (QEMU trace timestamps, median of {runs} traced runs, ms):")
    with tempfile.TemporaryDirectory() as d:
        for machine in machines:
            argvs = {label: bl.qemu_command(image, machine) for label, (image, _e) in images.items()}
            samples = {label: [] for label in images}
            for _ in range(runs):  # alternating, like the timed runs
                for label, (_image, expect_hello) in images.items():
                    s = traced_run(argvs[label], expect_hello, d)
                    if s:
                        samples[label].append(s)
            if not all(samples.values()):
                print("  (QEMU wrote no usable trace: phases not available)")
                return
            res = {label: {k: bl.summary([s[k] for s in ss if k in s])[0] for k in ss[0]}
                   for label, ss in samples.items()}
            keys = list(res["hello"].keys())
            keys.sort(key=lambda k: ["qemu start-up", "firmware + PVH loader",
                                     "guest (entry .. exit write)",
                                     "  of which entry .. 1st console byte", "qemu exit",
                                     "total (traced)"].index(k))
            print(f"  {machine:<40}{'floor':>9}{'hello':>9}{'diff':>9}")
            for k in keys:
                f = res["floor"].get(k)
                h = res["hello"][k]
                fs = f"{f * 1e3:9.2f}" if f is not None else f"{'':>9}"
                ds = f"{(h - f) * 1e3:+9.2f}" if f is not None else f"{'':>9}"
                print(f"  {k:<40}{fs}{h * 1e3:9.2f}{ds}")
            g = res["hello"]["guest (entry .. exit write)"] - res["floor"]["guest (entry .. exit write)"]
            if machine in floor_median:
                print(f"  hello's own guest time is {g * 1e3:.2f} ms = {g / floor_median[machine] * 100:.1f}% "
                      f"of the floor's median above (a steadier view of the gap than whole runs)")
            tr = {label: translated(bl.qemu_command(image, machine), image, d)
                  for label, (image, _e) in images.items()}
            (fb, fi, _x, _y), (hb, hi, hin, hdist) = tr["floor"], tr["hello"]
            guest_ms = (res["hello"]["guest (entry .. exit write)"] -
                        res["floor"]["guest (entry .. exit write)"]) * 1e3
            print(f"  TCG translated (-d in_asm): floor {fb} blocks / {fi} instructions (firmware "
                  f"and loader); hello {hb} / {hi}, of which {hin} instructions ({hdist} distinct) "
                  f"in the image's .text: ~{guest_ms * 1e3 / max(hin, 1):.2f} us of guest time "
                  f"per translated instruction")


def main():
    p = bl.arg_parser(__doc__)
    p.add_argument("--runs", type=int, default=21, help="timed runs per image and machine (21)")
    p.add_argument("--machines", default="microvm,q35", help="comma-separated (microvm,q35)")
    p.add_argument("--no-runner", action="store_true", help="skip the timing through libos-run")
    p.add_argument("--phases", type=int, default=7, help="traced runs per image for the "
                   "phase split (7; 0 skips it)")
    a = p.parse_args()
    hello = bl.example(a.build_dir, "hello")
    floor = build_floor(a.build_dir)
    machines = [m for m in a.machines.split(",") if m]

    bl.heading("2. Launch-to-exit wall time (TCG, -m 32M as the runner's default)")
    print(f"{a.runs} runs per row after one warm-up, hello and floor alternating; {bl.load_note()}")
    print(f"floor = {os.path.relpath(floor, bl.REPO)} ({os.path.getsize(floor)} bytes): "
          f"exits on its first instruction")
    print("QEMU command (from libos-run --dry-run): " + " ".join(bl.qemu_command(hello, "microvm")))
    floor_median = {}
    for machine in machines:
        cmds = {"floor": (bl.qemu_command(floor, machine), False),
                "hello": (bl.qemu_command(hello, machine), True)}
        if not a.no_runner:
            run = [bl.RUNNER, "--machine", machine, "--timeout", str(TIMEOUT)]
            cmds["hello via libos-run"] = (run + [hello], True)
        times = measure(cmds, a.runs)
        f, h = bl.summary(times["floor"])[0], bl.summary(times["hello"])[0]
        floor_median[machine] = f
        # Runs alternate, so each hello has a floor run next to it: the median of those paired
        # differences is less sensitive to load that changes during the measurement.
        paired = bl.summary([x - y for x, y in zip(times["hello"], times["floor"])])[0]
        gap = paired / f * 100
        print(f"  {machine:<8} floor (QEMU direct)        {fmt(times['floor'])}")
        print(f"  {machine:<8} hello (QEMU direct)        {fmt(times['hello'])}"
              f"   hello - floor: medians {(h - f) * 1e3:+.1f} ms ({(h - f) / f * 100:+.1f}%), "
              f"paired {paired * 1e3:+.1f} ms ({gap:+.1f}%)")
        if "hello via libos-run" in times:
            r = bl.summary(times["hello via libos-run"])[0]
            print(f"  {machine:<8} hello via libos-run (bash) {fmt(times['hello via libos-run'])}"
                  f"   runner adds {(r - h) * 1e3:+.1f} ms")
        if machine == "microvm":
            print(f"  GOAL microvm: hello within 5% of the floor (paired median): {gap:+.1f}% "
                  f"({paired * 1e3:+.1f} ms; 5% is {f * 50:.1f} ms) -> {bl.verdict(gap <= 5)}")
    if a.phases > 0:
        phases({"floor": (floor, False), "hello": (hello, True)}, machines, a.phases, floor_median)


if __name__ == "__main__":
    main()

"""benchlib: helpers shared by the benchmark scripts in tests/bench (python3 stdlib only).

Not a benchmark itself. It knows where the repository and the Release build used by the
benchmarks are, turns `libos-run --dry-run` into the exact QEMU command the runner would use,
runs commands with a timeout while timing them, and formats figures and goal verdicts the same
way in every script.
"""
import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(BENCH_DIR))
RUNNER = os.path.join(REPO, "toolchain", "libos-run")
DEFAULT_BUILD = os.path.join(REPO, "build-bench")

# QEMU's status for a guest that wrote v to isa-debug-exit is (v << 1) | 1; libos writes
# status + 1, so an app that returned 0 makes QEMU exit with 3 (and so does the floor image).
QEMU_OK = 3


def arg_parser(doc):
    """An ArgumentParser with the options every benchmark script takes."""
    p = argparse.ArgumentParser(description=doc.strip().splitlines()[0],
                                epilog="See tests/bench/README.md.")
    p.add_argument("--build-dir", default=os.environ.get("BENCH_BUILD_DIR", DEFAULT_BUILD),
                   help="Release build tree with examples/ (default: build-bench/ at the repo root; "
                        "tests/bench/run creates it)")
    return p


def example(build_dir, name):
    """Path of examples/<name>/<name>.elf in the build tree; exits with a hint when missing."""
    path = os.path.join(build_dir, "examples", name, name + ".elf")
    if not os.path.isfile(path):
        sys.exit(f"bench: {path} is missing: run tests/bench/run (it builds build-bench/) "
                 f"or pass --build-dir")
    return path


def qemu_command(image, machine="microvm", mem=None, extra=(), guest_args=()):
    """The exact argv libos-run would exec for these options (taken from its --dry-run)."""
    cmd = [RUNNER, image, "--machine", machine, "--dry-run"]
    if mem:
        cmd += ["--mem", mem]
    for a in extra:
        cmd += ["--qemu-arg", a]
    if guest_args:
        cmd += ["--"] + list(guest_args)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return shlex.split(out)


def run_timed(argv, timeout):
    """Run argv with stdin from /dev/null, stdout and stderr captured.

    Returns (seconds from spawn to reaped, exit status, stdout, stderr); the status is None on a
    timeout (the process is killed)."""
    t0 = time.perf_counter()
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return time.perf_counter() - t0, None, e.stdout or b"", e.stderr or b""
    return time.perf_counter() - t0, p.returncode, p.stdout, p.stderr


def pct(values, q):
    """The q-quantile (0..1) of values, linear between the closest ranks."""
    v = sorted(values)
    if not v:
        return float("nan")
    pos = q * (len(v) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def summary(values):
    """(median, p10, p90) of values."""
    return statistics.median(values), pct(values, 0.10), pct(values, 0.90)


def verdict(met):
    return "MET" if met else "NOT MET"


def heading(title):
    print()
    print(title)
    print("-" * len(title))


def load_note():
    """A short note on the machine's load, since every timing here shares 2 cores."""
    try:
        la = os.getloadavg()
        return f"load average {la[0]:.2f} {la[1]:.2f} {la[2]:.2f} on {os.cpu_count()} CPUs"
    except OSError:
        return "load average unknown"


def kib(n):
    return f"{n / 1024:.1f} KiB"


def parse_figures(out, names):
    """{name: value} from a benchmark program's lines "<name> <ns per op> <count>"."""
    figures = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] in names:
            figures[parts[0]] = float(parts[1])
    return figures


def median_figures(runs, names):
    """The median of each figure over runs (lists of parse_figures results) that all have it."""
    return {n: statistics.median(r[n] for r in runs) for n in names if all(n in r for r in runs)}

#!/usr/bin/env python3
"""minmem.py: the smallest --mem that boots hello, per machine (figure 4).

usage: tests/bench/minmem.py [--build-dir DIR] [--machines microvm,q35] [--timeout S]
                             [--fine K] [--coarse K] [--top M]

Boots hello through toolchain/libos-run (`--mem <n>K --timeout S`) at every size of a grid
scanned downward: from --top (default 8M) to 2M in --coarse steps (default 512K), then from 2M
down to 1M in --fine steps (default 64K; QEMU takes -m in KiB, RAM starts at 1 MiB). A size
boots when the runner exits 0 and the console shows "Hello from libos!". Every size is tried
(no early stop): below 2 MiB the outcome is not monotonic on q35. Failures are classified from
the runner's exit status and message: panic (126), triple fault/reset (QEMU status 0), timeout
(hang), other. libos-run refuses sizes below 2M; those sizes are then also booted with the
runner's QEMU command run directly (-m <n>K), to show what QEMU and libos do there.

Printed per machine: the smallest size that boots, the smallest size from which every larger
grid size boots, the failing sizes, and the goal (hello boots with --mem 2M, and so does every
larger size tried).
"""
import re

import benchlib as bl

GOAL_K = 2048


def classify_raw(status, out, err):
    """Outcome of a direct QEMU run (QEMU's status is (v << 1) | 1 for a guest's exit value v)."""
    if status == bl.QEMU_OK and b"Hello from libos!" in out:
        return "ok"
    if status is None:
        return "hang"
    if status == 255:
        m = re.search(r"libos: ([^\n]*)", (out + err).decode(errors="replace"))
        return "panic" + (f" ({m.group(1)[:100]})" if m else "")
    if status == 0:
        return "triple fault/reset"
    if status == bl.QEMU_OK:
        first = out.decode(errors="replace").strip().splitlines()[:1]
        return f"exit 0 without the greeting (console: {first[0][:60] if first else 'nothing'!r})"
    return f"QEMU status {status}"


def try_boot(hello, machine, size_k, timeout):
    """(outcome through libos-run, outcome of QEMU run directly or None when not needed)."""
    argv = [bl.RUNNER, hello, "--machine", machine, "--mem", f"{size_k}K", "--timeout", str(timeout)]
    _t, status, out, err = bl.run_timed(argv, timeout + 10)
    if status == 0 and b"Hello from libos!" in out:
        return "ok", None
    text = (out + err).decode(errors="replace")
    if status == 127 and "libos-run: --mem:" in text:
        # The runner refuses this size; see what QEMU and libos do with it anyway.
        raw = bl.qemu_command(hello, machine, mem="2M")
        raw[raw.index("-m") + 1] = f"{size_k}K"
        _t, rstatus, rout, rerr = bl.run_timed(raw, timeout)
        return "refused by libos-run", classify_raw(rstatus, rout, rerr)
    if status == 126:
        m = re.search(r"libos: ([^\n]*)", text)
        return "panic" + (f" ({m.group(1)[:100]})" if m else ""), None
    if status is None or "timed out" in text:
        return "hang", None
    if "status 0 without" in text:
        return "triple fault/reset", None
    return f"exit {status}: {text.strip().splitlines()[-1][:80] if text.strip() else ''}", None


def fmt_k(k):
    return f"{k // 1024}M" if k % 1024 == 0 else f"{k}K"


def main():
    p = bl.arg_parser(__doc__)
    p.add_argument("--machines", default="microvm,q35", help="comma-separated (microvm,q35)")
    p.add_argument("--timeout", type=int, default=3, help="seconds per boot before it counts as a "
                   "hang (3; a good boot takes ~0.1 s)")
    p.add_argument("--fine", type=int, default=64, help="KiB step from 2M down to 1M (64)")
    p.add_argument("--coarse", type=int, default=512, help="KiB step from --top down to 2M (512)")
    p.add_argument("--top", default="8M", help="largest size tried (8M)")
    a = p.parse_args()
    hello = bl.example(a.build_dir, "hello")
    top_k = int(a.top[:-1]) * (1024 if a.top[-1] in "Mm" else 1) if a.top[-1] in "KkMm" \
        else int(a.top) // 1024
    grid = list(range(top_k, GOAL_K, -a.coarse)) + list(range(GOAL_K, 1024 - 1, -a.fine))

    bl.heading("4. Smallest --mem that boots hello (prints 'Hello from libos!', exits 0)")
    print(f"grid {fmt_k(grid[0])} .. 2M step {a.coarse}K, 2M .. 1M step {a.fine}K "
          f"({len(grid)} sizes per machine), via libos-run --timeout {a.timeout}")
    for machine in [m for m in a.machines.split(",") if m]:
        tried = {k: try_boot(hello, machine, k, a.timeout) for k in grid}
        results = {k: r for k, (r, _raw) in tried.items()}
        ok = sorted(k for k, r in results.items() if r == "ok")
        smallest = ok[0] if ok else None
        steady = None  # smallest size from which every larger grid size boots
        for k in sorted(grid, reverse=True):
            if results[k] != "ok":
                break
            steady = k
        print(f"  {machine:<8} smallest that boots: {fmt_k(smallest) if smallest else 'none'};"
              f" every size >= {fmt_k(steady) if steady else '-'} boots")
        fails = {}
        for k in grid:
            if results[k] != "ok":
                fails.setdefault(results[k], []).append(fmt_k(k))
        for why, sizes in fails.items():
            print(f"           libos-run {why}: {', '.join(sizes)}")
        raw = {k: r for k, (_r, r) in tried.items() if r}
        if raw:
            raw_ok = sorted(k for k, r in raw.items() if r == "ok")
            print(f"           QEMU run directly at those sizes (outside the runner's range): "
                  f"smallest that boots {fmt_k(raw_ok[0]) if raw_ok else 'none'}")
            groups = {}
            for k in sorted(raw):
                groups.setdefault(raw[k], []).append(fmt_k(k))
            for why, sizes in groups.items():
                print(f"             {why}: {', '.join(sizes)}")
        met = steady is not None and steady <= GOAL_K
        print(f"  GOAL {machine}: boots with --mem 2M (and everything larger tried): "
              f"{'yes' if results.get(GOAL_K) == 'ok' else 'no'} -> {bl.verdict(met)}")


if __name__ == "__main__":
    main()

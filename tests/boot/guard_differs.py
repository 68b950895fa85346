#!/usr/bin/env python3
"""guard_differs.py IMAGE [--machine M]: boot test_crash's "guard" command twice and check that the
stack protector's guard is set (not 0), has a zero low byte, and differs between the two boots.
Exits 0 when all three hold, 1 otherwise."""
import argparse
import os
import re
import subprocess
import sys

RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "toolchain", "libos-run")


def guard(image, machine):
    out = subprocess.run([RUNNER, image, "--machine", machine, "--timeout", "30", "--", "guard"],
                         stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    print(out.stdout + out.stderr, end="")
    m = re.search(r"^stack guard: ([0-9a-f]{16})$", out.stdout, re.M)
    if out.returncode != 0 or not m:
        sys.exit("guard_differs: FAIL: no guard printed (status %d)" % out.returncode)
    return int(m.group(1), 16)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("image")
    p.add_argument("--machine", default="microvm")
    args = p.parse_args()
    a, b = guard(args.image, args.machine), guard(args.image, args.machine)
    checks = [(a != 0 and b != 0, "the guard is set"),
              ((a & 0xff) == 0 and (b & 0xff) == 0, "its low byte is zero"),
              (a != b, "it differs between boots (%016x, %016x)" % (a, b))]
    for ok, what in checks:
        print("%s: %s" % ("ok" if ok else "FAIL", what))
    return 0 if all(ok for ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())

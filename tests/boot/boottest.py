#!/usr/bin/env python3
"""boottest.py: boot one libos image through toolchain/libos-run and check what happened.

usage: boottest.py IMAGE [--machine M] [--mem SIZE] [--timeout SECS] [--expect-status N]
                   [--expect REGEX]... [--expect-file FILE]... [--reject REGEX]...
                   [--expect-range REGEX LO HI]... [--expect-now REGEX SLACK]...
                   [--expect-lines N] [--min-seconds S] [--max-seconds S]
                   [--send-after REGEX TEXT]... [--eof-after REGEX]
                   [--stdin-data TEXT | --stdin-file FILE | --stdin-pattern N | --tty] [--tty-out]
                   [--append LINE] [--qemu-direct] [--runner-arg ARG]... [-- guest args...]

The run passes when the runner's exit status is the expected one (default 0) AND every check on
the output holds. The output searched is the guest console (stdout) followed by the runner's own
messages (stderr); regular expressions are Python's, in MULTILINE mode.

  --expect REGEX            must match somewhere
  --expect-file FILE        every non-empty line of FILE must be a line of the output, as it is
                            (for expectations computed at build time, e.g. checksums of files)
  --reject REGEX            must match nowhere
  --expect-range REGEX LO HI  REGEX's first group is a number in [LO, HI]
  --expect-now REGEX SLACK  REGEX's first group is a Unix time within SLACK seconds of the
                            host's clock during the run
  --expect-lines N          the output has exactly N non-empty lines (e.g. one clear message)
  --min-seconds/--max-seconds  bounds on the host's wall-clock time for the whole run
  --send-after REGEX TEXT   once REGEX has appeared (after the previous send's match), write TEXT
                            to the runner's stdin (a pipe, relayed; with --tty the terminal).
                            TEXT takes Python escapes (\\n, \\x04).
  --eof-after REGEX         once REGEX has appeared (after the sends), close the runner's stdin
  --stdin-data TEXT         the runner's stdin is a pipe that gets TEXT (Python escapes) at once
                            and is then closed
  --stdin-file FILE         the runner's stdin is FILE
  --stdin-pattern N         a pipe that gets N bytes, byte i being i % 256, at once, then closed
  --tty                     the runner's stdin is a terminal (a pty; --send-after types on it)
                            Without any of these, stdin is /dev/null (or a pipe if there are sends).
  --tty-out                 the runner's stdout is a terminal too (a pty of its own, in raw mode so
                            that the output arrives as written); otherwise it is a pipe
  --append LINE             pass LINE to QEMU's -append as it is (bypassing the runner's quoting,
                            to send command lines the runner would never produce)
  --qemu-direct             run QEMU without the runner: the command libos-run --dry-run prints,
                            plus -append LINE, under the same timeout; the status is QEMU's own
                            (the guest's value v gives (v << 1) | 1), to test the guest's checks
                            on input the runner refuses
  --runner-arg ARG          one more argument for libos-run

The runner always gets --timeout (default 30 s), and this script kills it if it outlives that by
15 s, so no test can hang. Exits 0 when the run passed, 1 when it did not, 2 on bad usage.
"""
import argparse
import codecs
import os
import pty
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
import tty

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(HERE, "..", "..", "toolchain", "libos-run")


def parse_args(argv):
    guest = []
    if "--" in argv:
        i = argv.index("--")
        argv, guest = argv[:i], argv[i + 1:]
    p = argparse.ArgumentParser(description="Boot a libos image and check the result.")
    p.add_argument("image")
    p.add_argument("--machine", default="microvm")
    p.add_argument("--mem")
    p.add_argument("--timeout", type=int, default=30)
    p.add_argument("--expect-status", type=int, default=0)
    p.add_argument("--expect", action="append", default=[])
    p.add_argument("--expect-file", action="append", default=[])
    p.add_argument("--reject", action="append", default=[])
    p.add_argument("--expect-range", nargs=3, action="append", default=[],
                   metavar=("REGEX", "LO", "HI"))
    p.add_argument("--expect-now", nargs=2, action="append", default=[],
                   metavar=("REGEX", "SLACK"))
    p.add_argument("--expect-lines", type=int)
    p.add_argument("--min-seconds", type=float)
    p.add_argument("--max-seconds", type=float)
    p.add_argument("--send-after", nargs=2, action="append", default=[],
                   metavar=("REGEX", "TEXT"))
    p.add_argument("--eof-after")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--stdin-data")
    src.add_argument("--stdin-file")
    src.add_argument("--stdin-pattern", type=int)
    src.add_argument("--tty", action="store_true")
    p.add_argument("--tty-out", action="store_true")
    p.add_argument("--append")
    p.add_argument("--qemu-direct", action="store_true")
    p.add_argument("--runner-arg", action="append", default=[])
    args = p.parse_args(argv)
    args.guest = guest
    return args


class Reader(threading.Thread):
    """Collects everything a pipe (or a pty's master: an fd) delivers, so the main thread can look
    at it at any time."""

    def __init__(self, pipe):
        super().__init__(daemon=True)
        self.fd = pipe if isinstance(pipe, int) else pipe.fileno()
        self.data, self.lock = b"", threading.Lock()

    def run(self):
        while True:
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:  # a pty's master once the last slave fd is closed: EIO
                return
            if not chunk:
                return
            with self.lock:
                self.data += chunk

    def text(self):
        with self.lock:
            return self.data.decode("utf-8", "replace")


def unescape(text):
    return codecs.decode(text, "unicode_escape").encode("latin-1")


def qemu_command(args):
    """The runner's QEMU command line (--dry-run) for this image, plus -append LINE."""
    cmd = [RUNNER, args.image, "--machine", args.machine, "--dry-run"]
    if args.mem:
        cmd += ["--mem", args.mem]
    line = subprocess.run(cmd + args.runner_arg, stdout=subprocess.PIPE, check=True,
                          stdin=subprocess.DEVNULL, text=True).stdout
    cmd = ["timeout", "--kill-after=5", str(args.timeout)] + shlex.split(line)
    return cmd + (["-append", args.append] if args.append is not None else [])


def run(args):
    if args.qemu_direct:
        cmd = qemu_command(args)
    else:
        cmd = [RUNNER, args.image, "--machine", args.machine, "--timeout", str(args.timeout)]
        if args.mem:
            cmd += ["--mem", args.mem]
        if args.append is not None:
            cmd += ["--qemu-arg", "-append", "--qemu-arg", args.append]
        cmd += args.runner_arg
        if args.guest:
            cmd += ["--"] + args.guest
    print("boottest: " + " ".join(repr(w) if not re.fullmatch(r"[\w./:=@%+,-]+", w) else w
                                  for w in cmd))

    sends = [(re.compile(r, re.M), unescape(t)) for r, t in args.send_after]
    eof_after = re.compile(args.eof_after, re.M) if args.eof_after else None
    data = None
    if args.stdin_data is not None:
        data = unescape(args.stdin_data)
    elif args.stdin_pattern is not None:
        data = bytes(i % 256 for i in range(args.stdin_pattern))
    tty_master = None
    if args.tty:
        tty_master, stdin = pty.openpty()
    elif args.stdin_file:
        stdin = open(args.stdin_file, "rb")
    elif sends or eof_after or data is not None:
        stdin = subprocess.PIPE
    else:
        stdin = subprocess.DEVNULL
    stdout = subprocess.PIPE
    if args.tty_out:
        out_master, stdout = pty.openpty()
        tty.setraw(stdout)
    start_wall, start = time.time(), time.monotonic()
    proc = subprocess.Popen(cmd, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
                            start_new_session=True)
    if args.tty or args.stdin_file:
        os.close(stdin) if args.tty else stdin.close()
    if args.tty_out:
        os.close(stdout)

    def write(b):
        if tty_master is not None:
            os.write(tty_master, b)
        else:
            proc.stdin.write(b)
            proc.stdin.flush()

    if data is not None:  # from a thread: a large input may wait for the guest to read it
        def feed():
            try:
                proc.stdin.write(data)
                proc.stdin.close()
            except (BrokenPipeError, ValueError):
                pass
        threading.Thread(target=feed, daemon=True).start()
    out, err = Reader(out_master if args.tty_out else proc.stdout), Reader(proc.stderr)
    out.start()
    err.start()
    deadline = start + args.timeout + 15
    pos, killed = 0, False
    while proc.poll() is None:
        if sends:
            m = sends[0][0].search(out.text(), pos)
            if m:
                print("boottest: sending %r after %r" % (sends[0][1], m.group(0)))
                try:
                    write(sends[0][1])
                except (BrokenPipeError, OSError):
                    pass
                pos = m.end()
                sends.pop(0)
                continue
        elif eof_after:
            m = eof_after.search(out.text(), pos)
            if m:
                print("boottest: closing stdin after %r" % m.group(0))
                proc.stdin.close()
                eof_after = None
                continue
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            killed = True
            break
        time.sleep(0.01)
    status = proc.wait()
    elapsed, end_wall = time.monotonic() - start, time.time()
    out.join(5)
    err.join(5)
    if proc.stdin and data is None:
        try:
            proc.stdin.close()
        except BrokenPipeError:
            pass
    if tty_master is not None:
        os.close(tty_master)
    if args.tty_out:
        os.close(out_master)
    if eof_after:
        sends.append(eof_after)
    return status, out.text(), err.text(), elapsed, start_wall, end_wall, killed, sends


def check(args):
    status, out, err, elapsed, start_wall, end_wall, killed, unsent = run(args)
    print("---- guest console (stdout) ----")
    print(out, end="" if out.endswith("\n") or not out else "\n")
    print("---- runner (stderr) ----")
    print(err, end="" if err.endswith("\n") or not err else "\n")
    print("---- checks ----")
    text = out + "\n" + err
    results = []

    def result(ok, what):
        results.append(ok)
        print("%s: %s" % ("ok" if ok else "FAIL", what))

    result(not killed, "the runner ended by itself (%.2f s)" % elapsed)
    result(status == args.expect_status,
           "runner exit status %d, expected %d" % (status, args.expect_status))
    result(not unsent, "every --send-after/--eof-after pattern appeared (%d unsent)" % len(unsent))
    for r in args.expect:
        result(re.search(r, text, re.M) is not None, "output matches %r" % r)
    output_lines = set(line.rstrip("\r") for line in text.splitlines())
    for path in args.expect_file:
        with open(path) as f:
            wanted = [line.rstrip("\n") for line in f if line.strip()]
        missing = [line for line in wanted if line not in output_lines]
        result(wanted and not missing, "the output has the %d lines of %s" % (len(wanted), path) +
               ("" if not missing else "; missing %d, the first: %r" % (len(missing), missing[0])))
    for r in args.reject:
        m = re.search(r, text, re.M)
        result(m is None, "output does not match %r" % r + (" (found %r)" % m.group(0) if m else ""))
    for r, lo, hi in args.expect_range:
        m = re.search(r, text, re.M)
        if not m:
            result(False, "output matches %r" % r)
            continue
        v = float(m.group(1))
        result(float(lo) <= v <= float(hi), "%r gives %g, expected in [%s, %s]" % (r, v, lo, hi))
    for r, slack in args.expect_now:
        m = re.search(r, text, re.M)
        if not m:
            result(False, "output matches %r" % r)
            continue
        v, s = float(m.group(1)), float(slack)
        result(start_wall - s <= v <= end_wall + s,
               "%r gives %d, expected within %g s of the host's %d..%d" %
               (r, v, s, start_wall, end_wall))
    if args.expect_lines is not None:
        n = len([line for line in text.splitlines() if line.strip()])
        result(n == args.expect_lines,
               "the output has %d non-empty lines, expected %d" % (n, args.expect_lines))
    if args.min_seconds is not None:
        result(elapsed >= args.min_seconds,
               "the run took %.3f s, expected at least %g s" % (elapsed, args.min_seconds))
    if args.max_seconds is not None:
        result(elapsed <= args.max_seconds,
               "the run took %.3f s, expected at most %g s" % (elapsed, args.max_seconds))
    failed = results.count(False)
    print("boottest: %s (%d checks, %d failed)" % ("PASS" if not failed else "FAIL",
                                                   len(results), failed))
    return 1 if failed else 0


def main():
    try:
        args = parse_args(sys.argv[1:])
    except SystemExit as e:
        return 2 if e.code else 0
    if not os.path.isfile(args.image):
        print("boottest: %s: no such image" % args.image)
        return 2
    return check(args)


if __name__ == "__main__":
    sys.exit(main())

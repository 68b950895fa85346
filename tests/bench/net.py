#!/usr/bin/env python3
"""net.py: figure 12, the network: boot to DHCP lease, UDP round trip, TCP echo rate, idle cost.

usage: tests/bench/net.py [--build-dir DIR] [--runs N] [--idle-seconds S]

Boots tests/boot/apps/net (test_net: a POSIX-socket UDP and TCP echo on port 7) on QEMU user
networking with a udp and a tcp hostfwd, from the Release build, and measures from the host:
  - boot to lease: the guest's own line, "DHCP lease, N ms after boot" (monotonic time since the
    image's first instruction), median of --runs boots, microvm and q35;
  - UDP round trip: 200 small datagrams from a host socket, one at a time, median and p90;
  - TCP echo: 8 MiB through one connection, sent and read back at once, in MB/s;
  - idle: QEMU's CPU time (utime + stime) while the guest sits in recvfrom for S seconds,
    as a share of one host CPU (lwIP's timers are all that run).
Figures, not assertions. Everything shares 2 cores with whatever else runs.
"""
import os
import re
import socket
import statistics
import sys
import time

import benchlib as bl

sys.path.insert(0, os.path.join(bl.REPO, "tests", "boot"))
import nettest  # noqa: E402  (the boot test's host side: Guest, tcp_echo)


def image(build_dir):
    path = os.path.join(build_dir, "tests", "boot", "apps", "net", "test_net.elf")
    if not os.path.isfile(path):
        sys.exit(f"bench: {path} is missing: run tests/bench/run (it builds build-bench/) or pass --build-dir")
    return path


def boot(img, machine, uport, tport):
    fwd = "user,hostfwd=udp:127.0.0.1:%d-:7,hostfwd=tcp:127.0.0.1:%d-:7" % (uport, tport)
    g = nettest.Guest([bl.RUNNER, img, "--machine", machine, "--timeout", "120", "--net", fwd,
                       "--", "echo", "7"], quiet=True)
    m = g.wait_for(r"\(DHCP lease, ([0-9]+) ms after boot\)", 60)
    g.wait_for(r"^net: udp echo ready on port 7$", 60)
    return g, int(m.group(1))


def quit_guest(g, uport):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"quit", ("127.0.0.1", uport))
    g.finish(30)


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def qemu_pid(runner_pid):
    """QEMU is the runner's child (or its timeout's grandchild)."""
    for _ in range(3):
        kids = []
        for p in os.listdir("/proc"):
            if p.isdigit():
                try:
                    with open(f"/proc/{p}/stat") as f:
                        st = f.read().rsplit(")", 1)
                    if int(st[1].split()[1]) == runner_pid:
                        kids.append((int(p), st[0]))
                except OSError:
                    pass
        for pid, head in kids:
            if "qemu-system" in head:
                return pid
        if not kids:
            return None
        runner_pid = kids[0][0]
    return None


def main():
    p = bl.arg_parser(__doc__)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--idle-seconds", type=float, default=10)
    a = p.parse_args()
    img = image(a.build_dir)
    bl.heading("10. Network (test_net on QEMU user networking; %s)" % bl.load_note())
    for machine in ("microvm", "q35"):
        leases = []
        for _ in range(a.runs):
            uport, tport = nettest.free_udp_port(), nettest.free_tcp_port()
            g, ms = boot(img, machine, uport, tport)
            leases.append(ms)
            quit_guest(g, uport)
        med, lo, hi = bl.summary(leases)
        print(f"  {machine:8} boot to DHCP lease: median {med:.0f} ms after the first instruction "
              f"(p10 {lo:.0f}, p90 {hi:.0f}; {a.runs} boots)")
    uport, tport = nettest.free_udp_port(), nettest.free_tcp_port()
    g, _ = boot(img, "microvm", uport, tport)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    s.sendto(b"warm", ("127.0.0.1", uport))
    s.recv(100)
    rtts = []
    for _ in range(200):
        t = time.perf_counter()
        s.sendto(b"ping", ("127.0.0.1", uport))
        s.recv(100)
        rtts.append((time.perf_counter() - t) * 1e6)
    med, lo, hi = bl.summary(rtts)
    print(f"  UDP round trip, 4-byte datagrams: median {med:.0f} us, p90 {hi:.0f} us (200, microvm)")
    mbs = nettest.tcp_echo(("127.0.0.1", tport), 8 << 20, quiet=True)
    print(f"  TCP echo, 8 MiB through one connection: {mbs:.1f} MB/s")
    qp = qemu_pid(g.p.pid)
    if qp:
        time.sleep(1)
        t0, c0 = time.time(), cpu_ticks(qp)
        time.sleep(a.idle_seconds)
        used = (cpu_ticks(qp) - c0) / os.sysconf("SC_CLK_TCK")
        print(f"  idle with a NIC up: QEMU used {used * 1000:.0f} ms of CPU in {time.time() - t0:.0f} s "
              f"({100 * used / (time.time() - t0):.2f}% of one CPU)")
    quit_guest(g, uport)


if __name__ == "__main__":
    main()

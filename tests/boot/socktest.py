#!/usr/bin/env python3
"""socktest.py: boot tests/boot/apps/sock (test_sock) on QEMU's user network and talk to its POSIX
sockets from real host sockets.

usage: socktest.py IMAGE --machine M CASE

Cases:
  echo      test_sock echo 7 behind tcp and udp hostfwds: 1 MiB through one TCP connection both
            ways at once, byte-exact (a Python client); 200 connections in waves of 32 open at
            once, each echoing its own 4 KiB from its own thread at the same time; 100 connections
            one after another; UDP datagrams of several sizes echoed byte-exact; then "quit", and
            the guest's count of connections must match. Figures (not checked): the 1 MiB echo's
            MB/s and sequential connections per second.
            A wave's connections are opened one at a time (nettest.open_proven says why); 1000
            connections at once is boot.httpd.many's, over a tap.
  client    a host listener on 127.0.0.1; the guest (test_sock connect 10.0.2.2 PORT MSG) resolves
            the address with getaddrinfo, connects out through the user network, sends a line and
            prints the host's reply line.
  keepalive (root only; skipped otherwise) a tap in a network namespace made for the test
            (192.168.79.1/24, the guest 192.168.79.2). A listener in the namespace accepts the
            guest's connection (test_sock keepalive: SO_KEEPALIVE, TCP_KEEPIDLE 1, TCP_KEEPINTVL 1,
            TCP_KEEPCNT 2); after a few seconds of idle connection (the probes answered: it must
            stay up), the tap goes down with the host's socket still open, so the peer vanishes
            without a FIN or RST, and the guest's blocking recv must fail ETIMEDOUT within 30 s
            (lwIP aborts 1 + 2 x 1 s after the last answer; the default idle time of 2 h would
            not, and a count not applied shows in the value read back). The namespace is
            deleted however the test ends.
Exits 0 when the case passed, 77 when it was skipped.
"""
import os
import re
import socket
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import nettest  # noqa: E402  (Guest, tcp_echo, echo_round, free ports)

RUNNER = nettest.RUNNER


def fail(msg):
    print("socktest: FAIL: " + msg)
    sys.exit(1)


def one_echo(s, n, i, errors):
    data = bytes((i * 13 + k * 7) & 0xff for k in range(n))
    try:
        s.sendall(data)
        got = bytearray()
        while len(got) < n:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
        s.close()
        if bytes(got) != data:
            errors.append("connection %d: %d bytes back of %d, differing" % (i, len(got), n))
    except OSError as e:
        errors.append("connection %d: %s" % (i, e))


def echo_case(image, machine):
    tport, uport = nettest.free_tcp_port(), nettest.free_udp_port()
    fwd = "hostfwd=tcp:127.0.0.1:%d-:7,hostfwd=udp:127.0.0.1:%d-:7" % (tport, uport)
    g = nettest.Guest([RUNNER, image, "--machine", machine, "--timeout", "150", "--mem", "128M",
                       "--net", "user," + fwd, "--", "echo", "7"])
    g.wait_for(r"^sock: echo ready on port 7$", 60)
    mbs = nettest.tcp_echo(("127.0.0.1", tport), 1 << 20)
    print("socktest: figure: 1 MiB TCP echo through user networking, %.1f MB/s" % mbs)
    conns = 1

    errors = []
    at_once, total = 32, 200
    for first in range(0, total, at_once):
        wave = range(first, min(first + at_once, total))
        socks = []
        for i in wave:
            try:
                socks.append(nettest.open_proven(("127.0.0.1", tport)))
            except OSError as e:
                fail("connection %d of a wave: %s" % (i, e))
        threads = [threading.Thread(target=one_echo, args=(s, 4096, i, errors)) for s, i in zip(socks, wave)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            fail("parallel connections: %d failed, first: %s" % (len(errors), errors[0]))
    print("socktest: ok: %d connections in waves of %d open at once, each echoed 4 KiB byte-exact at the same time" % (total, at_once))
    conns += total

    t0 = time.perf_counter()
    for i in range(100):
        try:
            c = socket.create_connection(("127.0.0.1", tport), timeout=30)
        except OSError as e:
            fail("sequential connection %d: %s" % (i, e))
        one_echo(c, 64, i, errors)
        if errors:
            fail("sequential connection: %s" % errors[0])
    dt = time.perf_counter() - t0
    conns += 100
    print("socktest: ok: 100 sequential connections echoed")
    print("socktest: figure: sequential connections (connect, 64 B echo, close) %.0f/s" % (100 / dt))

    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    nettest.echo_round(s, ("127.0.0.1", uport))  # ends with "quit"
    m = g.wait_for(r"^sock: served ([0-9]+) connections, ([0-9]+) bytes", 30)
    if int(m.group(1)) != conns:
        fail("the guest counted %s connections, the host made %d" % (m.group(1), conns))
    if int(m.group(2)) != (1 << 20) + 200 * (1 + 4096) + 100 * 64:
        fail("the guest echoed %s bytes" % m.group(2))
    st = g.finish(30)
    if st != 0 or "FAIL" in g.out:
        fail("exit status %d%s" % (st, ", a FAIL line" if "FAIL" in g.out else ""))


def client_case(image, machine):
    l = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    l.bind(("127.0.0.1", 0))
    l.listen(1)
    l.settimeout(90)
    port = l.getsockname()[1]
    g = nettest.Guest([RUNNER, image, "--machine", machine, "--timeout", "90", "--net", "user", "--",
                       "connect", "10.0.2.2", str(port), "hello-from-guest"])
    try:
        c, _ = l.accept()
    except socket.timeout:
        g.finish(5)
        fail("the guest never connected")
    c.settimeout(30)
    line = b""
    while not line.endswith(b"\n"):
        chunk = c.recv(100)
        if not chunk:
            break
        line += chunk
    if line != b"hello-from-guest\n":
        fail("the guest sent %r" % line)
    c.sendall(b"hello-from-host got " + line)
    c.close()
    g.wait_for(r"^reply: hello-from-host got hello-from-guest$", 30)
    g.wait_for(r"^connected from 10\.0\.2\.15:[0-9]+$", 1)
    st = g.finish(30)
    if st != 0:
        fail("exit status %d" % st)


def keepalive_case(image, machine):
    if os.geteuid() != 0 or not os.path.exists("/dev/net/tun"):
        print("socktest: skipped: needs root and /dev/net/tun")
        sys.exit(77)
    ns, tap = "libos-socktest-%d" % os.getpid(), "ktap0"
    g = None
    try:
        nettest.enter_tap_namespace(ns, tap, "192.168.79.1/24")  # the listener and QEMU live in it
        l = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        l.bind(("192.168.79.1", 0))
        l.listen(1)
        l.settimeout(50)
        port = l.getsockname()[1]
        g = nettest.Guest([RUNNER, image, "--machine", machine, "--timeout", "60", "--net", "tap:" + tap,
                           "--", "net.eth0=192.168.79.2/24,gw=192.168.79.1", "keepalive", "192.168.79.1",
                           str(port)])
        try:
            c, peer = l.accept()
        except socket.timeout:
            fail("the guest never connected")
        g.wait_for(r"^sock keepalive: armed$", 30)
        time.sleep(4)  # idle past TCP_KEEPIDLE + TCP_KEEPCNT x TCP_KEEPINTVL: answered probes keep it up
        if re.search(r"^sock keepalive: recv", g.out, re.M):
            fail("the connection ended while the peer was there")
        print("socktest: ok: the idle connection stays up while the peer answers")
        nettest.sh("ip", "link", "set", tap, "down")  # the peer vanishes: no FIN, no RST
        m = g.wait_for(r"^sock keepalive: recv returned (-?[0-9]+), (.*) after ([0-9.]+) s$", 30)
        if m.group(2) != "ETIMEDOUT":
            fail("recv returned %s, %s" % (m.group(1), m.group(2)))
        print("socktest: ok: the guest's recv failed ETIMEDOUT once the peer vanished")
        g.wait_for(r"^sock keepalive: all checks passed$", 10)
        st = g.finish(30)
        g = None
        c.close()
        if st != 0:
            fail("exit status %d" % st)
    finally:
        if g is not None:
            g.kill()
            g.finish(10)
        nettest.sh("ip", "netns", "del", ns, check=False)


def main(argv):
    if len(argv) != 4 or argv[1] != "--machine":
        sys.exit(__doc__)
    image, machine, case = argv[0], argv[2], argv[3]
    if case == "echo":
        echo_case(image, machine)
    elif case == "client":
        client_case(image, machine)
    elif case == "keepalive":
        keepalive_case(image, machine)
    else:
        sys.exit("socktest: unknown case %r" % case)
    print("socktest: passed")


if __name__ == "__main__":
    main(sys.argv[1:])

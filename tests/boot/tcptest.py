#!/usr/bin/env python3
"""tcptest.py: boot tests/boot/apps/tcpserve (test_tcpserve, a raw-API TCP server) on QEMU user
networking and drive it with real host sockets through tcp hostfwds.

usage: tcptest.py IMAGE --machine M CASE [--figures]

Cases:
  timewait  boots with net.max_conns=4 (a PCB pool of 4) and makes 40 connections one after
            another; on each the guest answers "bye" and closes first, so each of its PCBs ends
            in TIME-WAIT (2 minutes in lwIP). Every connection must get its answer: from the
            5th on the pool is full of TIME-WAIT PCBs and only tcp_alloc's reclaim of the oldest
            makes room. The guest's counters must show the pool was full (and never held more
            than 4 PCBs), that TIME-WAIT PCBs are there, and that it sent no reset.
  backlog   a listener with a backlog of 4 that holds its connections unaccepted; 10 clients
            connect. The guest must hold exactly 4, send no reset (the SYNs beyond the backlog
            are dropped, so clients retry), and after "release" every client must be served,
            the later ones by the SYNs they retransmit.
  many      1000 connections open at once (the default pool, in 16 MiB), each echoing a line, three
            rounds over all of them; then all closed, and the guest's active PCBs back to the
            stats connection's own. With --figures it prints the round trip per request with
            10 and with 1000 connections open (figures, not checked).
Exits 0 when the case passed.
"""
import os
import re
import resource
import select
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import nettest  # noqa: E402  (Guest, free_tcp_port, fail)

from nettest import fail  # noqa: E402

PORT, HOLDPORT = 7, 8


def boot(image, machine, args, quiet=False, mem=None):
    port, hport = nettest.free_tcp_port(), nettest.free_tcp_port()
    fwd = "user,hostfwd=tcp:127.0.0.1:%d-:%d,hostfwd=tcp:127.0.0.1:%d-:%d" % (port, PORT, hport, HOLDPORT)
    g = nettest.Guest([nettest.RUNNER, image, "--machine", machine, "--timeout", "150", "--net", fwd]
                      + (["--mem", mem] if mem else []) + ["--"] + args + [str(PORT), str(HOLDPORT), "4"], quiet=quiet)
    g.wait_for(r"^tcpserve: listening on 7, holding on 8 with backlog 4$", 60)
    return g, port, hport


def ask(port, cmd, timeout=20):
    """Connect, send cmd, read the answer until the guest closes. Returns it as text."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(cmd.encode())
    got = b""
    while True:
        try:
            d = s.recv(4096)
        except socket.timeout:
            fail("%r: no end of the answer within %d s (got %r)" % (cmd, timeout, got))
        except ConnectionResetError:
            fail("%r: connection reset (got %r)" % (cmd, got))
        if not d:
            break
        got += d
    s.close()
    return got.decode(errors="replace")


def stats(port):
    line = ask(port, "stats")
    m = re.match(r"stats: pcbs (\d+)/(\d+) max (\d+) exhausted (\d+), active (\d+), time-wait (\d+), "
                 r"held (\d+), rst (\d+)\n$", line)
    if not m:
        fail("unexpected stats answer %r" % line)
    print("tcptest: guest " + line.strip())
    keys = ("used", "avail", "max", "exhausted", "active", "tw", "held", "rst")
    return dict(zip(keys, map(int, m.groups())))


def quit_guest(g, port):
    if ask(port, "quit") != "bye\n":
        fail("quit: unexpected answer")
    st = g.finish(30)
    if st != 0:
        fail("exit status %d, expected 0" % st)


def timewait_case(image, machine):
    g, port, _ = boot(image, machine, ["net.max_conns=4", "libos.verbose=1"])
    g.wait_for(r"^net: pools for 4 connections: ", 5)
    n = 40
    t0 = time.time()
    for i in range(n):
        a = ask(port, "close")
        if a != "bye\n":
            fail("connection %d: answer %r, expected 'bye'" % (i + 1, a))
    took = time.time() - t0
    print("tcptest: ok: %d sequential connections answered in %.0f s, with a pool of 4 PCBs" % (n, took))
    st = stats(port)
    if st["avail"] != 4 or st["max"] != 4:
        fail("the PCB pool should hold 4 and have been full (avail %d, max %d)" % (st["avail"], st["max"]))
    if st["tw"] == 0 or st["tw"] + st["active"] > 4:
        fail("expected the pool's PCBs in TIME-WAIT (time-wait %d, active %d)" % (st["tw"], st["active"]))
    if st["rst"] != 0:
        fail("the guest sent %d resets" % st["rst"])
    # Each of the 40 closes left a PCB in TIME-WAIT, which lasts 2 minutes in lwIP: with 4 PCBs
    # in all, all but the last few were reclaimed by tcp_alloc for the next connection.
    print("tcptest: ok: TIME-WAIT PCBs reclaimed for new connections (%s), no reset sent"
          % ("at least %d" % (n - 4) if took < 120 else "the run took longer than TIME-WAIT lasts"))
    quit_guest(g, port)


def backlog_case(image, machine):
    g, port, hport = boot(image, machine, [])
    clients = []
    for i in range(10):
        s = socket.create_connection(("127.0.0.1", hport), timeout=60)  # slirp accepts at once
        clients.append(s)
    held = 0
    for _ in range(50):  # the guest's handshakes go on behind slirp; wait until it holds 4
        st = stats(port)
        held = st["held"]
        if held >= 4:
            break
        time.sleep(0.2)
    time.sleep(2)  # SYNs beyond the backlog come and are dropped meanwhile (slirp retries)
    st = stats(port)
    if st["held"] != 4:
        fail("the guest holds %d connections, expected its backlog of 4" % st["held"])
    if st["rst"] != 0:
        fail("the guest sent %d resets with its backlog full" % st["rst"])
    print("tcptest: ok: backlog of 4 full, 6 more clients waiting, no reset sent")
    # Release what the guest holds, again and again: the waiting clients' connections reach it
    # as slirp retransmits their SYNs, and are held (then released) in turn.
    got = {s: b"" for s in clients}
    deadline = time.time() + 60
    while any(v != b"hi\n" for v in got.values()):
        if time.time() > deadline:
            fail("%d clients not served within 60 s of the release"
                 % sum(v != b"hi\n" for v in got.values()))
        if ask(port, "release").strip() != "ok":
            fail("release: unexpected answer")
        r, _, _ = select.select([s for s, v in got.items() if v != b"hi\n"], [], [], 0.5)
        for s in r:
            try:
                d = s.recv(100)
            except ConnectionResetError:
                fail("a client's connection was reset")
            if not d and got[s] != b"hi\n":
                fail("a client's connection closed with %r, expected 'hi'" % got[s])
            got[s] += d
    for s in clients:
        s.close()
    print("tcptest: ok: all 10 clients served after the backlog emptied")
    st = stats(port)
    if st["rst"] != 0:
        fail("the guest sent %d resets" % st["rst"])
    quit_guest(g, port)


def echo_round(socks, tag):
    """One line echoed on every connection, one connection at a time. Seconds per request."""
    t = time.perf_counter()
    for i, s in enumerate(socks):
        msg = ("%s %d\n" % (tag, i)).encode()
        s.sendall(msg)
        got = b""
        while len(got) < len(msg):
            d = s.recv(100)
            if not d:
                fail("connection %d closed during the echo" % i)
            got += d
        if got != msg:
            fail("connection %d: echo %r, expected %r" % (i, got, msg))
    return (time.perf_counter() - t) / len(socks)


def guest_input(s):
    """eth0's received frames and lwIP's time over them, asked on open connection s."""
    s.sendall(b"count")
    line = b""
    while not line.endswith(b"\n"):
        d = s.recv(200)
        if not d:
            fail("count: connection closed")
        line += d
    m = re.match(rb"count: frames (\d+) input (\d+) ns heap (\d+) KiB\n$", line)
    if not m:
        fail("unexpected count answer %r" % line)
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def per_frame(socks, rounds, tag):
    """lwIP's input time per received frame over rounds of echoes on socks (ns)."""
    f0, t0, _ = guest_input(socks[0])
    for r in range(rounds):
        echo_round(socks, "%s%d" % (tag, r))
    f1, t1, _ = guest_input(socks[0])
    return (t1 - t0) / max(1, f1 - f0)


def many_case(image, machine, figures):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    g, port, _ = boot(image, machine, ["libos.verbose=1"], mem="16M")
    g.wait_for(r"^net: pools for 1000 connections: ", 5)
    heap0 = None
    socks = []
    few = None
    for i in range(1000):
        # each connection echoes a line at once: slirp's forwarding socket (listen backlog 1)
        # takes the next connection much sooner when the last one is busy
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.sendall(b"hello\n")
        if s.recv(10) != b"hello\n":
            fail("connection %d: no echo" % (i + 1))
        socks.append(s)
        if heap0 is None:
            heap0 = guest_input(s)[2]
        if len(socks) == 10 and figures:
            few = min(echo_round(socks, "few%d" % r) for r in range(5))
            few_in = per_frame(socks, 5, "few")
    print("tcptest: ok: 1000 connections open, each echoed a line")
    for r in range(3):
        per = echo_round(socks, "round%d" % r)
    print("tcptest: ok: three rounds over 1000 connections echoed byte-exact")
    heap = guest_input(socks[0])[2]
    print("tcptest: figure: heap in use with 1 connection %d KiB, with 1000 %d KiB (%.0f B more per connection)"
          % (heap0, heap, (heap - heap0) * 1024 / 999))
    # the pool is full (a 1001st connection's SYN would be dropped): ask on the last connection
    last = socks.pop()
    last.sendall(b"stats")
    line = b""
    while not line.endswith(b"\n"):
        d = last.recv(200)
        if not d:
            break
        line += d
    last.close()
    print("tcptest: guest " + line.decode(errors="replace").strip())
    m = re.search(rb"active (\d+),", line)
    if not m or int(m.group(1)) != 1000:
        fail("expected 1000 active connections on the guest: %r" % line)
    if figures:
        many_in = per_frame(socks, 1, "many")
        print("tcptest: figure: echo round trip with 10 connections open %.0f us, with 1000 %.0f us"
              % (few * 1e6, per * 1e6))
        print("tcptest: figure: lwIP input per received frame with 10 connections open %.1f us, "
              "with 1000 %.1f us" % (few_in / 1e3, many_in / 1e3))
    for s in socks:
        s.close()
    for _ in range(100):  # the closes reach the guest through slirp
        st = stats(port)
        if st["active"] <= 1:
            break
        time.sleep(0.5)
    if st["active"] > 1:
        fail("%d connections still active on the guest after all were closed" % st["active"])
    print("tcptest: ok: all 1000 closed, the guest's active list back to the stats connection")
    quit_guest(g, port)


def main(argv):
    figures = "--figures" in argv
    argv = [a for a in argv if a != "--figures"]
    if len(argv) != 4 or argv[1] != "--machine":
        sys.exit(__doc__)
    image, machine, case = argv[0], argv[2], argv[3]
    if case == "timewait":
        timewait_case(image, machine)
    elif case == "backlog":
        backlog_case(image, machine)
    elif case == "many":
        many_case(image, machine, figures)
    else:
        sys.exit("tcptest: unknown case %r" % case)
    print("tcptest: passed")


if __name__ == "__main__":
    main(sys.argv[1:])

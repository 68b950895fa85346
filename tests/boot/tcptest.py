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
  overrun   (root only; skipped otherwise) in a network namespace the test makes, with a tap
            device that QEMU attaches to: the test itself is a TCP peer that writes its
            segments onto the tap (an AF_PACKET socket, at its own address 192.168.77.3), which
            a kernel socket could not do: it makes a connection stop reading ("stall"), fills its
            window to ~1.5 KB, sends a segment that starts inside the window and ends 900 bytes
            past it (queued out of order), then fills the hole. lwIP 2.2.1 then subtracts the
            queued segment from what is left of the window, which its assertion forbids (a
            panic); net/lwip-patches/0003 drops the queue instead. The guest must answer a
            connection from the host's kernel after it, and exit 0.
  reuse     (root only; skipped otherwise) in a network namespace with a tap, as overrun: 20
            connections one after another from the host's kernel, all from the same source port
            (SO_REUSEADDR), each echoing a line and then asking "close", so the guest closes
            first and holds the 4-tuple in TIME-WAIT (2 minutes in lwIP; the default pool of 1000
            PCBs is never full, so tcp_alloc reclaims none) when the next SYN on it comes. Each
            must connect and echo: lwIP 2.2.1 answers such a SYN with an ACK, and connect times
            out; net/lwip-patches/0004 opens a new connection when the SYN's sequence number is
            beyond the old connection's (RFC 1122 4.2.2.13). The guest's counters must show at
            most one TIME-WAIT PCB left and no reset sent.
Exits 0 when the case passed, 77 when it was skipped.
"""
import errno
import os
import re
import resource
import select
import socket
import struct
import subprocess
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


def ask(port, cmd, timeout=20, host="127.0.0.1"):
    """Connect, send cmd, read the answer until the guest closes. Returns it as text."""
    s = socket.create_connection((host, port), timeout=timeout)
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


def stats(port, host="127.0.0.1"):
    line = ask(port, "stats", host=host)
    m = re.match(r"stats: pcbs (\d+)/(\d+) max (\d+) exhausted (\d+), active (\d+), time-wait (\d+), "
                 r"held (\d+), rst (\d+)\n$", line)
    if not m:
        fail("unexpected stats answer %r" % line)
    print("tcptest: guest " + line.strip())
    keys = ("used", "avail", "max", "exhausted", "active", "tw", "held", "rst")
    return dict(zip(keys, map(int, m.groups())))


def quit_guest(g, port, host="127.0.0.1"):
    if ask(port, "quit", host=host) != "bye\n":
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


GUEST_MAC = bytes.fromhex("525400123456")  # the runner's first NIC
PEER_MAC = bytes.fromhex("020000000003")


class RawPeer:
    """A TCP peer of our own on an interface: Ethernet, ARP replies, IPv4, TCP, by hand."""

    def __init__(self, ifname, ip, guest_ip):
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
        self.s.bind((ifname, 0))
        self.ip, self.gip = socket.inet_aton(ip), socket.inet_aton(guest_ip)
        self.ident = 1

    def send_ip(self, payload):
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), self.ident, 0x4000, 64, 6, 0,
                          self.ip, self.gip)
        self.ident += 1
        hdr = hdr[:10] + struct.pack("!H", nettest.inet_sum(hdr)) + hdr[12:]
        self.s.send(GUEST_MAC + PEER_MAC + b"\x08\x00" + hdr + payload)

    def send_tcp(self, sport, dport, seq, ack, flags, data=b"", opts=b""):
        off = (20 + len(opts)) // 4
        t = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff, ack & 0xffffffff, off << 4, flags,
                        65535, 0, 0) + opts + data
        pseudo = self.ip + self.gip + struct.pack("!BBH", 0, 6, len(t))
        t = t[:16] + struct.pack("!H", nettest.inet_sum(pseudo + t)) + t[18:]
        self.send_ip(t)

    def recv_tcp(self, timeout):
        """The next TCP segment from the guest to us: (flags, seq, ack, window, data); answers
        ARP requests for our address meanwhile. None after timeout seconds."""
        end = time.time() + timeout
        while time.time() < end:
            r, _, _ = select.select([self.s], [], [], max(0, end - time.time()))
            if not r:
                break
            f = self.s.recv(65536)
            typ = f[12:14]
            if typ == b"\x08\x06" and f[20:22] == b"\x00\x01" and f[38:42] == self.ip:  # ARP request
                arp = b"\x00\x01\x08\x00\x06\x04\x00\x02" + PEER_MAC + self.ip + f[22:28] + f[28:32]
                self.s.send(f[22:28] + PEER_MAC + b"\x08\x06" + arp)
                continue
            if typ != b"\x08\x00" or f[14 + 9] != 6 or f[14 + 12:14 + 16] != self.gip or f[14 + 16:14 + 20] != self.ip:
                continue
            ip = f[14:]
            hl = (ip[0] & 15) * 4
            tot = struct.unpack("!H", ip[2:4])[0]
            t = ip[hl:tot]
            seq, ack = struct.unpack("!II", t[4:12])
            off = (t[12] >> 4) * 4
            return t[13], seq, ack, struct.unpack("!H", t[14:16])[0], t[off:]
        return None


def sh(*cmd):
    r = subprocess.run(list(cmd), capture_output=True, text=True)
    if r.returncode != 0:
        fail("%s: %s" % (" ".join(cmd), (r.stderr or r.stdout).strip()))


def in_namespace(image, machine, case, inside):
    """Run case in a network namespace of its own (root only: else exit 77), calling inside(),
    which boots the guest on a tap device there (tap_guest)."""
    if os.geteuid() != 0 or not os.path.exists("/dev/net/tun"):
        print("tcptest: skipped: needs root and /dev/net/tun")
        sys.exit(77)
    if len(sys.argv) > 1 and sys.argv[-1] == "--in-namespace":
        return inside(image, machine)
    ns = "libos-tcptest-%d" % os.getpid()
    sh("ip", "netns", "add", ns)
    try:
        r = subprocess.run(["ip", "netns", "exec", ns, sys.executable, os.path.abspath(__file__), image,
                            "--machine", machine, case, "--in-namespace"])
        if r.returncode != 0:
            sys.exit(r.returncode)
    finally:
        subprocess.run(["ip", "netns", "del", ns])


def tap_guest(image, machine):
    """The guest at 192.168.77.2 on tap ltap0, the host (this namespace) at 192.168.77.1."""
    sh("ip", "link", "set", "lo", "up")
    sh("ip", "tuntap", "add", "dev", "ltap0", "mode", "tap")
    sh("ip", "addr", "add", "192.168.77.1/24", "dev", "ltap0")
    sh("ip", "link", "set", "ltap0", "up")
    return nettest.Guest([nettest.RUNNER, image, "--machine", machine, "--timeout", "120", "--net", "tap:ltap0",
                          "--", "net.eth0=192.168.77.2/24", str(PORT), str(HOLDPORT), "4"])


def overrun_case(image, machine):
    in_namespace(image, machine, "overrun", overrun_inside)


def overrun_inside(image, machine):
    g = tap_guest(image, machine)
    try:
        g.wait_for(r"^tcpserve: listening on 7, holding on 8 with backlog 4$", 60)
        peer = RawPeer("ltap0", "192.168.77.3", "192.168.77.2")
        sport, iss = 40000, 1000
        for _ in range(5):  # the guest resolves our address first (ARP)
            peer.send_tcp(sport, PORT, iss, 0, 0x02, opts=b"\x02\x04\x05\xb4")
            seg = peer.recv_tcp(2)
            while seg and not (seg[0] & 0x12 == 0x12):
                seg = peer.recv_tcp(2)
            if seg:
                break
        else:
            fail("no SYN-ACK from the guest")
        gseq = seg[1] + 1
        nxt = iss + 1
        peer.send_tcp(sport, PORT, nxt, gseq, 0x10)
        peer.send_tcp(sport, PORT, nxt, gseq, 0x18, b"stall")
        nxt += 5
        win = None

        def acked_window():
            """The guest's window once it has acknowledged everything sent."""
            end = time.time() + 5
            w = None
            while time.time() < end:
                sg = peer.recv_tcp(0.5)
                if sg and sg[2] == nxt & 0xffffffff:
                    return sg[3]
                if not sg:  # a delayed ACK: ask for one with a window probe's duplicate
                    peer.send_tcp(sport, PORT, nxt - 1, gseq, 0x10, b"x")
            return w
        win = acked_window()
        if win is None:
            fail("the guest did not acknowledge 'stall'")
        print("tcptest: connection stalled, guest window %d" % win)
        while win > 1900:  # fill the window, the guest reads nothing
            n = min(1460, win - 1500)
            peer.send_tcp(sport, PORT, nxt, gseq, 0x18, bytes(n))
            nxt += n
            w = acked_window()
            if w is None:
                fail("the guest stopped acknowledging at window %d" % win)
            win = w
        print("tcptest: guest window down to %d" % win)
        # starts inside the window, ends 900 bytes past it: queued out of order, untrimmed
        peer.send_tcp(sport, PORT, nxt + win - 500, gseq, 0x18, bytes(1400))
        time.sleep(0.3)
        peer.send_tcp(sport, PORT, nxt, gseq, 0x18, bytes(win - 500))  # fills the hole
        time.sleep(1)
        if "PANIC" in g.out or g.p.poll() is not None:
            g.finish(5)
            fail("the guest died after the window overrun")
        print("tcptest: ok: the guest took the overrunning segment without an assertion")
        peer.send_tcp(sport, PORT, nxt, gseq, 0x04)  # reset our connection: done with it
        stats(PORT, host="192.168.77.2")  # it still answers
        quit_guest(g, PORT, host="192.168.77.2")
        g = None
        print("tcptest: ok: the guest still serves and exits 0")
    finally:
        if g is not None:
            g.kill()
            g.finish(10)


def reuse_case(image, machine):
    in_namespace(image, machine, "reuse", reuse_inside)


def reuse_inside(image, machine):
    g = tap_guest(image, machine)
    try:
        g.wait_for(r"^tcpserve: listening on 7, holding on 8 with backlog 4$", 60)
        guest, sport, n = ("192.168.77.2", PORT), 41000, 20
        for i in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("192.168.77.1", sport))
            s.settimeout(15)
            for _ in range(50):  # our last connection's end (LAST-ACK) may still hold the 4-tuple
                try:
                    s.connect(guest)
                    break
                except OSError as e:
                    if e.errno != errno.EADDRNOTAVAIL:
                        fail("connection %d from port %d (the guest holds it in TIME-WAIT): connect: %s"
                             % (i + 1, sport, e))
                    time.sleep(0.1)
            else:
                fail("connection %d: port %d still in use on the host" % (i + 1, sport))
            msg = ("reuse %d\n" % i).encode()
            s.sendall(msg)
            got = b""
            while len(got) < len(msg):
                d = s.recv(100)
                if not d:
                    break
                got += d
            if got != msg:
                fail("connection %d: echo %r, expected %r" % (i + 1, got, msg))
            s.sendall(b"close")
            got = b""
            while True:
                d = s.recv(100)
                if not d:
                    break
                got += d
            if got != b"bye\n":
                fail("connection %d: answer %r to close, expected 'bye'" % (i + 1, got))
            s.close()
        print("tcptest: ok: %d connections from port %d, each while the guest held the last in TIME-WAIT"
              % (n, sport))
        st = stats(PORT, host=guest[0])
        if st["tw"] > 1:
            fail("%d TIME-WAIT PCBs on the guest, expected the last connection's at most" % st["tw"])
        if st["max"] > 4 or st["exhausted"] != 0:
            fail("the pool held up to %d PCBs (exhausted %d): not the reuse this case is about"
                 % (st["max"], st["exhausted"]))
        if st["rst"] != 0:
            fail("the guest sent %d resets" % st["rst"])
        print("tcptest: ok: each SYN ended the TIME-WAIT connection (none left but the last), no reset sent")
        if ask(PORT, "quit", host=guest[0]) != "bye\n":
            fail("quit: unexpected answer")
        code = g.finish(30)
        g = None
        if code != 0:
            fail("exit status %d, expected 0" % code)
    finally:
        if g is not None:  # failed: end the guest (killing the runner would leave QEMU running)
            try:
                ask(PORT, "quit", timeout=5, host="192.168.77.2")
            except (SystemExit, OSError):
                pass
            g.finish(10)


def main(argv):
    figures = "--figures" in argv
    argv = [a for a in argv if a not in ("--figures", "--in-namespace")]
    if len(argv) != 4 or argv[1] != "--machine":
        sys.exit(__doc__)
    image, machine, case = argv[0], argv[2], argv[3]
    if case == "timewait":
        timewait_case(image, machine)
    elif case == "backlog":
        backlog_case(image, machine)
    elif case == "many":
        many_case(image, machine, figures)
    elif case == "overrun":
        overrun_case(image, machine)
    elif case == "reuse":
        reuse_case(image, machine)
    else:
        sys.exit("tcptest: unknown case %r" % case)
    print("tcptest: passed")


if __name__ == "__main__":
    main(sys.argv[1:])

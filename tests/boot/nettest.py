#!/usr/bin/env python3
"""nettest.py: boot tests/boot/apps/net (test_net) with a NIC and talk to it from the host.

usage: nettest.py IMAGE --machine M CASE

Cases (each boots one image through toolchain/libos-run with a timeout):
  user-dhcp    QEMU user networking: the lease line (10.0.2.15 from 10.0.2.2), then 4 MiB through
               a TCP connection from the host (a tcp hostfwd) to the guest's TCP echo, and a real
               UDP socket on the host sends datagrams of several sizes through a udp hostfwd to
               the guest's echo port; every byte must come back as sent. The median round trip
               and the TCP rate are printed (figures, not checked).
               The lease's DNS server (10.0.2.3) must be lwIP's first.
  user-static  the same with net.eth0=10.0.2.16/24,gw=10.0.2.2,dns=10.0.2.3: the static line,
               the DNS server, and the forward aims at 10.0.2.16, so the echo proves the
               address is the guest's.
  two-nics     two user networks (10.0.2.0/24 and 10.0.3.0/24): both leases, echo through eth1.
  user-nooffload  user networking on a device with every optional feature off (no mergeable
               buffers, event index, indirect descriptors, checksums) and host_mtu=1400: the
               guest's MTU is 1400, and the echo works.
  tap          (root only; skipped otherwise) a network namespace made for the test, with a tap
               device in it (192.168.77.1/24) that QEMU, run inside the namespace, attaches to;
               the guest (static 192.168.77.2) must answer ping over IPv4 and IPv6 (its link-local
               address) and echo UDP and 4 MiB of TCP (window scaling, tap's offloads). The namespace is deleted however the test ends, which also
               removes the tap: no traffic leaves it.
Exits 0 when the case passed, 77 when it was skipped. (nettest.py ping ADDR [IFNAME] is the
tap case's ping, run inside the namespace: the machine has no ping tool.)
"""
import atexit
import os
import re
import select
import signal
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(HERE, "..", "..", "toolchain", "libos-run")
SIZES = [1, 7, 64, 512, 1000, 1400, 1472, 3000, 8000]


def fail(msg):
    print("nettest: FAIL: " + msg)
    sys.exit(1)


_guests = []  # every Guest still running: killed at exit, however the test ends


def _kill_guests():
    for g in _guests:
        g.kill()


atexit.register(_kill_guests)


class Guest:
    """A booted image: its console lines as they come, and its exit status. The runner and the
    QEMU it starts are a process group of their own, killed together (kill(), finish() past its
    timeout, or at exit when a check failed): killing the runner alone would leave QEMU running,
    holding the console pipe, until its own --timeout."""

    def __init__(self, cmd, quiet=False):
        self.quiet = quiet
        if not quiet:
            print("nettest: running " + " ".join(cmd))
        self.p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, start_new_session=True)
        self.out = ""
        _guests.append(self)

    def kill(self):
        try:
            os.killpg(self.p.pid, signal.SIGKILL)  # the runner may be gone and QEMU not
        except OSError:
            pass  # the whole group is gone

    def wait_for(self, regex, timeout):
        end = time.time() + timeout
        while True:
            m = re.search(regex, self.out, re.M)
            if m:
                return m
            left = end - time.time()
            if left <= 0 or self.p.poll() is not None and not select.select([self.p.stdout], [], [], 0)[0]:
                self.finish(1)
                fail("no line matching %r within %d s" % (regex, timeout))
            r, _, _ = select.select([self.p.stdout], [], [], left)
            if r:
                data = os.read(self.p.stdout.fileno(), 65536)
                if not data and self.p.poll() is not None:
                    continue
                text = data.decode(errors="replace")
                if not self.quiet:
                    sys.stdout.write(text)
                    sys.stdout.flush()
                self.out += text

    def finish(self, timeout):
        try:
            rest, _ = self.p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            rest, _ = self.p.communicate()
        if self in _guests:
            _guests.remove(self)
        text = rest.decode(errors="replace")
        if not self.quiet:
            sys.stdout.write(text)
        self.out += text
        return self.p.returncode


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def echo_round(sock, addr):
    """Each size once (the payload differs per size), then quit. Returns the round trips in us."""
    rtts = []
    for n in SIZES:
        data = bytes((i * 7 + n) & 0xff for i in range(n))
        for attempt in range(3):  # UDP may lose the first datagrams while ARP/ND resolve
            t = time.perf_counter()
            sock.sendto(data, addr)
            try:
                got = sock.recv(65536)
            except socket.timeout:
                continue
            rtts.append((time.perf_counter() - t) * 1e6)
            break
        else:
            fail("no echo of a %d-byte datagram" % n)
        if got != data:
            fail("the echo of a %d-byte datagram differs (%d bytes back)" % (n, len(got)))
        print("nettest: ok: %d-byte datagram echoed byte-exact" % n)
    for _ in range(20):  # a figure: round trips of small datagrams
        t = time.perf_counter()
        sock.sendto(b"ping", addr)
        sock.recv(100)
        rtts.append((time.perf_counter() - t) * 1e6)
    sock.sendto(b"quit", addr)  # its echo may not make it out: the guest exits at once
    return rtts


def open_proven(addr, timeout=30):
    """A TCP connection to an echo server behind a hostfwd, proven end to end: one byte sent and
    echoed, so QEMU has accepted it and the guest holds it. Open a guest's connections through
    a hostfwd one at a time with this: QEMU's user network listens for a hostfwd with a backlog
    of 1 (ss -ltn shows it), so connects in a burst overflow the host kernel's accept queue, and
    the host then drops handshake ACKs and data until its own retransmissions get through, up
    to a minute later. That measures the host, not the guest."""
    s = socket.create_connection(addr, timeout=timeout)
    s.settimeout(timeout)
    s.sendall(b"\x00")
    if s.recv(1) != b"\x00":
        s.close()
        raise OSError("the first byte did not come back")
    return s


def tcp_echo(addr, total, timeout=120, quiet=False):
    """Send total bytes over one TCP connection while reading the echo; check it byte-exact.
    Returns the throughput in MB/s (both directions' bytes counted once)."""
    import threading
    data = bytes((i * 31 + (i >> 10)) & 0xff for i in range(total))
    s = socket.create_connection(addr, timeout=30)
    s.settimeout(timeout)
    t0 = time.perf_counter()
    err = []

    def send():
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        except OSError as e:
            err.append(e)
    th = threading.Thread(target=send)
    th.start()
    got = bytearray()
    while True:
        try:
            chunk = s.recv(1 << 16)
        except socket.timeout:
            fail("TCP echo: stalled after %d of %d bytes" % (len(got), total))
        if not chunk:
            break
        got += chunk
    th.join()
    s.close()
    dt = time.perf_counter() - t0
    if err:
        fail("TCP echo: sending failed: %s" % err[0])
    if bytes(got) != data:
        bad = next((i for i in range(min(len(got), total)) if got[i] != data[i]), min(len(got), total))
        fail("TCP echo: %d bytes back of %d, first difference at %d" % (len(got), total, bad))
    if not quiet:
        print("nettest: ok: %d bytes echoed byte-exact over TCP" % total)
    return total / dt / 1e6


def free_tcp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def user_case(image, machine, case):
    port = free_udp_port()
    tport = free_tcp_port()
    static = case == "user-static"
    guest_ip = "10.0.2.16" if static else "10.0.2.15"
    args = ["net.eth0=10.0.2.16/24,gw=10.0.2.2,dns=10.0.2.3"] if static else []
    fwd = "hostfwd=udp:127.0.0.1:%d-%s:7,hostfwd=tcp:127.0.0.1:%d-%s:7" % (port, guest_ip, tport, guest_ip)
    nets = ["--net", "user," + fwd]
    if case == "two-nics":  # the echo goes through eth1, on a network of its own
        nets = ["--net", "user", "--net", "user,net=10.0.3.0/24,hostfwd=udp:127.0.0.1:%d-10.0.3.15:7,"
                "hostfwd=tcp:127.0.0.1:%d-10.0.3.15:7" % (port, tport)]
    elif case == "user-nooffload":  # every optional feature off, and an MTU from the device
        dev = "virtio-net-device" if machine == "microvm" else "virtio-net-pci"
        props = "mrg_rxbuf=off,event_idx=off,indirect_desc=off,csum=off,guest_csum=off,host_mtu=1400"
        nets = ["--qemu-arg=-netdev", "--qemu-arg=user,id=u0," + fwd,
                "--qemu-arg=-device", "--qemu-arg=%s,netdev=u0,mac=52:54:00:12:34:56,%s" % (dev, props)]
    g = Guest([RUNNER, image, "--machine", machine, "--timeout", "90"] + nets + ["--"] + args + ["echo", "7"])
    if case == "two-nics":
        g.wait_for(r"^net: eth0: 10\.0\.2\.15 netmask 255\.255\.255\.0 gateway 10\.0\.2\.2 \(DHCP", 60)
        g.wait_for(r"^net: eth1: 10\.0\.3\.15 netmask 255\.255\.255\.0 gateway 10\.0\.3\.2 \(DHCP", 60)
        g.wait_for(r"^nic eth1: mac 52:54:00:12:34:57 ", 60)
    elif case == "user-nooffload":
        g.wait_for(r"^nic eth0: mac 52:54:00:12:34:56 mtu 1400 ", 60)
    if static:
        g.wait_for(r"^net: eth0: 10\.0\.2\.16 netmask 255\.255\.255\.0 gateway 10\.0\.2\.2 \(static\)$", 60)
        g.wait_for(r"^dns 0: 10\.0\.2\.3$", 60)  # from dns=
    else:
        m = g.wait_for(r"^net: eth0: 10\.0\.2\.15 netmask 255\.255\.255\.0 gateway 10\.0\.2\.2 "
                       r"\(DHCP lease, ([0-9]+) ms after boot\)$", 60)
        print("nettest: figure: DHCP lease %s ms after boot" % m.group(1))
        if case != "two-nics":  # lwIP's DNS servers are global: with two leases the last one wins
            g.wait_for(r"^dns 0: 10\.0\.2\.3$", 60)  # from the lease (slirp's DNS)
    g.wait_for(r"^net: udp echo ready on port 7$", 60)
    mbs = tcp_echo(("127.0.0.1", tport), 4 << 20)
    print("nettest: figure: TCP echo through user networking, %.1f MB/s" % mbs)
    g.wait_for(r"^net: tcp connection closed after 4194304 bytes$", 30)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    rtts = echo_round(s, ("127.0.0.1", port))
    print("nettest: figure: UDP round trip through user networking, median %.0f us" % statistics.median(rtts))
    g.wait_for(r"^net: echoed [0-9]+ datagrams$", 30)
    st = g.finish(30)
    if st != 0:
        fail("exit status %d, expected 0" % st)
    if "FAIL" in g.out:
        fail("the guest reported a failure")


def inet_sum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(int.from_bytes(b[i:i + 2], "big") for i in range(0, len(b), 2))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ping(addr, ifname=None, count=3):
    """ICMP echo from a raw socket (the machine has no ping tool): count requests, each with its
    own payload, answered byte-exact within 10 s. Exits 0 when all were."""
    v6 = ":" in addr
    if v6:
        s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
        dest = (addr, 0, 0, socket.if_nametoindex(ifname) if ifname else 0)
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        dest = (addr, 0)
    s.settimeout(2)
    ident = os.getpid() & 0xffff
    for seq in range(1, count + 1):
        payload = bytes((seq * 13 + i) & 0xff for i in range(56))
        hdr = bytes([128 if v6 else 8, 0, 0, 0]) + ident.to_bytes(2, "big") + seq.to_bytes(2, "big")
        if not v6:  # the kernel sums ICMPv6 itself (it needs the pseudo-header)
            c = inet_sum(hdr + payload)
            hdr = hdr[:2] + c.to_bytes(2, "big") + hdr[4:]
        for attempt in range(5):  # 2 s each: neighbour discovery and DAD may still be going on
            t = time.perf_counter()
            s.sendto(hdr + payload, dest)
            pkt = None
            try:
                while True:
                    pkt = s.recv(2048)
                    if not v6:
                        pkt = pkt[(pkt[0] & 15) * 4:]
                    if pkt[0] == (129 if v6 else 0) and pkt[4:8] == hdr[4:8]:
                        break
            except socket.timeout:
                continue
            break
        else:
            print("ping: no reply to request %d from %s within 10 s" % (seq, addr))
            sys.exit(1)
        if pkt[8:] != payload:
            print("ping: the reply to request %d differs" % seq)
            sys.exit(1)
        print("ping: reply %d from %s in %.0f us" % (seq, addr, (time.perf_counter() - t) * 1e6))
    sys.exit(0)


def sh(*cmd, check=True):
    r = subprocess.run(list(cmd), capture_output=True, text=True)
    if check and r.returncode != 0:
        fail("%s: %s" % (" ".join(cmd), (r.stderr or r.stdout).strip()))
    return r


def enter_tap_namespace(ns, tap, host_cidr):
    """Make network namespace ns with lo up and a tap device tap at host_cidr, up, and move this
    process into it: QEMU and every socket it opens from now on live there. The caller deletes
    ns (ip netns del), which removes the tap too."""
    import ctypes
    sh("ip", "netns", "add", ns)
    for cmd in (["link", "set", "lo", "up"], ["tuntap", "add", "dev", tap, "mode", "tap"],
                ["addr", "add", host_cidr, "dev", tap], ["link", "set", tap, "up"]):
        sh("ip", "-n", ns, *cmd)
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/var/run/netns/" + ns, os.O_RDONLY)
    try:
        if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
            fail("setns into %s: %s" % (ns, os.strerror(ctypes.get_errno())))
    finally:
        os.close(fd)


def tap_case(image, machine):
    if os.geteuid() != 0 or not os.path.exists("/dev/net/tun"):
        print("nettest: skipped: needs root and /dev/net/tun")
        sys.exit(77)
    ns = "libos-nettest-%d" % os.getpid()
    sh("ip", "netns", "add", ns)
    g = None
    try:
        inns = ["ip", "netns", "exec", ns]
        sh(*inns, "ip", "link", "set", "lo", "up")
        sh(*inns, "ip", "tuntap", "add", "dev", "ltap0", "mode", "tap")
        sh(*inns, "ip", "addr", "add", "192.168.77.1/24", "dev", "ltap0")
        sh(*inns, "ip", "link", "set", "ltap0", "up")
        g = Guest(inns + [RUNNER, image, "--machine", machine, "--timeout", "120", "--net", "tap:ltap0", "--",
                          "libos.verbose=1", "net.eth0=192.168.77.2/24,gw=192.168.77.1", "echo", "7"])
        # tap keeps QEMU's offloads: the transmit checksum offload path is the one tested here
        g.wait_for(r"^net: eth0: .*, device checksums, guest checksums", 60)
        g.wait_for(r"^net: udp echo ready on port 7$", 60)
        for _ in range(100):  # the host's own link-local address on the tap must have passed DAD
            a = sh(*inns, "ip", "-6", "addr", "show", "dev", "ltap0").stdout
            if "scope link" in a and "tentative" not in a:
                break
            time.sleep(0.2)
        m = g.wait_for(r"^nic eth0: .* ipv6 ([0-9A-Fa-f:]+)$", 5)
        ll = m.group(1).lower()
        me = [sys.executable, os.path.abspath(__file__)]
        r = sh(*inns, *me, "ping", "192.168.77.2", check=False)
        print(r.stdout)
        if r.returncode != 0:
            fail("the guest does not answer ping at 192.168.77.2")
        print("nettest: ok: the guest answers ping over IPv4")
        r = sh(*inns, *me, "ping", ll, "ltap0", check=False)
        print(r.stdout)
        if r.returncode != 0:
            fail("the guest does not answer ping at %s%%ltap0" % ll)
        print("nettest: ok: the guest answers ping over IPv6 (%s)" % ll)
        r = sh(*inns, *me, "tcp", "192.168.77.2", "7", str(4 << 20), check=False)
        print(r.stdout, r.stderr)
        if r.returncode != 0:
            fail("TCP echo over the tap failed")
        g.wait_for(r"^net: tcp connection closed after 4194304 bytes$", 30)
        r = sh(*inns, *me, "tcp", ll + "%ltap0", "7", str(1 << 20), check=False)  # and over IPv6
        print(r.stdout, r.stderr)
        if r.returncode != 0:
            fail("TCP echo over IPv6 over the tap failed")
        g.wait_for(r"^net: tcp connection closed after 1048576 bytes$", 30)
        code = ("import socket,sys\n"
                "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.settimeout(5)\n"
                "for n in (1,100,1472,4000):\n"
                " d=bytes((i*3+n)&255 for i in range(n))\n"
                " s.sendto(d,('192.168.77.2',7))\n"
                " assert s.recv(65536)==d,n\n"
                "s.sendto(b'quit',('192.168.77.2',7));print('udp ok')\n")
        r = sh(*inns, sys.executable, "-c", code, check=False)
        print(r.stdout, r.stderr)
        if r.returncode != 0:
            fail("UDP echo over the tap failed")
        print("nettest: ok: UDP echo over the tap")
        g.wait_for(r"^net: echoed [0-9]+ datagrams$", 30)
        st = g.finish(30)
        g = None
        if st != 0:
            fail("exit status %d, expected 0" % st)
    finally:
        if g is not None:
            g.kill()
            g.finish(10)
        sh("ip", "netns", "del", ns, check=False)


def main(argv):
    if argv and argv[0] == "ping":  # run by the tap case inside its namespace
        ping(*argv[1:])
    if argv and argv[0] == "tcp":  # likewise
        mbs = tcp_echo((argv[1], int(argv[2])), int(argv[3]))
        print("nettest: figure: TCP echo, %.1f MB/s" % mbs)
        sys.exit(0)
    if len(argv) != 4 or argv[1] != "--machine":
        sys.exit(__doc__)
    image, machine, case = argv[0], argv[2], argv[3]
    if case in ("user-dhcp", "user-static", "two-nics", "user-nooffload"):
        user_case(image, machine, case)
    elif case == "tap":
        tap_case(image, machine)
    else:
        sys.exit("nettest: unknown case %r" % case)
    print("nettest: passed")


if __name__ == "__main__":
    main(sys.argv[1:])

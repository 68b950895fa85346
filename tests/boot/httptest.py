#!/usr/bin/env python3
"""httptest.py: examples/httpd, echo and fetch, driven by real clients on the host.

usage: httptest.py IMAGE CASE [--machine M] [--native] [--tap] [--mem SIZE]

IMAGE is httpd.elf, echo.elf or fetch.elf (booted through toolchain/libos-run on QEMU user
networking with a tcp (and udp) hostfwd from 127.0.0.1), or with --native the same source
built for the host, run as a plain process on a free loopback port: the checks are the same,
so what they expect is what the program does on Linux. With --tap (root only, else exit 77)
the guest is on a tap device (192.168.78.1/24 on the host side, the guest 192.168.78.2,
static) in a network namespace made for the run, which this process and QEMU enter and which
is deleted however the run ends: QEMU's user network (slirp) drops forwarded connections
when ~150 are open at once, so many and seq use the tap.

httpd cases (files from a directory this script makes, given with --initrd; -s turns on the
/_stats and /_quit URLs, and every case ends with /_quit and checks the exit status):
  pages      every file byte-exact (Content-Length, Content-Type, a 300 KB file sent in
             chunks), a directory's index.html, HEAD (headers, no body: the next response on
             the connection starts right after them), 304 for If-Modified-Since at or after
             Last-Modified and 200 before it, 404, 501 for POST, 400 for a path with "..",
             keep-alive (50 requests on one connection), pipelining (12 requests, GET and HEAD
             of different files, in one write: the responses in order), HTTP/1.0 and
             "Connection: close" closing, 400 for malformed request lines, a missing Host and
             a head over 8 KiB (each closing, the server serving the next connection), 408 to
             an idle keep-alive connection (-k 2) and to a client sending its head a byte at a
             time (-t 3), then closed.
  many       1000 connections open at once, each sending its request as soon as it is
             connected: every one answered byte-exact; /_stats shows them all open, then the
             count back to 1 (the stats connection) once they close.
  seq        10,000 connections one after another (a request each, HTTP/1.0): all answered;
             the heap in use (/_stats: mallinfo's in-use bytes) after them must be within
             64 KiB of what it was after the first 200 (warm-up), and no connection left open.
echo cases:
  echo       TCP: 20 clients at once, each 64 KiB of its own bytes through the echo, read back
             byte-exact; UDP: datagrams of several sizes echoed byte-exact.
fetch cases:
  fetch      a Python HTTP server on the host (on 10.0.2.2, QEMU's gateway, from the guest);
             fetch http://10.0.2.2:PORT/file prints the status line and the file byte-exact.
Exits 0 when the case passed.
"""
import argparse
import asyncio
import hashlib
import http.server
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import nettest  # noqa: E402  (Guest: a booted image's console, fail)

RUNNER = nettest.RUNNER
fail = nettest.fail


def log(msg):
    print("httptest: " + msg, flush=True)


def make_site(d):
    """The served files: {url path: bytes}."""
    rnd = random.Random(9)
    files = {
        "/index.html": b"<html><body>libos httpd</body></html>\n",
        "/hello.txt": b"hello, world\n",
        "/empty.txt": b"",
        "/big.bin": bytes(rnd.getrandbits(8) for _ in range(300_000)),
        "/sub/page.html": b"<p>" + b"sub page " * 500 + b"</p>\n",
        "/sub/index.html": b"sub index\n",
        "/style.css": b"body { color: black }\n",
    }
    for p, data in files.items():
        f = os.path.join(d, p.lstrip("/"))
        os.makedirs(os.path.dirname(f), exist_ok=True)
        with open(f, "wb") as fh:
            fh.write(data)
    return files


class Conn:
    """One HTTP connection with a read buffer."""

    def __init__(self, addr, timeout=30):
        self.s = socket.create_connection(addr, timeout=timeout)
        self.buf = b""

    def send(self, data):
        self.s.sendall(data)

    def _fill(self):
        chunk = self.s.recv(65536)
        if not chunk:
            raise EOFError
        self.buf += chunk

    def response(self, head=False):
        """(status, {lowercase header: value}, body); body None for HEAD and 304."""
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        hdr, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = hdr.decode("latin-1").split("\r\n")
        m = re.match(r"HTTP/1\.1 (\d{3}) ", lines[0])
        if not m:
            fail("bad status line %r" % lines[0])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        status = int(m.group(1))
        if head or status == 304:
            return status, headers, None
        n = int(headers.get("content-length", "-1"))
        if n < 0:
            fail("response %d without Content-Length" % status)
        while len(self.buf) < n:
            self._fill()
        body, self.buf = self.buf[:n], self.buf[n:]
        return status, headers, body

    def closed(self):
        """True when the server closed the connection (EOF after any buffered bytes)."""
        try:
            return self.s.recv(1) == b"" and not self.buf
        except ConnectionResetError:
            return True

    def close(self):
        self.s.close()


def get(path, extra="", method="GET", version="1.1"):
    return ("%s %s HTTP/%s\r\nHost: test\r\n%s\r\n" % (method, path, version, extra)).encode()


def expect(cond, what):
    if not cond:
        fail(what)
    log("ok: " + what)


def stats(addr):
    c = Conn(addr)
    c.send(get("/_stats", "Connection: close\r\n"))
    st, _, body = c.response()
    c.close()
    if st != 200:
        fail("/_stats answered %d (is -s given?)" % st)
    return {k: int(v) for k, v in (line.split() for line in body.decode().splitlines())}


# --- httpd cases ------------------------------------------------------------------------------

def case_pages(addr, files):
    c = Conn(addr)
    for p, data in files.items():
        c.send(get(p))
        st, h, body = c.response()
        if st != 200 or body != data or int(h["content-length"]) != len(data):
            fail("GET %s: status %d, %d bytes (want 200, %d bytes)" % (p, st, len(body or b""), len(data)))
    log("ok: %d files byte-exact over one keep-alive connection (big.bin %d bytes)"
        % (len(files), len(files["/big.bin"])))
    c.send(get("/index.html"))
    st, h, _ = c.response()
    expect(h.get("content-type") == "text/html", "Content-Type text/html for .html")
    lm = h.get("last-modified", "")
    expect(re.match(r"^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$", lm),
           "Last-Modified is an IMF-fixdate (%s)" % lm)
    for d in ("/", "/sub/", "/sub"):
        c.send(get(d))
        st, _, body = c.response()
        want = files["/index.html"] if d == "/" else files["/sub/index.html"]
        expect(st == 200 and body == want, "GET %s serves its index.html" % d)
    # HEAD: headers only, and the next response follows right after them.
    c.send(get("/big.bin", method="HEAD") + get("/hello.txt"))
    st, h, _ = c.response(head=True)
    st2, _, body = c.response()
    expect(st == 200 and int(h["content-length"]) == len(files["/big.bin"]) and st2 == 200
           and body == files["/hello.txt"], "HEAD: the headers of GET, no body")
    # If-Modified-Since
    c.send(get("/index.html", "If-Modified-Since: %s\r\n" % lm))
    st, h, _ = c.response()
    expect(st == 304, "304 for If-Modified-Since equal to Last-Modified")
    c.send(get("/index.html", "If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n"))
    st, _, body = c.response()
    expect(st == 200 and body == files["/index.html"], "200 for If-Modified-Since before it")
    c.send(get("/index.html", "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT\r\n"))
    expect(c.response()[0] == 304, "304 for If-Modified-Since after it")
    c.send(get("/index.html", "If-Modified-Since: yesterday\r\n"))
    expect(c.response()[0] == 200, "200 for an If-Modified-Since that is not a date")
    c.send(get("/nope.html"))
    expect(c.response()[0] == 404, "404 for a missing file")
    c.send(get("/hello.txt/x"))
    expect(c.response()[0] == 404, "404 below a file")
    c.send(get("/sub%2Fpage.html"))
    st, _, body = c.response()
    expect(st == 200 and body == files["/sub/page.html"], "%2F decoded in the path")
    c.send(get("/hello.txt?x=1"))
    st, _, body = c.response()
    expect(st == 200 and body == files["/hello.txt"], "the query is not part of the file name")
    c.send(get("/hello.txt", method="POST"))
    expect(c.response()[0] == 501, "501 for POST (the connection stays)")
    # keep-alive: 50 requests, one at a time
    for i in range(50):
        p = ["/hello.txt", "/style.css", "/sub/page.html"][i % 3]
        c.send(get(p))
        st, _, body = c.response()
        if st != 200 or body != files[p]:
            fail("keep-alive request %d: status %d" % (i, st))
    log("ok: 50 requests one after another on one connection")
    # pipelining: 12 requests in one write, answered in order
    order = ["/hello.txt", "/index.html", "/big.bin", "/style.css", "/sub/page.html", "/empty.txt"] * 2
    heads = {3, 8}
    c.send(b"".join(get(p, method="HEAD" if i in heads else "GET") for i, p in enumerate(order)))
    for i, p in enumerate(order):
        st, h, body = c.response(head=i in heads)
        ok = st == 200 and (body == files[p] if i not in heads else int(h["content-length"]) == len(files[p]))
        if not ok:
            fail("pipelined response %d (%s): status %d, not the file" % (i, p, st))
    log("ok: 12 pipelined requests (GET and HEAD) in one write, responses in order")
    c.send(get("/hello.txt", "Connection: close\r\n"))
    st, h, body = c.response()
    expect(st == 200 and h.get("connection") == "close" and c.closed(),
           "Connection: close: answered, then closed")
    c.close()
    c = Conn(addr)
    c.send(get("/hello.txt", version="1.0"))
    st, _, body = c.response()
    expect(st == 200 and body == files["/hello.txt"] and c.closed(), "HTTP/1.0: answered, then closed")
    c.close()
    c = Conn(addr)
    c.send(get("/hello.txt", "Connection: keep-alive\r\n", version="1.0") + get("/style.css", version="1.0"))
    ok = c.response()[2] == files["/hello.txt"] and c.response()[2] == files["/style.css"] and c.closed()
    expect(ok, "HTTP/1.0 with Connection: keep-alive stays open for the next request")
    c.close()

    bad = {
        "a malformed request line": b"GARBAGE\r\n\r\n",
        "a request line without a version": b"GET /\r\nHost: x\r\n\r\n",
        "an unknown version": b"GET / HTTP/2.0\r\nHost: x\r\n\r\n",
        "a path without a leading /": b"GET index.html HTTP/1.1\r\nHost: x\r\n\r\n",
        "a path with ..": b"GET /sub/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
        "a bad %-escape": b"GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n",
        "HTTP/1.1 without Host": b"GET / HTTP/1.1\r\n\r\n",
        "a request body (chunked)": b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
        "a head over 8 KiB": b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n",
        "8 KiB without the end of a head": b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000,
    }
    for what, req in bad.items():
        c = Conn(addr)
        c.send(req)
        st, h, _ = c.response()
        if st != 400 or not c.closed():
            fail("%s: status %d (want 400), %s" % (what, st, "closed" if c.closed() else "left open"))
        c.close()
        c = Conn(addr)
        c.send(get("/hello.txt", "Connection: close\r\n"))
        if c.response()[2] != files["/hello.txt"]:
            fail("after %s the server does not serve" % what)
        c.close()
        log("ok: 400 for %s, closed, and the server serves the next connection" % what)
    # Timeouts (started with -k 2 -t 3): an idle keep-alive connection, and a slow head.
    c = Conn(addr)
    c.send(get("/hello.txt"))
    c.response()
    t0 = time.time()
    st, h, _ = c.response()
    expect(st == 408 and c.closed(), "408 to a keep-alive connection left idle (after %.1f s), closed"
           % (time.time() - t0))
    c.close()
    c = Conn(addr)
    t0 = time.time()
    req = get("/hello.txt")
    try:
        for i in range(len(req)):  # a byte every 0.5 s: the head would take ~16 s
            c.send(req[i:i + 1])
            time.sleep(0.5)
            if b"\r\n\r\n" in c.buf or select_readable(c.s):
                break
    except (BrokenPipeError, ConnectionResetError):
        pass
    st, h, _ = c.response()
    expect(st == 408 and c.closed(), "408 to a client sending its head a byte at a time (after %.1f s), closed"
           % (time.time() - t0))
    c.close()
    c = Conn(addr)
    c.send(get("/hello.txt", "Connection: close\r\n"))
    expect(c.response()[2] == files["/hello.txt"], "the server serves after the timeouts")
    c.close()


def select_readable(s):
    import select
    return bool(select.select([s], [], [], 0)[0])


async def one_parallel(addr, req, want, opened, all_open):
    r, w = await asyncio.open_connection(*addr)
    opened.append(1)
    await all_open.wait()  # every connection is open before any is answered
    w.write(req)
    await w.drain()
    head = await r.readuntil(b"\r\n\r\n")
    n = int(re.search(rb"Content-Length: (\d+)", head).group(1))
    body = await r.readexactly(n)
    w.close()
    return head.startswith(b"HTTP/1.1 200 ") and body == want


async def parallel(addr, n, files):
    opened, all_open = [], asyncio.Event()
    paths = ["/hello.txt", "/index.html", "/sub/page.html"]
    tasks = [asyncio.ensure_future(one_parallel(addr, get(paths[i % 3]), files[paths[i % 3]],
                                                opened, all_open)) for i in range(n)]
    t0 = time.time()
    while len(opened) < n and time.time() - t0 < 120:
        await asyncio.sleep(0.05)
        if any(t.done() and t.exception() for t in tasks):
            break
    if len(opened) < n:
        fail("only %d of %d connections opened" % (len(opened), n))
    log("ok: %d connections open at once" % n)
    try:
        st = await asyncio.get_event_loop().run_in_executor(None, stats, addr)
    except OSError as e:
        fail("with %d connections open, /_stats does not answer (%s)" % (n, e))
    all_open.set()
    done, pending = await asyncio.wait(tasks, timeout=120)
    for t in pending:
        t.cancel()
    good = sum(1 for t in done if not t.exception() and t.result() is True)
    errs = [repr(t.exception()) if t.exception() else "wrong response" for t in done
            if t.exception() or t.result() is not True][:3]
    if pending:
        errs.insert(0, "%d unanswered after 120 s" % len(pending))
        try:
            st2 = await asyncio.get_event_loop().run_in_executor(None, stats, addr)
            errs.append("/_stats then: %r" % st2)
        except OSError as e:
            errs.append("/_stats then: %s" % e)
    return good, st, errs


def case_many(addr, files, n=1000):
    good, st, errs = asyncio.run(parallel(addr, n, files))
    expect(st["connections"] >= n, "/_stats counted %d open connections (>= %d) while all were open"
           % (st["connections"], n))
    if good != n:
        fail("%d of %d parallel connections answered byte-exact (e.g. %r)" % (good, n, errs))
    log("ok: all %d parallel connections answered byte-exact" % n)
    log("heap in use with %d connections open: %d bytes" % (st["connections"], st["heap_in_use"]))
    for _ in range(100):
        left = stats(addr)["connections"]
        if left == 1:
            break
        time.sleep(0.1)
    expect(left == 1, "the connections are all closed afterwards (%d open, the stats one)" % left)


CLIENT_PORTS = [20000]  # the next client port sequential() binds (below Linux's ephemeral range)


def client_socket():
    """A socket bound to a client port no earlier connection of this run used: lwIP keeps the
    server's side of a closed connection in TIME-WAIT and answers a new SYN on the same address
    pair with an ACK or a RST instead of accepting it (RFC 6191 would accept it), so a client
    port reused while the guest still holds its TIME-WAIT gets no connection for up to 2 MSL.
    Linux's own choice of ports wraps around its range and does reuse them now and then."""
    while True:
        port = CLIENT_PORTS[0]
        CLIENT_PORTS[0] = port + 1 if port < 32000 else 20000
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("", port))
            return s, port
        except OSError:
            s.close()


def sequential(addr, n, want):
    req = get("/hello.txt", version="1.0")
    for i in range(n):
        phase, got, port = "connect", b"", 0
        try:
            s, port = client_socket()
            s.settimeout(30)
            s.connect(addr)
            phase = "send"
            s.sendall(req)
            phase = "receive"
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                got += chunk
            s.close()
        except OSError as e:
            try:  # does the server still answer?
                after = "a new connection then got /_stats %r" % stats(addr)
            except OSError as e2:
                after = "a new connection then failed too (%s)" % e2
            fail("sequential connection %d (client port %d): %s: %s (%d bytes received: %r); %s"
                 % (i, port, phase, e, len(got), got[:80], after))
        if not got.startswith(b"HTTP/1.1 200 ") or not got.endswith(want):
            fail("sequential connection %d: %r" % (i, got[:60]))


def case_seq(addr, files, n=10_000):
    sequential(addr, 200, files["/hello.txt"])
    before = stats(addr)
    t0 = time.time()
    sequential(addr, n, files["/hello.txt"])
    dt = time.time() - t0
    after = stats(addr)
    log("ok: %d sequential connections answered (%.0f per second)" % (n, n / dt))
    log("heap in use: %d bytes before, %d after" % (before["heap_in_use"], after["heap_in_use"]))
    expect(after["connections"] == 1, "no connection left open (%d: the stats one)" % after["connections"])
    expect(abs(after["heap_in_use"] - before["heap_in_use"]) <= 65536,
           "the heap in use is back within 64 KiB of its level before (%+d bytes)"
           % (after["heap_in_use"] - before["heap_in_use"]))
    expect(after["requests"] - before["requests"] == n + 1, "the server counted %d requests"
           % (after["requests"] - before["requests"] - 1))


# --- echo, fetch --------------------------------------------------------------------------

def case_echo(addr, uaddr):
    errs = []
    connecting = threading.Lock()  # one connect at a time through the hostfwd (nettest.open_proven)

    def client(k):
        try:
            data = bytes((i * (k + 3) + k) & 0xff for i in range(65536))
            with connecting:
                s = nettest.open_proven(addr, timeout=60)
            t = threading.Thread(target=lambda: (s.sendall(data), s.shutdown(socket.SHUT_WR)))
            t.start()
            got = b""
            while len(got) < len(data):
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
            t.join()
            s.close()
            if got != data:
                errs.append("client %d: %d bytes back of %d" % (k, len(got), len(data)))
        except OSError as e:
            errs.append("client %d: %s" % (k, e))
    ths = [threading.Thread(target=client, args=(k,)) for k in range(20)]
    for t in ths:
        t.start()
    for t in ths:
        t.join()
    if errs:
        fail("TCP echo: " + "; ".join(errs[:3]))
    log("ok: 20 TCP clients at once, 64 KiB each echoed byte-exact")
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(3)
    for n in nettest.SIZES:
        data = bytes((i * 7 + n) & 0xff for i in range(n))
        for _ in range(5):
            u.sendto(data, uaddr)
            try:
                got = u.recv(65536)
                break
            except socket.timeout:
                continue
        else:
            fail("no UDP echo of %d bytes" % n)
        if got != data:
            fail("UDP echo of %d bytes differs" % n)
    log("ok: UDP datagrams of %s bytes echoed byte-exact" % ", ".join(map(str, nettest.SIZES)))


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


def case_fetch(image, native, machine, tmp):
    data = bytes(random.Random(5).getrandbits(8) for _ in range(50_000))
    with open(os.path.join(tmp, "file.bin"), "wb") as f:
        f.write(data)
    handler = lambda *a, **kw: Quiet(*a, directory=tmp, **kw)  # noqa: E731
    srv = http.server.ThreadingHTTPServer(("127.0.0.1" if native else "0.0.0.0", 0), handler)
    port = srv.server_address[1]
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    host = "127.0.0.1" if native else "10.0.2.2"  # QEMU's gateway is the host
    url = "http://%s:%d/file.bin" % (host, port)
    if native:
        p = subprocess.run([image, url], capture_output=True, timeout=60)
        out, status = p.stdout, p.returncode
    else:
        p = subprocess.run([RUNNER, image, "--machine", machine, "--timeout", "60", "--net", "user",
                            "--", url], capture_output=True, timeout=90)
        out, status = p.stdout, p.returncode
    srv.shutdown()
    head, _, body = out.partition(b"\r\n\r\n")
    if b"HTTP/1.0 200 OK" not in head:
        fail("fetch printed no 200 response (status %d): %r" % (status, out[-400:]))
    if not body.endswith(data) or body[-len(data) - 1:-len(data)] not in (b"", b"\n"):
        fail("fetch printed %d body bytes, not the file (%d bytes)" % (len(body), len(data)))
    expect(status == 0, "fetch %s: the status line and the file byte-exact, exit status 0" % url)
    # a port nobody listens on: a clear error and status 1
    bad = "http://%s:%d/" % (host, nettest.free_tcp_port())
    if native:
        p = subprocess.run([image, bad], capture_output=True, timeout=60)
    else:
        p = subprocess.run([RUNNER, image, "--machine", machine, "--timeout", "60", "--net", "user",
                            "--", bad], capture_output=True, timeout=90)
    text = (p.stdout + p.stderr).decode(errors="replace")
    expect(p.returncode == 1 and "fetch: connect" in text, "a closed port: 'fetch: connect: ...' and status 1")


# --- running the server -------------------------------------------------------------------

NS, TAP, HOST_IP, GUEST_IP = "libos-httptest-%d" % os.getpid(), "htap0", "192.168.78.1", "192.168.78.2"


def start(image, native, machine, tport, uport, args, site=None, mem=None, tap=False):
    if tap:
        cmd = [RUNNER, image, "--machine", machine, "--timeout", "150", "--net", "tap:" + TAP,
               "--initrd", site] + (["--mem", mem] if mem else [])
        return nettest.Guest(cmd + ["--", "net.eth0=%s/24" % GUEST_IP, "net.dhcp_wait=0"] + args)
    if native:
        port = tport
        cmd = [image] + (["-p", str(port)] if os.path.basename(image).startswith("httpd") else [str(port)]) + args
        if site:
            cmd += ["-r", site]
        g = nettest.Guest(cmd)
        return g
    fwd = "user,hostfwd=tcp:127.0.0.1:%d-:%d" % (tport, 80 if os.path.basename(image).startswith("httpd") else 7)
    if uport:
        fwd += ",hostfwd=udp:127.0.0.1:%d-:7" % uport
    cmd = [RUNNER, image, "--machine", machine, "--timeout", "150", "--net", fwd]
    if site:
        cmd += ["--initrd", site]
    if mem:
        cmd += ["--mem", mem]
    return nettest.Guest(cmd + ["--"] + args)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("image")
    p.add_argument("case", choices=["pages", "many", "seq", "echo", "fetch"])
    p.add_argument("--machine", default="microvm")
    p.add_argument("--native", action="store_true", help="IMAGE is a host program")
    p.add_argument("--mem", help="--mem for the guest")
    p.add_argument("--tap", action="store_true",
                   help="a tap in a network namespace made for the test (root; else exit 77) "
                        "instead of QEMU's user network, whose NAT drops connections past ~150")
    a = p.parse_args()
    if a.tap and os.geteuid() != 0:
        log("skipped: --tap needs root")
        sys.exit(77)
    import resource  # 1000 connections: both ends need the fds (the server inherits this)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))
    tmp = tempfile.mkdtemp(prefix="httptest-")
    try:
        if a.tap:
            nettest.enter_tap_namespace(NS, TAP, HOST_IP + "/24")
        if a.case == "fetch":
            case_fetch(a.image, a.native, a.machine, tmp)
            log("all checks passed")
            return
        tport, uport = nettest.free_tcp_port(), nettest.free_udp_port()
        addr = ("127.0.0.1", tport)
        if a.case == "echo":
            g = start(a.image, a.native, a.machine, tport, uport, [])
            g.wait_for(r"^echo: tcp and udp on port", 60)
            case_echo(addr, ("127.0.0.1", tport if a.native else uport))
            g.p.terminate()
            g.finish(10)
            log("all checks passed")
            return
        files = make_site(tmp)
        args = ["-s", "-k", "2", "-t", "3"] if a.case == "pages" else ["-s", "-k", "60", "-t", "60"]
        g = start(a.image, a.native, a.machine, tport, None, args + ([] if a.native else ["-r", "/"]),
                  site=tmp, mem=a.mem, tap=a.tap)
        if a.tap:
            addr = (GUEST_IP, 80)
        g.wait_for(r"^httpd: serving ", 60)
        time.sleep(0.2)
        {"pages": case_pages, "many": case_many, "seq": case_seq}[a.case](addr, files)
        c = Conn(addr)
        c.send(get("/_quit"))
        status = g.finish(30)
        want = 0 if a.native else 0
        if status != want:
            fail("httpd exited with status %s after /_quit (want %d)" % (status, want))
        log("all checks passed")
    finally:
        shutil.rmtree(tmp)
        if a.tap:
            subprocess.run(["ip", "netns", "del", NS])


if __name__ == "__main__":
    main()

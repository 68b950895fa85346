#!/usr/bin/env python3
"""ports.py: the ports of tests/ports (zlib, bzip2, Lua 5.4) doing real work, in libos, in the
minimal Linux guest and natively (figure 14).

usage: tests/bench/ports.py [--build-dir DIR] [--runs N] [--no-linux] [--timeout S]

Needs the ports built by their tests (ctest -R ports, which leaves BUILD_DIR/ports/<name>/native
and libos/); builds a third copy of each source with `gcc -static` for the Linux guest, whose /init
(ports-init.c) runs it as /prog and times it. Work per port:
  zlib   minigzip -9 -c of zlib's own sources, concatenated (about 1 MB; ~0.3 MB out on the console)
  bzip2  bzip2 -t of the same data compressed with -9 (decompression, no output)
  lua    check.lua of tests/ports/lua (errors, stdio, time, math, a sieve)
Figures, medians of N boots (default 3), all on microvm with -m 128M:
  program time: libos: launch-to-exit of the work minus that of a no-op run of the same image
  (libos boots in far less than the noise); Linux guest: fork to exit inside the guest; native:
  the same static binary on the host;
  boot+run: launch-to-exit of the whole VM; image: the libos image's file size, and the Linux
  guest's kernel + static binary.
Not assertions: goals are printed as MET / NOT MET.
"""
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import benchlib as bl

MEM = "128M"
PORTS = {
    # name: (images relative to the tree, work argv, no-op argv)
    "zlib": ("minigzip", ["-9", "-c", "/data"], ["-d", "-c", "/tiny.gz"]),
    "bzip2": ("bzip2", ["-t", "/data.bz2"], ["-t", "/tiny.bz2"]),
    "lua": ("src/lua", ["check.lua"], ["-e", ""]),
}
STATIC = {
    "zlib": "CC='gcc -static' CFLAGS=-O3 ./configure --static >/dev/null && make -j2 minigzip >/dev/null",
    "bzip2": "make -j2 CC='gcc -static' bzip2 >/dev/null",
    "lua": "make -j2 CC='gcc -static' generic >/dev/null",
}


def inputs(build, root):
    """The input directory every guest gets (initrd), made from zlib's sources."""
    zsrc = os.path.join(build, "ports", "zlib", "native")
    with open(os.path.join(root, "data"), "wb") as out:
        for f in sorted(glob.glob(os.path.join(zsrc, "*.[ch]")) + glob.glob(os.path.join(zsrc, "*", "*.[ch]"))):
            with open(f, "rb") as i:
                out.write(i.read())
    subprocess.run(f"bzip2 -9 -c data > data.bz2 && printf x | bzip2 -c > tiny.bz2 && "
                   f"printf x | gzip -c > tiny.gz", shell=True, cwd=root, check=True)
    shutil.copy(os.path.join(bl.REPO, "tests", "ports", "lua", "check.lua"), root)


def static_build(build, name):
    d = os.path.join(build, "ports", name, "static")
    exe = os.path.join(d, PORTS[name][0])
    if os.path.exists(exe):
        return exe
    src = subprocess.run([os.path.join(bl.REPO, "toolchain", "fetch-source")] +
                         open(os.path.join(bl.REPO, "tests", "ports", name, "port.sh")).read()
                         .split('fetch_args="')[1].split('"')[0].split(),
                         check=True, capture_output=True, text=True).stdout.strip()
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(src, d, symlinks=True)
    subprocess.run(STATIC[name], shell=True, cwd=d, check=True)
    return exe


def cpio(root, out):
    names = subprocess.run("find . -mindepth 1 | sed 's|^./||'", shell=True, cwd=root,
                           capture_output=True, check=True).stdout
    with open(out, "wb") as f:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], input=names, cwd=root, stdout=f,
                       check=True)


def libos_run(image, initrd, argv, timeout):
    cmd = bl.qemu_command(image, mem=MEM, guest_args=argv)
    cmd += ["-initrd", initrd]
    t, status, out, err = bl.run_timed(cmd, timeout)
    if status != bl.QEMU_OK:
        sys.exit(f"ports.py: libos run failed (status {status}): {' '.join(argv)}\n{err[-400:]}")
    return t


def linux_run(kernel, initrd, argv, timeout):
    import linux
    cmd = bl.qemu_command(bl.example(BUILD, "hello"), mem=MEM)
    cmd[cmd.index("-kernel") + 1] = kernel
    if "-append" in cmd:
        j = cmd.index("-append")
        del cmd[j:j + 2]
    cmd += ["-initrd", initrd, "-append", linux.APPEND + " -- " + " ".join(argv or ["''"])]
    for attempt in range(3):  # Linux on microvm under TCG hangs now and then (linux.py)
        t, status, out, err = bl.run_timed(cmd, timeout)
        text = out.decode(errors="replace")
        if status == bl.QEMU_OK and "ports: program" in text:
            words = text.split("ports: program ")[1].split()
            if words[3] != "0":
                sys.exit(f"ports.py: the program failed in the Linux guest (status {words[3]}): "
                         f"{' '.join(argv)}\n{text[-600:]}")
            return t, int(words[0]) / 1e9
    sys.exit(f"ports.py: the Linux guest failed 3 times: {' '.join(argv)}\n{text[-400:]}")


def native_run(exe, root, argv):
    t0 = time.perf_counter()
    subprocess.run([exe] + [a.lstrip("/") if a.startswith("/") else a for a in argv], cwd=root,
                   stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t0


BUILD = None


def main():
    global BUILD
    p = bl.arg_parser(__doc__)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--no-linux", action="store_true")
    p.add_argument("--timeout", type=int, default=300)
    p.add_argument("--port", action="append", help="only this port (repeatable)")
    args = p.parse_args()
    BUILD = os.path.abspath(args.build_dir)
    for name in PORTS:
        if not os.path.exists(os.path.join(BUILD, "ports", name, "libos", PORTS[name][0])):
            sys.exit(f"ports.py: {name} is not built: run ctest --test-dir {BUILD} -R ports first")
    bl.heading("Figure 14: ports (zlib, bzip2, Lua 5.4 from Debian), libos vs Linux guest vs native")
    kernel = None
    if not args.no_linux:
        import linux
        kernel = linux.fetch_kernel(os.path.join(BUILD, "linux"))
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "in")
        os.mkdir(root)
        inputs(BUILD, root)
        initrd = os.path.join(tmp, "in.cpio")
        cpio(root, initrd)
        init = os.path.join(tmp, "init")
        subprocess.run(["gcc", "-static", "-O2", "-o", init,
                        os.path.join(bl.BENCH_DIR, "ports-init.c")], check=True)
        print(f"{'':24s}{'program s':>12s}{'boot+run s':>12s}{'image KiB':>12s}")
        for name, (rel, work, noop) in PORTS.items():
            if args.port and name not in args.port:
                continue
            image = os.path.join(BUILD, "ports", name, "libos", rel)
            exe = static_build(BUILD, name)
            w = [libos_run(image, initrd, work, args.timeout) for _ in range(args.runs)]
            n = [libos_run(image, initrd, noop, args.timeout) for _ in range(args.runs)]
            lw, ln = statistics.median(w), statistics.median(n)
            rows = [(f"{name} libos", lw - ln, lw, os.path.getsize(image))]
            if kernel:
                lroot = os.path.join(tmp, "linux-" + name)
                shutil.copytree(root, lroot)
                shutil.copy(init, os.path.join(lroot, "init"))
                shutil.copy(exe, os.path.join(lroot, "prog"))
                lcpio = os.path.join(tmp, name + ".cpio")
                cpio(lroot, lcpio)
                r = [linux_run(kernel, lcpio, work, args.timeout) for _ in range(args.runs)]
                rows.append((f"{name} Linux guest", statistics.median(x[1] for x in r),
                             statistics.median(x[0] for x in r),
                             os.path.getsize(kernel) + os.path.getsize(exe)))
            nat = [native_run(exe, root, work) for _ in range(args.runs)]
            rows.append((f"{name} native", statistics.median(nat), float("nan"), os.path.getsize(exe)))
            for label, prog, wall, size in rows:
                print(f"{label:24s}{prog:12.3f}{wall:12.3f}{size / 1024:12.0f}")
            if kernel:
                print(f"  GOAL program time <= the Linux guest's: {rows[0][1]:.3f} s vs "
                      f"{rows[1][1]:.3f} s -> {bl.verdict(rows[0][1] <= rows[1][1])}")
                print(f"  GOAL libos boot+run <= program + 0.3 s: {lw:.3f} s -> "
                      f"{bl.verdict(lw <= rows[0][1] + 0.3)}")
    print(bl.load_note())


if __name__ == "__main__":
    main()

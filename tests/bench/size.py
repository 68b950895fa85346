#!/usr/bin/env python3
"""size.py: image size of hello.elf (figure 1), and who it belongs to.

usage: tests/bench/size.py [--build-dir DIR] [--app NAME]... [--details]

Reads the Release images made by tests/bench/run (debug info already split into <app>.elf.debug)
and prints, for each app (default: hello, then sysinfo and udpecho, the network, for contrast):
  - the file size of <app>.elf in bytes, and binutils `size` (Berkeley text/data/bss);
  - the image's allocated bytes split by owner: libos (its liblibos_<name>.a archives, plus
    the app-name string libos_add_executable generates), newlib (libc.a, libm.a), libgcc
    (libgcc.a), the application's own objects, and alignment fill, each as code (.text),
    read-only data (.rodata, the PVH note), data (.data) and bss. These come from the GNU ld map
    <app>.elf.map: every input section listed there with its size and archive(member) path.
    .libos_syms (the panic symbol table that toolchain/libos-symtab writes after linking) is
    not in the map with its final size; its size is read from the ELF and shown on its own line.
  - the goals: hello.elf <= 48 KiB, and libos's own code and data (code + rodata + data of the
    libos archives; bss takes no file space and is shown apart) <= 12 KiB.
--details adds the libos share per library and the 12 largest libos input sections.
"""
import os
import re
import subprocess
import sys

import benchlib as bl

FILE_GOAL = 48 * 1024
LIBOS_GOAL = 12 * 1024

KINDS = ("code", "rodata", "data", "bss")
OWNERS = ("libos", "newlib", "libgcc", "app", "fill")


def output_kind(name):
    """Which column an output section of libos.ld counts in (None: not part of the image)."""
    if name in (".text", ".iplt"):
        return "code"
    if name == ".rodata" or name.startswith(".note") or name.startswith(".rela"):
        return "rodata"
    if name == ".data" or name.startswith(".got") or name.startswith(".igot"):
        return "data"
    if name == ".bss":
        return "bss"
    return None


def owner_of(path):
    """(owner, detail) for an input file path as the map prints it."""
    if path == "":
        return "fill", ""
    m = re.search(r"liblibos_(\w+)\.a\(", path)
    if m:
        return "libos", m.group(1)
    if path.endswith(".libos-name.c.o"):
        return "libos", "app name (generated)"
    m = re.search(r"(?:^|/)(libc|libm)\.a\(", path)
    if m:
        return "newlib", m.group(1)
    if re.search(r"(?:^|/)libgcc\.a\(", path):
        return "libgcc", "libgcc"
    return "app", os.path.basename(path)


def parse_map(path):
    """Input sections of the allocated output sections: list of (kind, owner, detail, name, size).

    Sizes are the bytes each input section adds to the image. ld lists merged string sections
    (.rodata.*.str1.1) at overlapping addresses, so bytes already claimed by an earlier input
    section of the same output section are not counted twice."""
    rows = []
    with open(path) as f:
        lines = f.read().splitlines()
    try:
        start = lines.index("Linker script and memory map")
    except ValueError:
        sys.exit(f"bench: {path}: not a GNU ld map (no 'Linker script and memory map')")
    kind = None
    end = 0         # highest address claimed so far in the current output section
    pending = None  # an input section name whose address, size and file are on the next line
    hexnum = r"0x[0-9a-fA-F]+"

    def add(owner_detail, name, addr, size):
        nonlocal end
        new = max(0, addr + size - max(addr, end))
        end = max(end, addr + size)
        rows.append((kind, *owner_detail, name, new))

    for line in lines[start + 1:]:
        if line.startswith("OUTPUT("):
            break  # what follows is debug info, not part of the image
        if not line.strip():
            continue
        if not line[0].isspace():  # an output section: ".text    0x...  0x..." or the name alone
            kind = output_kind(line.split()[0])
            pending, end = None, 0
            continue
        if kind is None:
            continue
        m = re.match(rf"^ (\S+)\s+({hexnum})\s+({hexnum})\s*(.*)$", line)
        if m and not m.group(1).startswith("*("):
            name, file = m.group(1), m.group(4).strip()
            if name == "*fill*":
                file = ""
            add(owner_of(file), name, int(m.group(2), 16), int(m.group(3), 16))
            pending = None
            continue
        m = re.match(r"^ (\S+)$", line)
        if m and not m.group(1).startswith("*("):
            pending = m.group(1)
            continue
        m = re.match(rf"^\s+({hexnum})\s+({hexnum})\s+(.+)$", line)
        if m:
            addr, size, rest = int(m.group(1), 16), int(m.group(2), 16), m.group(3).strip()
            if pending:
                add(owner_of(rest), pending, addr, size)
            elif re.match(r"^(BYTE|SHORT|LONG|QUAD|SQUAD|FILL)\b", rest):
                add(("fill", "linker script"), rest.split()[0], addr, size)
        pending = None
    return rows


def elf_sections(path):
    """{name: size} of the allocated sections of an ELF (readelf -SW)."""
    out = subprocess.run(["readelf", "-SW", path], check=True, capture_output=True, text=True).stdout
    secs = {}
    for line in out.splitlines():
        m = re.match(r"^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s*(\S*)", line)
        if m and "A" in m.group(3):
            secs[m.group(1)] = int(m.group(2), 16)
    return secs


def berkeley(path):
    out = subprocess.run(["size", path], check=True, capture_output=True, text=True).stdout
    text, data, bss = out.splitlines()[1].split()[:3]
    return int(text), int(data), int(bss)


def report(build_dir, app, details, goals):
    elf = bl.example(build_dir, app)
    mapfile = elf + ".map"
    if not os.path.isfile(mapfile):
        sys.exit(f"bench: {mapfile} is missing (libos_add_executable writes it next to the image)")
    fsize = os.path.getsize(elf)
    text, data, bss = berkeley(elf)
    rows = parse_map(mapfile)
    secs = elf_sections(elf)
    syms = secs.get(".libos_syms", 0)

    table = {o: dict.fromkeys(KINDS, 0) for o in OWNERS}
    per_lib = {}
    for kind, owner, detail, _name, size in rows:
        table[owner][kind] += size
        if owner == "libos":
            per_lib.setdefault(detail, dict.fromkeys(KINDS, 0))[kind] += size

    dbg = elf + ".debug"
    dbg_note = f", debug info split into {os.path.basename(dbg)} ({os.path.getsize(dbg)} bytes)" \
        if os.path.isfile(dbg) else ""
    print(f"{app}.elf: {fsize} bytes ({bl.kib(fsize)}) on disk{dbg_note}")
    print(f"  size(1): text {text}  data {data}  bss {bss}")
    print(f"  {'owner':<28}{'code':>8}{'rodata':>8}{'data':>8}{'= file':>8}{'bss':>9}")

    def line(label, r):
        f = r["code"] + r["rodata"] + r["data"]
        print(f"  {label:<28}{r['code']:>8}{r['rodata']:>8}{r['data']:>8}{f:>8}{r['bss']:>9}")

    labels = {"libos": "libos (liblibos_*.a)", "newlib": "newlib (libc.a, libm.a)",
              "libgcc": "libgcc (libgcc.a)", "app": f"app ({app}'s own objects)",
              "fill": "alignment fill"}
    total = dict.fromkeys(KINDS, 0)
    for o in OWNERS:
        line(labels[o], table[o])
        for k in KINDS:
            total[k] += table[o][k]
    print(f"  {'.libos_syms (symbol table)':<28}{'':>8}{syms:>8}{'':>8}{syms:>8}{'':>9}")
    loaded = total["code"] + total["rodata"] + total["data"] + syms
    print(f"  {'total in the image':<28}{total['code']:>8}{total['rodata'] + syms:>8}"
          f"{total['data']:>8}{loaded:>8}{total['bss']:>9}")
    print(f"  (the other {fsize - loaded} bytes of the file: ELF and program headers, section "
          f"headers, .gnu_debuglink, and padding between segments)")

    if details:
        print("  libos per library:" + "".join(f"  {lib} {sum(r[k] for k in KINDS if k != 'bss')}"
                                              for lib, r in sorted(per_lib.items())))
        big = sorted((r for r in rows if r[1] == "libos" and r[0] != "bss"), key=lambda r: -r[4])[:12]
        print("  largest libos input sections: " +
              ", ".join(f"{name} ({detail}) {size}" for _k, _o, detail, name, size in big))

    libos_file = table["libos"]["code"] + table["libos"]["rodata"] + table["libos"]["data"]
    if goals:
        print(f"  GOAL image file <= 48 KiB (49152 bytes): {fsize} bytes -> "
              f"{bl.verdict(fsize <= FILE_GOAL)} ({FILE_GOAL - fsize:+d} bytes of headroom)")
        print(f"  GOAL libos's own code+data <= 12 KiB (12288 bytes): {libos_file} bytes "
              f"({bl.kib(libos_file)}) -> {bl.verdict(libos_file <= LIBOS_GOAL)}"
              f" ({LIBOS_GOAL - libos_file:+d} bytes of headroom)")
        with_syms = libos_file + syms
        print(f"       counting the .libos_syms symbol table as libos data too: {with_syms} bytes "
              f"({bl.kib(with_syms)}) -> {'within' if with_syms <= LIBOS_GOAL else 'over'} 12 KiB")
    return fsize


def main():
    p = bl.arg_parser(__doc__)
    p.add_argument("--app", action="append", help="example app to report (default: hello sysinfo udpecho)")
    p.add_argument("--details", action="store_true", help="libos share per library, largest sections")
    a = p.parse_args()
    apps = a.app or ["hello", "sysinfo", "udpecho"]
    bl.heading("1. Image size (Release; debug info split off)")
    for i, app in enumerate(apps):
        if i:
            print()
        report(a.build_dir, app, a.details, goals=(app == "hello"))


if __name__ == "__main__":
    main()

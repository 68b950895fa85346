#!/usr/bin/env python3
"""check_symbols.py: what the linker put into an image, and libos's global namespace.

  check_symbols.py image  NM FILE [--present REGEX]... [--absent REGEX]...
      FILE's defined symbols (nm --defined-only) must include a match for every --present REGEX
      and no match for any --absent REGEX.
  check_symbols.py namespace NM ALLOWLIST ARCHIVE...
      Every global symbol the archives define is libos_-prefixed, carries its own layer's prefix
      (virtio_ in liblibos_virtio.a, blk_ in liblibos_blk.a: LAYER_PREFIXES) or is named in
      ALLOWLIST (one name a line, '#' comments).

Prints every finding and "N passed, N failed"; exits 1 when any check failed.
"""
import re
import subprocess
import sys


def defined_symbols(nm, path, only_global):
    cmd = [nm, "--defined-only"] + (["--extern-only"] if only_global else []) + [path]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit("check_symbols: %s failed: %s" % (" ".join(cmd), res.stderr.strip()))
    syms = []
    member = path
    for line in res.stdout.splitlines():
        if line.endswith(":"):  # "file.o:" heads an archive member's list
            member = line[:-1]
        fields = line.split()
        if len(fields) == 3:
            syms.append((fields[2], fields[1], member))
    return syms


def image(nm, path, present, absent):
    names = sorted({name for name, _, _ in defined_symbols(nm, path, False)})
    print("%s: %d defined symbols" % (path, len(names)))
    failed = 0
    for r in present:
        hits = [n for n in names if re.search(r, n)]
        ok = bool(hits)
        print("%s: a symbol matches %r%s" % ("ok" if ok else "FAIL", r,
                                              " (%s)" % ", ".join(hits[:5]) if hits else ""))
        failed += not ok
    for r in absent:
        hits = [n for n in names if re.search(r, n)]
        ok = not hits
        print("%s: no symbol matches %r%s" % ("ok" if ok else "FAIL", r,
                                               " (found %s)" % ", ".join(hits) if hits else ""))
        failed += not ok
    return len(present) + len(absent) - failed, failed


# Layers whose own prefix is allowed besides libos_ (by library name, liblibos_<name>.a); a prefix
# is the layer's alone: blk_ outside libos::blk fails.
# libos::ext2fs is e2fsprogs's libext2fs and lib/et unchanged: their names as upstream has them.
LAYER_PREFIXES = {"virtio": ("virtio_",), "blk": ("blk_",),
                  "ext2fs": ("ext2fs_", "io_channel_", "inode_io_manager", "com_err", "com_right",
                             "error_message", "error_table_name", "add_error_table",
                             "add_to_error_table", "remove_error_table", "init_error_table",
                             "initialize_error_table_r", "initialize_ext2_error_table",
                             "free_error_table", "set_com_err_", "reset_com_err_hook", "et_",
                             "_et_")}

# Archives that also hold a third-party library compiled by our build: only the members of our own
# sources are checked (lwIP's members keep lwIP's names), and ours may define the port functions
# the library calls (lwIP's sys_arch interface: sys_now, sys_sem_new, ...).
OWN_MEMBERS = {"net": ("net.c.o", "config.c.o", "sys_arch.c.o", "virtio_net.c.o", "sockcall.c.o", "socket.c.o",
                       "tcp_sock.c.o", "udp_sock.c.o", "unix_sock.c.o", "inet.c.o", "resolv.c.o",
                       "ifaddrs.c.o")}
PORT_PREFIXES = {"net": ("sys_",)}


def namespace(nm, allowlist, archives):
    allowed = set()
    with open(allowlist) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                allowed.add(line)
    passed = failed = 0
    seen_allowed = set()
    for archive in archives:
        for name, kind, member in defined_symbols(nm, archive, True):
            layer = re.search(r"liblibos_(\w+)\.a$", archive)
            lname = layer.group(1) if layer else ""
            if lname in OWN_MEMBERS and member not in OWN_MEMBERS[lname]:
                continue
            prefixes = LAYER_PREFIXES.get(lname, ()) + PORT_PREFIXES.get(lname, ()) + ("libos_",)
            if name.startswith(prefixes):
                passed += 1
            elif name in allowed:
                passed += 1
                seen_allowed.add(name)
            else:
                failed += 1
                print("FAIL: %s(%s) defines global '%s' (%s): neither libos_- or layer-prefixed nor in %s"
                      % (archive, member, name, kind, allowlist))
    print("checked %d archives: %d global symbols libos_-prefixed or allowed"
          % (len(archives), passed))
    unused = sorted(allowed - seen_allowed)
    if unused:
        print("note: allowed but not defined: %s" % " ".join(unused))
    if passed == 0:  # nothing was checked: the archives list is wrong
        print("FAIL: no global symbols found in %s" % " ".join(archives))
        failed += 1
    return passed, failed


def main(argv):
    if len(argv) >= 3 and argv[0] == "image":
        present, absent, rest = [], [], argv[3:]
        while rest:
            if rest[0] in ("--present", "--absent") and len(rest) >= 2:
                (present if rest[0] == "--present" else absent).append(rest[1])
                rest = rest[2:]
            else:
                sys.exit("check_symbols: unexpected argument %r" % rest[0])
        passed, failed = image(argv[1], argv[2], present, absent)
    elif len(argv) >= 4 and argv[0] == "namespace":
        passed, failed = namespace(argv[1], argv[2], argv[3:])
    else:
        sys.exit(__doc__)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

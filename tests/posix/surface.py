#!/usr/bin/env python3
"""The POSIX surface, checked from the headers themselves (tests/posix/surface).

Two steps, both reading the installed headers as they are at that moment (no checked-in list):

  surface.py refs --out refs.c --cc gcc -I <dir>... --app-include <dir>... --cflags OPTIONS
      writes a C file that takes the address of every function the headers declare (run by the
      build, so that the image posix_surface links them all).
  surface.py check (the same) --build-dir B --target T --boot CMD...
      compiles every header alone (C11 and gnu17, with and without _GNU_SOURCE), builds the
      target T (linking every declared function into one libos image), then boots it.

A failure names the header (and the mode) that does not compile, or the function that does not
link; the process exits 1.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

# Headers no application includes directly, each with its reason. Patterns match the path
# relative to an include directory.
EXCLUDED = [
    (r"machine/.*", "the target's internals, included by the public headers that need them"),
    (r"sys/_.*", "implementation-internal type headers (sys/_types.h, sys/_pthreadtypes.h, ...)"),
    (r"bits/.*", "implementation-internal"),
    (r"ssp/.*", "_FORTIFY_SOURCE's wrappers, included by string.h/stdio.h/... when fortifying"),
    (r"sys/reent\.h|reent\.h", "newlib's reentrancy structure, internal to newlib"),
    (r"sys/lock\.h|envlock\.h", "newlib's internal lock interface"),
    (r"sys/config\.h|newlib\.h|_newlib_version\.h|_ansi\.h|_syslist\.h",
     "newlib's build configuration, included through the public headers"),
    (r"sys/custom_file\.h|sys/iconvnls\.h|sys/string\.h|sys/stdio\.h",
     "newlib-internal helpers of stdio, iconv and string.h"),
    (r"sys/features\.h", "newlib's feature-test macro logic, included by every header"),
    (r"regdef\.h", "MIPS assembler register names (machine/regdef.h exists only for MIPS)"),
    (r"rpc/.*", "Sun RPC's XDR types only; no RPC library exists (and none is declared)"),
]

# Functions that are declared but cannot exist, each with its reason (keep this tiny).
ALLOWED_UNDEFINED = {
    # libos's <sys/signal.h> renames newlib's sigaction prototype (its struct differs from
    # POSIX's) out of the way with a macro, so the old declaration lives on under this name.
    "__newlib_sigaction": "newlib's superseded sigaction prototype, renamed by libos's <sys/signal.h>",
}


def headers(dirs):
    """Every header under dirs, by its include name; the first directory wins, as with -isystem."""
    found = {}
    for d in dirs:
        for root, _, files in os.walk(d):
            for f in files:
                if not f.endswith(".h"):
                    continue
                name = os.path.relpath(os.path.join(root, f), d)
                found.setdefault(name, os.path.join(root, f))
    return sorted(n for n in found if not any(re.fullmatch(p, n) for p, _ in EXCLUDED))


def base_cmd(args):
    cmd = [args.cc, "-nostdinc", "-fsyntax-only"]
    for d in args.include:
        cmd += ["-isystem", d]
    return cmd + args.options


MODES = [("-std=c11",), ("-std=c11", "-D_GNU_SOURCE"), ("-std=gnu17",), ("-std=gnu17", "-D_GNU_SOURCE")]


def compile_alone(args, header, mode):
    src = "#include <%s>\n" % header
    p = subprocess.run(base_cmd(args) + list(mode) + ["-x", "c", "-"], input=src,
                       capture_output=True, text=True)
    return header, mode, p.returncode, p.stderr


def declared(args, hdrs):
    """The functions the headers declare (gnu17 with _GNU_SOURCE, the widest view): name -> header."""
    src = "".join("#include <%s>\n" % h for h in hdrs)
    with tempfile.TemporaryDirectory() as tmp:
        c = os.path.join(tmp, "all.c")
        aux = os.path.join(tmp, "all.aux")
        with open(c, "w") as f:
            f.write(src)
        cmd = [args.cc, "-nostdinc", "-std=gnu17", "-D_GNU_SOURCE", "-c", "-o", os.devnull,
               "-aux-info", aux]
        for d in args.include:
            cmd += ["-isystem", d]
        # without _FORTIFY_SOURCE, whose inline wrappers and asm-named originals are not functions
        # of their own
        options = [o for o in args.options if not o.startswith("-D_FORTIFY_SOURCE")]
        p = subprocess.run(cmd + options + [c], capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit("surface: the headers do not compile together:\n" + p.stderr)
        names = {}
        roots = [os.path.realpath(d) + os.sep for d in args.include if d in args.app_include]
        for line in open(aux):
            m = re.match(r"/\* (.*?):(\d+):(..) \*/ (.*)", line)
            if not m or m.group(3)[1] == "F":  # F: defined in the header (inline)
                continue
            path = os.path.realpath(m.group(1))
            root = next((r for r in roots if path.startswith(r)), None)
            if root is None:  # gcc's own headers (stddef.h, ...): not a libc's
                continue
            n = re.search(r"([A-Za-z_]\w*)\s*\((?!\s*\*)", m.group(4))
            if n:
                names.setdefault(n.group(1), path[len(root):])
    return names


def write_refs(names, hdrs, out):
    """refs.c: the headers, then the address of each function, as a program names it (macros and
    asm labels resolved by the compiler: sigpause is __xpg_sigpause, libgen's basename is
    basename). The names go beside, for the image to report."""
    used = sorted(n for n in names if n not in ALLOWED_UNDEFINED)
    lines = ["/* Generated by tests/posix/surface.py from the headers: the address of every",
             " * function they declare, so that the image links them all. */",
             "#define _GNU_SOURCE"]
    lines += ["#include <%s>" % h for h in hdrs]
    lines.append("const void *const libos_surface_refs[] = {")
    lines += ["    (const void *)&%s," % n for n in used]
    lines += ["};", "const unsigned long libos_surface_count = %d;" % len(used),
              "const char libos_surface_names[] ="]
    lines += ["    \"%s\\0\"" % n for n in used]
    lines.append("    ;")
    text = "\n".join(lines) + "\n"
    if not os.path.exists(out) or open(out).read() != text:
        with open(out, "w") as f:
            f.write(text)


DOCS_BEGIN = "<!-- surface:begin"
DOCS_END = "<!-- surface:end -->"


def docs_block(names):
    """The list of every declared function by header, as docs/posix.md carries it."""
    by = {}
    for n, h in names.items():
        if n not in ALLOWED_UNDEFINED:
            by.setdefault(h, []).append(n)
    lines = ["%s (generated by `cmake --build build --target posix-docs` from the headers;"
             " posix.surface fails when it is stale) -->" % DOCS_BEGIN]
    for h in sorted(by):
        lines.append("- `<%s>`: %s" % (h, ", ".join("`%s`" % n for n in sorted(by[h]))))
    lines.append(DOCS_END)
    return "\n".join(lines)


def docs_current(path):
    text = open(path).read()
    b, e = text.find(DOCS_BEGIN), text.find(DOCS_END)
    if b < 0 or e < 0:
        return text, None, None
    return text, b, e + len(DOCS_END)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("step", choices=["refs", "check"])
    ap.add_argument("--cc", default="gcc")
    ap.add_argument("-I", dest="include", action="append", default=[],
                    help="an include directory, in search order")
    ap.add_argument("--app-include", action="append", default=[],
                    help="an include directory whose headers are checked (libos's and newlib's)")
    ap.add_argument("--cflags", default="", help="the compile options of an application")
    ap.add_argument("--out")
    ap.add_argument("--build-dir")
    ap.add_argument("--target")
    ap.add_argument("--docs", help="docs/posix.md: its list of declared functions must be current")
    ap.add_argument("--write-docs", action="store_true", help="rewrite that list (step check)")
    ap.add_argument("--boot", nargs=argparse.REMAINDER, default=[])
    args = ap.parse_args()
    args.options = args.cflags.split()
    hdrs = headers(args.app_include)

    if args.step == "refs":
        # The headers that do not compile alone are left out here (so that the build goes on),
        # and reported by the check step.
        with ThreadPoolExecutor(max_workers=2) as pool:
            ok = [h for h, _, rc, _ in pool.map(lambda h: compile_alone(args, h, MODES[3]), hdrs) if rc == 0]
        write_refs(declared(args, ok), ok, args.out)
        return 0

    failures = 0
    broken = set()
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [pool.submit(compile_alone, args, h, m) for h in hdrs for m in MODES]
        for j in jobs:
            h, mode, rc, err = j.result()
            if rc != 0:
                broken.add(h)
                failures += 1
                first = next((l for l in err.splitlines() if "error" in l), err.strip())
                print("FAIL header <%s> does not compile alone (%s): %s" % (h, " ".join(mode), first))
    print("surface: %d headers compiled alone in %d modes, %d failed" % (len(hdrs), len(MODES), failures))

    names = declared(args, [h for h in hdrs if h not in broken])
    print("surface: the headers declare %d functions" % len(names))
    if args.docs:
        text, b, e = docs_current(args.docs)
        block = docs_block(names)
        if args.write_docs:
            if b is None:
                text = text.rstrip("\n") + "\n\n## Every declared function, by header\n\n" + block + "\n"
            else:
                text = text[:b] + block + text[e:]
            with open(args.docs, "w") as f:
                f.write(text)
            print("surface: wrote the list into %s" % args.docs)
            return 0
        if b is None or text[b:e] != block:
            print("FAIL %s: its list of declared functions is not what the headers declare; run "
                  "`cmake --build build --target posix-docs` and give each new call its row" % args.docs)
            failures += 1
    p = subprocess.run(["cmake", "--build", args.build_dir, "--target", args.target],
                       capture_output=True, text=True)
    if p.returncode != 0:
        out = p.stdout + p.stderr
        undefined = sorted(set(re.findall(r"undefined reference to `([^']+)'", out)))
        multiple = sorted(set(re.findall(r"multiple definition of `([^']+)'", out)))
        for n in undefined:
            print("FAIL function %s (declared in <%s>) is defined nowhere" % (n, names.get(n, "?")))
        for n in multiple:
            print("FAIL function %s is defined twice when every declared function is linked" % n)
        if not undefined and not multiple:
            print("FAIL building %s:\n%s" % (args.target, out[-4000:]))
        return 1
    print("surface: %d functions linked into one image" % len(names))
    if failures:
        return 1
    if args.boot:
        return subprocess.run(args.boot).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())

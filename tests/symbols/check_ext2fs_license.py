#!/usr/bin/env python3
"""check_ext2fs_license.py SOURCES_TXT E2FSPROGS_DIR NM ARCHIVE

libos_ext2fs may carry only LGPL-2 and permissive code (docs/licenses.md). Fails when
  - the archive's source list (SOURCES_TXT, written by blk/ext2fs/CMakeLists.txt) names one of
    e2fsprogs's GPL-2 members: lib/ext2fs/crc32c.c, crc16.c, rbtree.c, nls_utf8.c, tdbtool.c, or
    blkmap64_rb.c (LGPL-2 itself, but built on the GPL-2 rbtree.h's inline code);
  - any upstream source in the list is outside lib/ext2fs and lib/et, or carries a GPL header
    ("GNU General Public License" without "Library"/"Lesser") that debian/copyright does not
    clarify (lib/ext2fs's "GNU Public License" files are LGPL-2 per upstream's NOTICE);
  - the archive defines a symbol of a GPL-2 member or header: the red-black tree (rb_*,
    ext2fs_rb_*), the UTF-8 tables (utf8*), the jbd2 inline helpers (jbd2_*), the GPL CRC tables.
"""
import os
import re
import subprocess
import sys

GPL_MEMBERS = {"crc32c.c", "crc16.c", "rbtree.c", "nls_utf8.c", "tdbtool.c", "blkmap64_rb.c"}
GPL_SYMBOLS = re.compile(r"^(rb_|ext2fs_rb_|__rb_|utf8|jbd2_|crc32ctable_|crc32table_|crc16_table$)")


def main(argv):
    sources_txt, e2fs, nm, archive = argv[1:5]
    lib = os.path.realpath(os.path.join(e2fs, "lib"))
    failed = checked = 0
    with open(sources_txt) as f:
        sources = [line.strip() for line in f if line.strip()]
    for src in sources:
        path = os.path.realpath(src) if os.path.isabs(src) else None
        if path is None or not path.startswith(lib + os.sep):
            continue  # ours (blk/ext2fs) or generated (ext2_err.c)
        checked += 1
        rel = os.path.relpath(path, lib)
        if os.path.dirname(rel) not in ("ext2fs", "et"):
            print("FAIL: %s: outside lib/ext2fs and lib/et" % rel)
            failed += 1
        elif os.path.basename(rel) in GPL_MEMBERS:
            print("FAIL: %s is a GPL-2 member of e2fsprogs, built into libos_ext2fs" % rel)
            failed += 1
        else:
            with open(path, errors="replace") as f:
                head = f.read(3000)
            if "General Public License" in head and not re.search(r"library|lesser", head, re.I):
                print("FAIL: %s carries a GPL header" % rel)
                failed += 1
    if checked < 50:
        print("FAIL: only %d upstream sources in %s: the list is wrong" % (checked, sources_txt))
        failed += 1
    out = subprocess.run([nm, "--defined-only", archive], check=True, capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and GPL_SYMBOLS.match(parts[2]):
            print("FAIL: %s defines %s (%s), a name of GPL-2 code" % (archive, parts[2], parts[1]))
            failed += 1
    print("checked %d upstream sources and the symbols of %s: %s"
          % (checked, os.path.basename(archive), "FAILED" if failed else "LGPL-2 and permissive only"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

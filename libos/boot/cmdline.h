/*
 * Kernel command line parsing (private to libos::boot; pure logic, also built for host tests).
 *
 * Grammar, in order:
 *   word := characters up to unquoted space or tab.
 *           "..."  groups; inside, \" and \\ stand for " and \ (other backslashes stay).
 *           '...'  groups literally.
 *           \c     outside quotes stands for c.
 *   Leading words of the form prefix.key=value are kernel parameters (libos.verbose=1), and so
 *   is a leading libos.key without a value (which the boot then refuses by name).
 *   Following leading words of the form NAME=value (NAME: [A-Za-z_][A-Za-z0-9_]*) are the
 *   environment. A word "--" ends both and is dropped. Every remaining word is argv[1..].
 *   Words starting with "virtio_mmio.device=" are kernel parameters wherever they stand, because
 *   QEMU's microvm appends them after whatever -append said.
 */
#ifndef LIBOS_BOOT_CMDLINE_H
#define LIBOS_BOOT_CMDLINE_H

#include <stddef.h>

struct libos_cmdline {
    int argc;
    char **argv;   /* argc words and a NULL */
    char **envp;   /* environment words and a NULL */
    char **params; /* kernel parameter words and a NULL */
};

/* Why a command line was refused: a reason and the 1-based column it refers to (0: none). */
struct libos_cmdline_error {
    const char *reason;
    long column;
};

/*
 * Split buf in place. words has room for max_words pointers; argv0 becomes argv[0].
 * Returns 0, or -1 and fills *err (a malformed quote, a trailing backslash, too many words).
 */
int libos_cmdline_parse(char *buf, const char *argv0, char **words, size_t max_words, struct libos_cmdline *out,
                  struct libos_cmdline_error *err);

#endif

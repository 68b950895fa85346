/*
 * libos/initrd.h: the initrd file system: the -initrd's newc cpio archive, read-only, in place.
 *
 * Contract:
 * - The archive is untrusted: it is checked whole (libos_cpio_validate) before anything is
 *   mounted, and a malformed one is refused with the reader's error.
 * - Nothing is copied: file data, names and link targets are read from the archive, which must
 *   stay mapped and unchanged for as long as the mount exists (the -initrd does: libos::mm maps
 *   it read-only and keeps it out of the heap). An index (one array, sorted by path) is built
 *   once at mount, so every lookup is a binary search.
 * - Read-only: every call that would change the tree fails -EROFS (the VFS does it: the file
 *   system has no such ops), and so does opening a file for writing.
 * - Thread context; mounting is done once, at start-up.
 */
#ifndef LIBOS_INITRD_H
#define LIBOS_INITRD_H

#include <libos/cpio.h>

#include <stddef.h>

/*
 * Mount the archive [base, base + size) at path (absolute, canonical; kept, not copied).
 * Returns the number of entries, or a negative number with *err filled: err->code is a
 * LIBOS_CPIO_E* code for a malformed archive, else -ENOMEM (the index does not fit in the heap) or
 * -EBUSY (the mount table is full), and err->message says which.
 */
long libos_initrd_mount(const void *base, size_t size, const char *path, struct libos_cpio_error *err);

/*
 * The start sequence's step (DEVICES initrd, or -u libos_initrd_init): when the monitor gave an
 * -initrd, mount it at "/", or at the path of the kernel parameter libos.initrd=/path. Without
 * an -initrd it does nothing. A malformed archive or a bad path fails the boot with one line,
 * "libos: boot failed: initrd: ...".
 */
void libos_initrd_init(void);

#endif

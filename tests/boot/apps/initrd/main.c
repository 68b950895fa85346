/*
 * test_initrd: reads the -initrd that the boot layer found (libos_boot_info, mapped read-only by
 * libos::mm) with the cpio reader, and prints one line per entry: mode, owner, size, mtime, path,
 * and an FNV-1a checksum of a regular file's bytes or a symlink's target. make_tree.py computes
 * the same lines from the files themselves, so the boot test checks every byte. (Until the
 * initrd file system exists, this is the guest side of the initrd tests.)
 * Exit status: 0 a valid archive, 1 a malformed one (its error printed), 2 no initrd.
 */
#include <libos/boot.h>
#include <libos/cpio.h>
#include <stdint.h>
#include <stdio.h>

static uint32_t fnv1a(const unsigned char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

int main(void)
{
    const void *base = (const void *)(uintptr_t)libos_boot_info.initrd_base;
    size_t size = libos_boot_info.initrd_size;
    if (!size) {
        printf("initrd: none\n");
        return 2;
    }
    printf("initrd: %zu bytes\n", size);
    struct libos_cpio_error err;
    long n = libos_cpio_validate(base, size, &err);
    if (n < 0) {
        printf("initrd: malformed archive: %s (offset %zu%s%s)\n", err.message, err.offset,
               err.path ? ", entry " : "", err.path ? err.path : "");
        return 1;
    }
    struct libos_cpio c;
    struct libos_cpio_entry e;
    libos_cpio_open(&c, base, size);
    while (libos_cpio_next(&c, &e, NULL) == 1) {
        printf("entry %06o %u:%u %zu %u /%s", (unsigned)e.mode, (unsigned)e.uid, (unsigned)e.gid, e.size,
               (unsigned)e.mtime, e.path);
        if ((e.mode & LIBOS_CPIO_S_IFMT) == LIBOS_CPIO_S_IFLNK)
            printf(" -> %.*s", (int)e.size, (const char *)e.data);
        if ((e.mode & LIBOS_CPIO_S_IFMT) == LIBOS_CPIO_S_IFREG)
            printf(" fnv1a 0x%08x", (unsigned)fnv1a(e.data, e.size));
        printf("\n");
    }
    printf("initrd: %ld entries, valid\n", n);
    return 0;
}

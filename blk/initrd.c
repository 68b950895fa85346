/*
 * The initrd's step of the start sequence: mount the -initrd, if the monitor gave one, at "/" or
 * at libos.initrd=/path. In a file of its own so that only images that name it (DEVICES initrd,
 * a -u libos_initrd_init) carry the file system and the cpio reader.
 */
#include <libos/boot.h>
#include <libos/initrd.h>
#include <libos/vfs.h>

#include <stdint.h>
#include <string.h>

/* libos.initrd=/path: checked when the initrd is mounted, below. */
LIBOS_PARAM_CLAIM(initrd_claim, "libos.initrd=", libos_param_any);

void libos_initrd_init(void)
{
    const struct libos_boot_info *bi = &libos_boot_info;
    const char *at = libos_boot_param("libos.initrd", 0);
    if (!at)
        at = "/";
    if (!libos_vfs_path_canonical(at)) {
        libos_printk("libos: boot failed: initrd: libos.initrd=%s is not a canonical absolute path\n", at);
        libos_exit(LIBOS_EXIT_PANIC);
    }
    if (!bi->initrd_size)
        return; /* no -initrd: nothing to mount, and not an error */
    struct libos_cpio_error err;
    long n = libos_initrd_mount((const void *)(uintptr_t)bi->initrd_base, (size_t)bi->initrd_size, at, &err);
    if (n < 0) {
        libos_printk("libos: boot failed: initrd: %s (offset %zu%s%s)\n", err.message, err.offset,
                     err.path ? ", entry " : "", err.path ? err.path : "");
        libos_exit(LIBOS_EXIT_PANIC);
    }
    if (libos_boot_verbose())
        libos_printk("libos: initrd: %ld entries (%lu bytes) at %s\n", n, (unsigned long)bi->initrd_size, at);
}

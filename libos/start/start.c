/*
 * The start-up sequence: from the PVH entry (libos/boot/entry.S) to main(). Read top to bottom,
 * libos_boot_main is the whole system; each line brings up one subsystem.
 *
 * This is the composition root: the one place that names every layer, and nothing depends on it
 * (the entry jumps here as a C runtime's start-up jumps to main). Optional subsystems are weak
 * references: a weak undefined symbol pulls nothing out of an archive, so their init runs only
 * when the application linked them in (a device named with DEVICES in its CMakeLists, or code
 * that uses threads, sleeping or poll).
 */
#include <libos/boot.h>
#include <libos/mm.h>
#include <libos/vfs.h> /* fds 0-2 are the console from the start: nothing to call */
#include <libos/x86.h>

#include <stdlib.h>

extern int main(int argc, char **argv, char **envp);
void libos_sched_init(void) __attribute__((weak)); /* libos::core's scheduler, when linked */
void libos_blk_init(void) __attribute__((weak));   /* libos::blk (DEVICES blk), when linked */
void libos_initrd_init(void) __attribute__((weak)); /* libos::blk's initrd (DEVICES initrd) */
void libos_net_init(void) __attribute__((weak));    /* libos::net (DEVICES net), when linked */
#pragma weak libos_tmpfs_init                       /* /tmp, when the app names tmpfs */
void libos_ext4_init(void) __attribute__((weak));   /* libos::ext4's mounts (DEVICES ext4) */

static void print_summary(int argc)
{
    const struct libos_boot_info *bi = &libos_boot_info;
    libos_printk("libos: command line '%s' (%d arguments)\n", bi->cmdline, argc - 1);
    for (unsigned i = 0; i < bi->memmap_count; i++)
        libos_printk("libos: memory %012lx-%012lx type %u\n", (unsigned long)bi->memmap[i].base,
                     (unsigned long)(bi->memmap[i].base + bi->memmap[i].size - 1), bi->memmap[i].type);
    libos_printk("libos: image ends at 0x%lx, heap %lu KiB\n", (unsigned long)libos_image_end(),
                 (unsigned long)(libos_heap_size() >> 10));
}

static void run_constructors(void)
{
    extern void (*__preinit_array_start[])(void), (*__preinit_array_end[])(void);
    extern void (*__init_array_start[])(void), (*__init_array_end[])(void);
    for (void (**f)(void) = __preinit_array_start; f < __preinit_array_end; f++)
        (*f)();
    for (void (**f)(void) = __init_array_start; f < __init_array_end; f++)
        (*f)();
}

_Noreturn void libos_boot_main(uintptr_t start_info)
{
    char **argv, **envp;

    libos_boot_init(start_info);          /* stack guard, console, CPU tables, start info */
    libos_mm_init();                      /* page tables (W^X, guard pages), heap */
    int argc = libos_boot_args(&argv, &envp); /* argv, environment, kernel parameters */
    if (libos_boot_verbose())
        print_summary(argc);
    if (libos_sched_init)
        libos_sched_init();               /* threads, interrupts, timers */
    if (libos_blk_init)
        libos_blk_init();                 /* disks: vda, vdb, ... (and /dev/vda, ...) */
    if (libos_initrd_init)
        libos_initrd_init();              /* the -initrd's files at / (or libos.initrd=) */
    if (libos_tmpfs_init)
        libos_tmpfs_init();               /* /tmp in RAM */
    if (libos_net_init)
        libos_net_init();                 /* lwIP, NICs eth0, ...: net.* words or DHCP */
    if (libos_ext4_init)
        libos_ext4_init();                /* libos.mount=vda:/data: ext4 on the disks */
    run_constructors();
    libos_boot_info.tsc_main = x86_rdtsc();
    exit(main(argc, argv, envp));
}

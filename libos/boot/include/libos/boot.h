/*
 * libos/boot.h: what the boot layer offers everything above it.
 *
 * libos::boot owns the PVH entry, the CPU tables (GDT, IDT, TSS), CPU exceptions and panic
 * reports, the kernel command line, the start-up sequence that ends in main(), and leaving the
 * machine with a status.
 *
 * Contract: libos_printk, libos_panic and libos_exit may be called from any context (thread,
 * exception handler, interrupts off); they never allocate and never fail. libos_panic and
 * libos_exit do not return.
 */
#ifndef LIBOS_BOOT_H
#define LIBOS_BOOT_H

#include <libos/config.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* One entry of the firmware memory map (E820 types: 1 usable RAM, 2 reserved, 3 ACPI, ...). */
struct libos_memmap_entry {
    uint64_t base;
    uint64_t size;
    uint32_t type;
};
#define LIBOS_MEMMAP_RAM 1

/* What the boot layer learned from the monitor; filled before libos_mm_init runs. */
struct libos_boot_info {
    struct libos_memmap_entry memmap[LIBOS_MEMMAP_MAX];
    unsigned memmap_count;
    uint64_t initrd_base, initrd_size; /* 0 when there is no -initrd */
    const char *cmdline;               /* copy of -append, "" when absent */
    uint64_t tsc_entry;                /* TSC at the first instruction */
    uint64_t tsc_main;                 /* TSC just before main() */
};
extern struct libos_boot_info libos_boot_info;

/* Status values the image reports to the runner (see toolchain/libos-run for the encoding). */
#define LIBOS_EXIT_PANIC (-1)

/* Formatted output to the console: %s %c %d %i %u %x %p, with l/ll/z and width/'0'/'-'. */
void libos_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int libos_vsnprintk(char *buf, size_t size, const char *fmt, va_list ap);

/* Print a panic report (message, backtrace from the caller) and leave with the panic status. */
_Noreturn void libos_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Leave the machine. status is the application's exit status (0..255) or LIBOS_EXIT_PANIC. */
_Noreturn void libos_exit(int status);

/* Print a backtrace starting at frame pointer fp (0 terminates a chain). */
void libos_backtrace(const void *fp);

/* The function containing addr: its name (NULL when unknown) and addr's offset into it. The name
 * stays valid until the next call. */
struct libos_symbol {
    const char *name;
    uintptr_t offset;
};
struct libos_symbol libos_symbolize(uintptr_t addr);

/* First byte after the loaded image (text, data, bss and the symbol table). */
uintptr_t libos_image_end(void);

/*
 * The boot layer's steps of the start sequence (libos/start/start.c), in this order:
 * libos_boot_init: the stack guard, the console, the CPU's tables, the monitor's start info
 *   (start_info: the physical address of PVH's struct hvm_start_info).
 * libos_boot_args (once memory is up): the command line into argv and the environment (also in
 *   environ), its kernel parameters checked; returns argc. A bad command line fails the boot.
 * libos_boot_verbose: whether libos.verbose=1 asked for boot messages.
 */
void libos_boot_init(uintptr_t start_info);
int libos_boot_args(char ***argv, char ***envp);
int libos_boot_verbose(void);

/*
 * Kernel parameters: dotted words of the command line (libos.verbose=1, and the
 * virtio_mmio.device=... words microvm appends), kept for the layers that use them.
 * Returns the value of the index-th parameter called name, or NULL.
 */
const char *libos_boot_param(const char *name, unsigned index);

/*
 * Kernel parameter words of a layer: LIBOS_PARAM_CLAIM(id, "net.", check) in one of the layer's
 * objects makes the boot accept every word that begins with the prefix, calling check with each
 * at once, to fail the boot on a bad value (libos_param_any accepts every word: the layer
 * reads them later with libos_boot_param or libos_boot_param_word). The claim is linked with that object, so
 * an image without the layer refuses the words as unknown: a typo is never dropped.
 */
struct libos_param_claim {
    const char *prefix;
    void (*check)(const char *word);
};
void libos_param_any(const char *word);
#define LIBOS_PARAM_CLAIM(id, prefix, check)                                                       \
    static const struct libos_param_claim id                                                       \
        __attribute__((used, section(".libos_params"), aligned(8))) = {prefix, check}

/* The index-th parameter word that begins with prefix, whole ("net.eth0=dhcp"), or NULL: for a
 * layer that claims a prefix and checks every word under it. */
const char *libos_boot_param_word(const char *prefix, unsigned index);

#endif

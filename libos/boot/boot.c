/*
 * The boot layer's part of the start sequence (libos/start/start.c runs it): what the CPU and the
 * monitor give us before memory is set up (the stack guard, the console, the CPU's tables, the
 * PVH start info), and after it the kernel command line: argv, the environment and kernel
 * parameters.
 */
#include "boot_impl.h"
#include "cmdline.h"

#include <libos/boot.h>
#include <libos/console.h>
#include <libos/trap.h>
#include <libos/x86.h>

#include <stdlib.h>
#include <string.h>

/* The PVH start info (Xen's arch-x86/hvm/start_info.h, version 1), all fields IN. */
struct hvm_start_info {
    uint32_t magic; /* 0x336ec578 */
    uint32_t version;
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
    uint64_t memmap_paddr; /* version >= 1 */
    uint32_t memmap_entries;
    uint32_t reserved;
};
struct hvm_modlist_entry {
    uint64_t paddr, size, cmdline_paddr, reserved;
};
struct hvm_memmap_entry {
    uint64_t addr, size;
    uint32_t type, reserved;
};
#define HVM_START_MAGIC 0x336ec578

extern char **environ;

/* The application's name, argv[0]; libos_add_executable generates the real definition. */
__attribute__((weak)) const char libos_app_name[] = "app";

struct libos_boot_info libos_boot_info;
static char cmdline_original[LIBOS_CMDLINE_MAX];
static char cmdline_words[LIBOS_CMDLINE_MAX];
static char *words[LIBOS_ARGS_MAX];
static char **params;
static int verbose;

/* Print "libos: boot failed: <message>" and leave with the panic status. A macro, not a variadic
 * function: every image carries this file, and forwarding a va_list costs ~150 bytes of code. */
#define boot_failed(fmt, ...) \
    (libos_printk("libos: boot failed: "), libos_printk(fmt "\n", __VA_ARGS__), libos_exit(LIBOS_EXIT_PANIC))

/* Copy what we need out of the start info: it lives in low memory that mm will reuse. */
static void read_start_info(uintptr_t pa)
{
    const struct hvm_start_info *si = (const void *)pa;
    struct libos_boot_info *bi = &libos_boot_info;
    if (!si || si->magic != HVM_START_MAGIC)
        boot_failed("%s", "not started through the PVH entry (start_info magic missing)");
    if (si->version < 1 || !si->memmap_paddr || !si->memmap_entries)
        boot_failed("the monitor gave no memory map (PVH start_info version %u)", si->version);

    const struct hvm_memmap_entry *e = (const void *)(uintptr_t)si->memmap_paddr;
    for (uint32_t i = 0; i < si->memmap_entries && bi->memmap_count < LIBOS_MEMMAP_MAX; i++) {
        if (e[i].size == 0) /* microvm ends its map with an empty entry */
            continue;
        bi->memmap[bi->memmap_count++] = (struct libos_memmap_entry){e[i].addr, e[i].size, e[i].type};
    }

    if (si->nr_modules > 0 && si->modlist_paddr) {
        const struct hvm_modlist_entry *m = (const void *)(uintptr_t)si->modlist_paddr;
        bi->initrd_base = m->paddr;
        bi->initrd_size = m->size;
    }

    const char *cl = si->cmdline_paddr ? (const char *)(uintptr_t)si->cmdline_paddr : "";
    size_t n = strlen(cl);
    if (n >= sizeof cmdline_original)
        boot_failed("command line too long (%zu bytes, at most %d)", n, LIBOS_CMDLINE_MAX - 1);
    memcpy(cmdline_original, cl, n + 1);
    memcpy(cmdline_words, cl, n + 1); /* the parser's copy, split in place */
    bi->cmdline = cmdline_original;
}

const char *libos_boot_param(const char *name, unsigned index)
{
    size_t n = strlen(name);
    for (char **p = params; p && *p; p++)
        if (strncmp(*p, name, n) == 0 && (*p)[n] == '=' && index-- == 0)
            return *p + n + 1;
    return NULL;
}

const char *libos_boot_param_word(const char *prefix, unsigned index)
{
    size_t n = strlen(prefix);
    for (char **p = params; p && *p; p++)
        if (strncmp(*p, prefix, n) == 0 && index-- == 0)
            return *p;
    return NULL;
}

/*
 * Kernel parameters: libos.verbose= is this layer's; every other word must begin with a prefix
 * that a layer of this image claims (LIBOS_PARAM_CLAIM in libos/boot.h: virtio_mmio., which
 * microvm appends itself, below; libos.initrd= by the initrd, net. by libos::net, libos.stack= by
 * mm's growing stacks, ...), so that a typo, or a word for a layer the image lacks, is refused,
 * never dropped. The refusal lists what the image claims.
 */
void libos_param_any(const char *word) { (void)word; }
LIBOS_PARAM_CLAIM(mmio_words_claim, "virtio_mmio.", libos_param_any);
extern const struct libos_param_claim __libos_params_start[], __libos_params_end[];

static void apply_libos_params(void)
{
    for (char **p = params; *p; p++) {
        const char *w = *p;
        const struct libos_param_claim *c = __libos_params_start;
        for (; c < __libos_params_end; c++) { /* does w begin with c->prefix? */
            const char *a = w, *b = c->prefix;
            while (*b && *a == *b)
                a++, b++;
            if (!*b)
                break;
        }
        if (c < __libos_params_end) {
            c->check(w);
            continue;
        }
        if (strncmp(w, "libos.verbose=", 14) == 0 && (w[14] | 1) == '1' && !w[15]) {
            verbose = w[14] - '0'; /* '0' or '1' */
            continue;
        }
        libos_printk("libos: boot failed: unknown parameter '%s' (known: libos.verbose=0|1", w);
        for (c = __libos_params_start; c < __libos_params_end; c++)
            libos_printk(", %s*", c->prefix);
        libos_printk(")\n");
        libos_exit(LIBOS_EXIT_PANIC);
    }
}

int libos_boot_verbose(void) { return verbose; }

void libos_boot_init(uintptr_t start_info)
{
    libos_boot_info.tsc_entry = libos_boot_tsc_entry;
    libos_stack_guard_init();    /* stack-protector guard: random from here on */
    libos_console_init();        /* COM1: everything below may print */
    libos_cpu_init();            /* GDT, TSS, IDT: CPU exceptions now end in a report */
    read_start_info(start_info); /* memory map, command line, initrd */
}

int libos_boot_args(char ***argv, char ***envp)
{
    struct libos_cmdline cl;
    struct libos_cmdline_error err;
    if (libos_cmdline_parse(cmdline_words, libos_app_name, words, LIBOS_ARGS_MAX, &cl, &err))
        boot_failed("command line: %s (column %ld of '%s')", err.reason, err.column, cmdline_original);
    params = cl.params;
    apply_libos_params(); /* libos.* options */
    environ = cl.envp;    /* NAME=value words: getenv() */
    *argv = cl.argv;
    *envp = cl.envp;
    return cl.argc;
}

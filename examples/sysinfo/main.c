/*
 * sysinfo: what the machine looks like from inside: the memory map, the heap, the TSC and where
 * its frequency came from, the wall-clock time, and how long boot took from the first instruction
 * of the image to main(), measured in the guest with the TSC.
 */
#include <libos/boot.h>
#include <libos/mm.h>
#include <libos/time.h>

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

static const char *memmap_type(uint32_t type)
{
    switch (type) {
    case 1: return "RAM";
    case 2: return "reserved";
    case 3: return "ACPI data";
    case 4: return "ACPI NVS";
    default: return "other";
    }
}

int main(void)
{
    const struct libos_boot_info *bi = &libos_boot_info;
    uint64_t boot_ticks = bi->tsc_main - bi->tsc_entry;

    printf("memory map:\n");
    for (unsigned i = 0; i < bi->memmap_count; i++)
        printf("  0x%010" PRIx64 "-0x%010" PRIx64 " %8" PRIu64 " KiB  %s\n", bi->memmap[i].base,
               bi->memmap[i].base + bi->memmap[i].size - 1, bi->memmap[i].size >> 10,
               memmap_type(bi->memmap[i].type));
    printf("image end: %#" PRIxPTR "\n", libos_image_end());
    printf("heap: %zu KiB (%zu KiB used)\n", libos_heap_size() >> 10, libos_heap_used() >> 10);
    printf("tsc: %" PRIu64 " Hz (from %s)\n", libos_tsc_hz(), libos_tsc_source());

    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct tm tm;
    gmtime_r(&now.tv_sec, &tm);
    char when[64];
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
    printf("wall clock: %s (%lld)\n", when, (long long)now.tv_sec);

    printf("boot: entry to main %" PRIu64 " ns (%" PRIu64 " TSC cycles)\n",
           libos_tsc_to_ns(boot_ticks), boot_ticks);
    return 0;
}

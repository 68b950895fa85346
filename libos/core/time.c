/*
 * Time from the TSC, its frequency from CPUID or a PIT calibration, wall clock from the CMOS RTC.
 * See libos/time.h for the contract.
 */
#include <libos/boot.h>
#include <libos/time.h>
#include <libos/x86.h>

#define PIT_HZ 1193182u
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_GATE 0x61
#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71

static uint64_t tsc_hz;
static const char *tsc_source;
static uint64_t ns_mult;          /* ns = ticks * ns_mult >> 32 */
static uint64_t realtime_base_ns; /* wall clock at monotonic time 0 */

/* Frequency from CPUID leaf 0x15 (crystal ratio) or the hypervisor timing leaf 0x40000010. */
static uint64_t tsc_hz_from_cpuid(const char **source)
{
    uint32_t r[4];
    x86_cpuid(0, 0, r);
    if (r[0] >= 0x15) {
        x86_cpuid(0x15, 0, r); /* eax: denominator, ebx: numerator, ecx: crystal Hz */
        if (r[0] && r[1] && r[2]) {
            *source = "cpuid";
            return (uint64_t)r[2] * r[1] / r[0];
        }
    }
    x86_cpuid(1, 0, r);
    if (r[2] & (1u << 31)) { /* running under a hypervisor */
        x86_cpuid(0x40000000, 0, r);
        if (r[0] >= 0x40000010) {
            x86_cpuid(0x40000010, 0, r); /* eax: TSC kHz */
            if (r[0]) {
                *source = "hypervisor";
                return (uint64_t)r[0] * 1000;
            }
        }
    }
    return 0;
}

static uint16_t pit_read(void)
{
    x86_outb(PIT_CMD, 0x80); /* latch channel 2 */
    uint8_t lo = x86_inb(PIT_CH2);
    return (uint16_t)(lo | x86_inb(PIT_CH2) << 8);
}

/*
 * Count TSC ticks over LIBOS_TSC_CALIBRATE_US of PIT channel 2 counting down from 0xffff, taking
 * both TSC readings right after the PIT count changes, so the PIT's 838 ns granularity does not
 * enter the result.
 */
static uint64_t tsc_hz_from_pit(void)
{
    const uint32_t span = (uint32_t)((uint64_t)PIT_HZ * LIBOS_TSC_CALIBRATE_US / 1000000);
    x86_outb(PIT_GATE, (x86_inb(PIT_GATE) & ~0x02) | 0x01); /* gate on, speaker off */
    x86_outb(PIT_CMD, 0xb0);                                /* channel 2, lo/hi, mode 0 */
    x86_outb(PIT_CH2, 0xff);
    x86_outb(PIT_CH2, 0xff);

    uint16_t start = pit_read(), c;
    while ((c = pit_read()) == start)
        ;
    uint64_t t0 = x86_rdtsc();
    start = c;
    while ((uint16_t)(start - (c = pit_read())) < span)
        ;
    uint64_t t1 = x86_rdtsc();
    return (t1 - t0) * PIT_HZ / (uint16_t)(start - c);
}

static unsigned cmos(unsigned reg)
{
    x86_outb(CMOS_INDEX, (uint8_t)reg);
    return x86_inb(CMOS_DATA);
}

static unsigned bcd(unsigned v, int binary) { return binary ? v : (v & 0xf) + (v >> 4) * 10; }

/*
 * Seconds since the epoch from the RTC (read until two reads agree, outside an update).
 * XXX: the RTC counts whole seconds, so the wall clock may be up to 1 s behind the host's.
 */
static uint64_t rtc_seconds(void)
{
    /* seconds, minutes, hours, day, month, year, century */
    static const unsigned char regs[7] = {0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32};
    unsigned t[7], same;
    do {
        while (cmos(0x0a) & 0x80) /* update in progress */
            ;
        same = 1;
        for (int i = 0; i < 7; i++)
            t[i] = cmos(regs[i]);
        for (int i = 0; i < 7; i++)
            same &= t[i] == cmos(regs[i]);
    } while (!same);
    unsigned regb = cmos(0x0b);
    int binary = regb & 0x04;
    unsigned sec = bcd(t[0], binary), min = bcd(t[1], binary);
    unsigned hour = bcd(t[2] & 0x7f, binary);
    if (!(regb & 0x02) && (t[2] & 0x80)) /* 12-hour clock, PM */
        hour = (hour % 12) + 12;
    unsigned day = bcd(t[3], binary), mon = bcd(t[4], binary);
    unsigned year = bcd(t[5], binary) + (t[6] ? bcd(t[6], binary) * 100 : 2000);
    /* Days since 1970 from the civil date: count years from March so leap days come last. */
    unsigned y = year - (mon <= 2);
    unsigned era = y / 400, yoe = y - era * 400;
    unsigned doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    uint64_t days = (uint64_t)era * 146097 + doe - 719468;
    return days * 86400 + hour * 3600 + min * 60 + sec;
}

static void time_init(void)
{
    tsc_hz = tsc_hz_from_cpuid(&tsc_source);
    if (!tsc_hz) {
        tsc_hz = tsc_hz_from_pit();
        tsc_source = "pit";
    }
    ns_mult = (uint64_t)(((unsigned __int128)1000000000 << 32) / tsc_hz);
    uint64_t now = libos_tsc_to_ns(x86_rdtsc() - libos_boot_info.tsc_entry);
    realtime_base_ns = rtc_seconds() * 1000000000ull - now;
}

uint64_t libos_tsc_hz(void)
{
    if (!tsc_hz)
        time_init();
    return tsc_hz;
}

const char *libos_tsc_source(void)
{
    libos_tsc_hz();
    return tsc_source;
}

uint64_t libos_tsc_to_ns(uint64_t ticks)
{
    if (!tsc_hz)
        time_init();
    return (uint64_t)(((unsigned __int128)ticks * ns_mult) >> 32);
}

uint64_t libos_time_monotonic_ns(void)
{
    if (!tsc_hz)
        time_init(); /* before reading the TSC: the first reading must not include calibration */
    return libos_tsc_to_ns(x86_rdtsc() - libos_boot_info.tsc_entry);
}

uint64_t libos_time_realtime_ns(void)
{
    uint64_t mono = libos_time_monotonic_ns();
    return realtime_base_ns + mono;
}

void libos_time_set_realtime_ns(uint64_t ns) { realtime_base_ns = ns - libos_time_monotonic_ns(); }

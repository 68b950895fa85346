/*
 * getentropy from the CPU's RDRAND. XXX: without RDRAND (QEMU's default TCG CPU) there is no
 * entropy source yet and it fails with ENOSYS; virtio-rng is the planned source.
 */
#include <libos/x86.h>

#include <errno.h>
#include <stddef.h>
#include <string.h>

static int have_rdrand(void)
{
    uint32_t r[4];
    x86_cpuid(1, 0, r);
    return (r[2] >> 30) & 1;
}

int getentropy(void *buf, size_t n)
{
    if (n > 256) {
        errno = EIO;
        return -1;
    }
    if (!have_rdrand()) {
        errno = ENOSYS;
        return -1;
    }
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v;
        unsigned char ok;
        int tries = 10;
        do
            __asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
        while (!ok && --tries);
        if (!ok) {
            errno = EIO;
            return -1;
        }
        memcpy((char *)buf + i, &v, n - i < 8 ? n - i : 8);
    }
    return 0;
}

/*
 * linux-init.c: /init of the minimal Linux guest that tests/bench/linux.py compares libos with.
 * Like examples/hello it greets; it also prints how long the kernel took from the start of its
 * clock (early in the kernel, after decompression) to this main(), and ends the VM the way libos
 * does: 1 written to isa-debug-exit (port 0xf4), so QEMU exits with status 3. Should that port
 * not be usable, it powers the machine off instead. Built with `gcc -static` and packed as the
 * only file of a cpio (newc) initramfs by linux.py.
 */
#include <stdio.h>
#include <sys/io.h>
#include <sys/reboot.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_BOOTTIME, &ts);
    printf("Hello from Linux!\n");
    printf("linux: kernel clock start to /init main %lld ns\n",
           (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
    fflush(stdout);
    if (ioperm(0xf4, 4, 1) == 0)
        outl(1, 0xf4);
    sync();
    reboot(RB_POWER_OFF);
    return 0;
}

/*
 * test_bigbss: an image whose .bss (4 MiB) is bigger than a small machine's RAM. Booted with too
 * little memory, it must end with a clear message and a non-zero status, never hang. With enough
 * memory it touches every page of the array and exits 0.
 */
#include <stdio.h>

#define BIG (4u << 20)

static volatile unsigned char big[BIG];

int main(void)
{
    unsigned sum = 0;
    for (unsigned i = 0; i < BIG; i += 4096) {
        big[i] = (unsigned char)(i >> 12);
        sum += big[i];
    }
    printf("touched %u KiB of .bss (checksum %u)\n", BIG >> 10, sum);
    return 0;
}

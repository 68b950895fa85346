/* An app that names no block function: `DEVICES blk` alone brings the driver in, and the boot
 * sequence starts it (with libos.verbose=1 it prints each disk). */
#include <stdio.h>

int main(void)
{
    printf("blkdevices: main reached\n");
    return 0;
}

/*
 * outoftree: an application built outside libos's tree. It prints a line the test driver looks
 * for and ends with status 42, computed by its helper library.
 */
#include <stdio.h>
#include <time.h>

/* <time.h> must have reached libos's <sys/features.h>, which adds to newlib's (#include_next). */
#ifndef LIBOS_SYS_FEATURES_H
#error "libos's <sys/features.h> was not used"
#endif

int util_answer(void);

int main(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 1;
    printf("outoftree: built outside libos, answer %d\n", util_answer());
    return util_answer();
}

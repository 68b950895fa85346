/* util: a helper library of the application; it refuses to compile for anything but libos. */
#include <stdio.h>

#if !defined(__NEWLIB__) || defined(__PIE__) || !defined(__SSP_STRONG__)
#error "util.c is not compiled with libos's target flags"
#endif

int util_answer(void)
{
    return 6 * 7;
}

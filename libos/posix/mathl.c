/*
 * The long double functions newlib's <math.h> declares but does not define for x86_64's 80-bit
 * long double. fabsl and copysignl are exact; the others are computed in double (XXX: 53 bits of
 * precision, and the range of double), which is how newlib computes those it does define.
 */
#include <math.h>

long double fabsl(long double x) { return __builtin_fabsl(x); }
long double copysignl(long double x, long double y) { return __builtin_copysignl(x, y); }
long double expl(long double x) { return exp((double)x); }
long double logl(long double x) { return log((double)x); }
long double coshl(long double x) { return cosh((double)x); }
long double sinhl(long double x) { return sinh((double)x); }
long double atan2l(long double y, long double x) { return atan2((double)y, (double)x); }

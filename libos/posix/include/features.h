/* libos's <features.h>: glibc's name for the feature-test machinery (newlib's <sys/features.h>). */
#ifndef LIBOS_FEATURES_H
#define LIBOS_FEATURES_H

#include <sys/features.h>

#endif

/*
 * sync(2): every ext4 file system committed (the others are always in sync). A file of its own:
 * only images that call sync carry it.
 */
#include <libos/ext4.h>

#include <unistd.h>

void sync(void) { libos_ext4_sync(); }

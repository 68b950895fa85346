/*
 * The root directory, private to libos::posix. Until libos has a file system, "/" is the one name
 * that exists: an empty, read-only directory, which is also the working directory. Path calls
 * ask root_path() whether a path names it; everything else does not exist.
 */
#ifndef LIBOS_POSIX_ROOT_H
#define LIBOS_POSIX_ROOT_H

#include <stddef.h>
#include <sys/stat.h>

/* Whether path names the root: not empty, and each component is empty, "." or "..". Relative
 * paths start at the working directory, which is the root. */
static inline int root_path(const char *path)
{
    if (!path[0])
        return 0;
    for (const char *p = path; *p;) {
        const char *c = p;
        while (*p && *p != '/')
            p++;
        size_t n = (size_t)(p - c);
        if (n > 2 || (n >= 1 && c[0] != '.') || (n == 2 && c[1] != '.'))
            return 0;
        if (*p)
            p++;
    }
    return 1;
}

static inline void root_stat(struct stat *st)
{
    *st = (struct stat){0};
    st->st_ino = 1;
    st->st_mode = S_IFDIR | 0755;
    st->st_nlink = 2;
    st->st_blksize = 1024;
}

#endif

/*
 * Directory streams over an fd's readdir op (libos::vfs): a DIR reads through an fd from open(),
 * so dirfd, fdopendir and fchdir work on every file system alike.
 */
#define _GNU_SOURCE /* qsort_r, scandirat, versionsort */
#include "posix_impl.h"

#include <libos/vfs.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct __libos_dir {
    int fd;
    struct dirent entry;
};

DIR *fdopendir(int fd)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return NULL;
    if (!S_ISDIR(st.st_mode))
        return errno = ENOTDIR, NULL;
    DIR *d = malloc(sizeof *d);
    if (!d)
        return errno = ENOMEM, NULL;
    d->fd = fd;
    return d;
}

DIR *opendir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    DIR *d = fdopendir(fd);
    if (!d) {
        int err = errno;
        close(fd);
        errno = err;
    }
    return d;
}

/* The directory's next entry into *e: 1, or 0 at the end (or on an error, with errno set). */
static int next_entry(DIR *d, struct dirent *e)
{
    int r = libos_vfs_readdir(d->fd, e);
    if (r > 0)
        e->d_off = lseek(d->fd, 0, SEEK_CUR);
    return (int)libos_posix_ret(r) > 0;
}

struct dirent *readdir(DIR *d) { return next_entry(d, &d->entry) ? &d->entry : NULL; }

int readdir_r(DIR *__restrict d, struct dirent *__restrict e, struct dirent **__restrict result)
{
    int saved = errno;
    errno = 0;
    *result = next_entry(d, e) ? e : NULL;
    int err = errno;
    errno = saved;
    return err;
}

/* An entry's position is the directory fd's offset: its index. */
void rewinddir(DIR *d) { lseek(d->fd, 0, SEEK_SET); }
long telldir(DIR *d) { return lseek(d->fd, 0, SEEK_CUR); }
void seekdir(DIR *d, long pos) { lseek(d->fd, pos, SEEK_SET); }
int dirfd(DIR *d) { return d->fd; }

/* Frees the stream and hands its fd back. */
int fdclosedir(DIR *d)
{
    int fd = d->fd;
    free(d);
    return fd;
}

int closedir(DIR *d) { return close(fdclosedir(d)); }

int alphasort(const struct dirent **a, const struct dirent **b)
{
    return strcoll((*a)->d_name, (*b)->d_name);
}

int versionsort(const struct dirent **a, const struct dirent **b)
{
    return strverscmp((*a)->d_name, (*b)->d_name);
}

typedef int compare_fn(const struct dirent **, const struct dirent **);

static int compare(const void *a, const void *b, void *compar)
{
    return (*(compare_fn **)compar)((const struct dirent **)a, (const struct dirent **)b);
}

/* Reads d's entries that filter accepts into a new array, sorted by compar; closes d. */
static int scan(DIR *d, struct dirent ***list, int (*filter)(const struct dirent *),
                compare_fn *compar)
{
    struct dirent **names = NULL, *e;
    size_t n = 0, cap = 0;
    int err = 0;
    while ((e = readdir(d))) {
        if (filter && !filter(e))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            struct dirent **grown = realloc(names, cap * sizeof *names);
            if (!grown) {
                err = ENOMEM;
                break;
            }
            names = grown;
        }
        if (!(names[n] = malloc(sizeof *e))) {
            err = ENOMEM;
            break;
        }
        memcpy(names[n++], e, sizeof *e);
    }
    closedir(d);
    if (err) {
        while (n)
            free(names[--n]);
        free(names);
        errno = err;
        return -1;
    }
    if (compar && n > 1)
        qsort_r(names, n, sizeof *names, compare, &compar);
    *list = names;
    return (int)n;
}

int scandir(const char *path, struct dirent ***list, int (*filter)(const struct dirent *),
            compare_fn *compar)
{
    DIR *d = opendir(path);
    return d ? scan(d, list, filter, compar) : -1;
}

/* A relative path from dirfd: the directory opened through openat. */
int scandirat(int dirfd, const char *path, struct dirent ***list,
              int (*filter)(const struct dirent *), compare_fn *compar)
{
    int fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    DIR *d = fdopendir(fd);
    if (!d) {
        int err = errno;
        close(fd);
        return errno = err, -1;
    }
    return scan(d, list, filter, compar);
}

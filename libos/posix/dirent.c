/*
 * Directory streams. The one directory that exists is the root (root.h), which holds no entries
 * but "." and "..". A DIR reads through an fd from open(), so dirfd, fdopendir and fchdir work as
 * they will on a file system.
 * XXX: the entries are the root's whatever the fd; a file system will add a readdir op to
 * struct libos_file_ops.
 */
#define _GNU_SOURCE /* qsort_r, scandirat, versionsort */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct __libos_dir {
    int fd;
    long pos; /* index of the next entry */
    struct dirent entry;
};

static const char *const root_entries[] = {".", ".."};
#define ROOT_ENTRIES ((long)(sizeof root_entries / sizeof root_entries[0]))

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
    d->pos = 0;
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

/* The directory's next entry into *e; 0 at the end. */
static int next_entry(DIR *d, struct dirent *e)
{
    if (d->pos < 0 || d->pos >= ROOT_ENTRIES)
        return 0;
    *e = (struct dirent){.d_ino = 1, .d_off = d->pos + 1, .d_reclen = sizeof *e, .d_type = DT_DIR};
    strcpy(e->d_name, root_entries[d->pos++]);
    return 1;
}

struct dirent *readdir(DIR *d) { return next_entry(d, &d->entry) ? &d->entry : NULL; }

int readdir_r(DIR *__restrict d, struct dirent *__restrict e, struct dirent **__restrict result)
{
    *result = next_entry(d, e) ? e : NULL;
    return 0;
}

void rewinddir(DIR *d) { d->pos = 0; }
long telldir(DIR *d) { return d->pos; }
void seekdir(DIR *d, long pos) { d->pos = pos; }
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

/* Every directory is the root, so a path relative to dirfd names what it names from "/". */
int scandirat(int dirfd, const char *path, struct dirent ***list,
              int (*filter)(const struct dirent *), compare_fn *compar)
{
    struct stat st;
    if (path[0] != '/' && dirfd != AT_FDCWD) {
        if (fstat(dirfd, &st) < 0)
            return -1;
        if (!S_ISDIR(st.st_mode))
            return errno = ENOTDIR, -1;
    }
    return scandir(path, list, filter, compar);
}

/*
 * The mount table: which file system holds which part of the tree. A lookup takes the mount with
 * the longest path prefix (at a component boundary); of two at the same path the later one wins.
 * Under every mount lie the two that every image has: the empty root file system at "/" and
 * /dev. They are not entries of the table, so that an image without path calls (hello) carries
 * neither: this file is linked only by the resolver and by mounts.
 */
#include "vfs_impl.h"

#include <libos/config.h>

#include <errno.h>
#include <string.h>

struct mount {
    const char *path; /* canonical, absolute */
    size_t len;
    const struct libos_fs_ops *ops;
    void *fs;
};

static const struct mount builtin[] = {
    {"/", 1, &libos_rootfs_ops, NULL},
    {"/dev", 4, &libos_devfs_ops, NULL},
};
#define BUILTIN (sizeof builtin / sizeof builtin[0])
static struct mount table[LIBOS_MOUNT_MAX];
static unsigned count;

int libos_vfs_mount(const char *path, const struct libos_fs_ops *ops, void *fs)
{
    if (path[0] != '/')
        return -EINVAL;
    if (count == LIBOS_MOUNT_MAX)
        return -EBUSY;
    table[count++] = (struct mount){path, strlen(path), ops, fs};
    return 0;
}

int libos_vfs_path_canonical(const char *p)
{
    if (p[0] != '/')
        return 0;
    if (!p[1])
        return 1;
    for (const char *c = p + 1;; c++) {
        const char *end = strchr(c, '/');
        size_t n = end ? (size_t)(end - c) : strlen(c);
        if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
            return 0;
        if (!end)
            return 1;
        c = end;
    }
}

int libos_vfs_unmount(const char *path)
{
    for (unsigned i = count; i-- > 0;) {
        if (strcmp(table[i].path, path) == 0) {
            memmove(&table[i], &table[i + 1], (count - i - 1) * sizeof table[0]);
            count--;
            return 0;
        }
    }
    return -EINVAL;
}

int libos_vfs_sync(void)
{
    int first = 0;
    for (unsigned i = 0; i < count; i++) {
        int r = table[i].ops->sync ? table[i].ops->sync(table[i].fs) : 0;
        if (r < 0 && !first)
            first = r;
    }
    return first;
}

/* Whether mount m holds path: m's path is path itself or a directory above it. */
static int holds(const struct mount *m, const char *path)
{
    if (m->len == 1) /* "/" */
        return 1;
    return strncmp(path, m->path, m->len) == 0 && (path[m->len] == '/' || path[m->len] == '\0');
}

static void pick(const struct mount *m, const char *path, const struct mount **best)
{
    if (holds(m, path) && (!*best || m->len >= (*best)->len))
        *best = m;
}

void libos_vfs_mount_of(const char *path, struct libos_where *w)
{
    const struct mount *best = NULL;
    for (unsigned i = 0; i < BUILTIN; i++)
        pick(&builtin[i], path, &best);
    for (unsigned i = 0; i < count; i++)
        pick(&table[i], path, &best);
    const char *rel = path + best->len;
    while (*rel == '/')
        rel++;
    *w = (struct libos_where){best->ops, best->fs, rel};
}

int libos_vfs_mount_child(const char *dir, unsigned index, const char **name, size_t *len)
{
    size_t dlen = strlen(dir);
    for (unsigned i = 0; i < BUILTIN + count; i++) {
        const struct mount *m = i < BUILTIN ? &builtin[i] : &table[i - BUILTIN];
        const char *p = m->path;
        if (m->len <= dlen || strncmp(p, dir, dlen) != 0 || (dlen > 1 && p[dlen] != '/'))
            continue;
        p += dlen > 1 ? dlen + 1 : 1;
        if (!*p || strchr(p, '/'))
            continue; /* dir itself, or deeper */
        if (index-- == 0) {
            *name = p;
            *len = strlen(p);
            return 1;
        }
    }
    return 0;
}

/*
 * Helpers file systems point their ops at. read, write and lseek for files with a position
 * (regular files): a file system points its ops
 * at these and gives pread, pwrite and fstat; the position is the description's (shared by dup'ed
 * fds), and O_APPEND writes at the size fstat reports, whatever the position was. In a file of
 * their own: images without such files (hello) carry none of it.
 */
#include "vfs_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static off_t size_of(struct libos_file *f)
{
    struct stat st = {0};
    int r = f->ops->fstat(f, &st);
    return r < 0 ? r : st.st_size;
}

ssize_t libos_file_read_pos(struct libos_file *f, void *buf, size_t n)
{
    ssize_t r = f->ops->pread(f, buf, n, f->pos);
    if (r > 0)
        f->pos += r;
    return r;
}

ssize_t libos_file_write_pos(struct libos_file *f, const void *buf, size_t n)
{
    if (f->flags & O_APPEND) {
        off_t end = size_of(f);
        if (end < 0)
            return end;
        f->pos = end;
    }
    ssize_t r = f->ops->pwrite(f, buf, n, f->pos);
    if (r > 0)
        f->pos += r;
    return r;
}

off_t libos_file_seek_pos(struct libos_file *f, off_t off, int whence)
{
    off_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? f->pos : whence == SEEK_END ? size_of(f) : -EINVAL;
    if (base < 0)
        return base;
    if (off < 0 ? base + off < 0 : base + off < base) /* before the start, or overflowing */
        return -EINVAL;
    if (base + off == 0)
        f->mounts = 0; /* a directory read again from its start lists its mount points again */
    return f->pos = base + off;
}

int libos_vfs_dirent(struct dirent *e, const char *name, size_t len, ino_t ino, unsigned char type)
{
    if (len >= sizeof e->d_name)
        len = sizeof e->d_name - 1;
    *e = (struct dirent){.d_ino = ino, .d_reclen = sizeof *e, .d_type = type};
    memcpy(e->d_name, name, len);
    return 1;
}

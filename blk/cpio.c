/*
 * cpio.c: the newc cpio reader (libos/cpio.h states the contract and the format).
 *
 * The archive is untrusted input (whatever file -initrd names), so every length read from it is
 * compared with what is left of the archive before anything is read through it, always as
 * "n > size - pos" with pos <= size, which cannot overflow. Pure logic: the unit tests and the
 * fuzzer (tests/unit/test_cpio.c, tests/fuzz/) compile this same file for the host.
 */
#include <libos/cpio.h>
#include <string.h>

#define HEADER_SIZE 110
#define FIELDS 13 /* after the 6-byte magic, 8 hex digits each */

/* The fields, in header order. */
enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR, F_DEVMINOR,
       F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK };

static const char trailer[] = "TRAILER!!!";

static size_t align4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

static int fail(struct libos_cpio_error *err, int code, const char *message, size_t offset, const char *path)
{
    if (err)
        *err = (struct libos_cpio_error){code, message, offset, path};
    return code;
}

/* 8 ASCII hex digits (either case) at p into *v; -1 when one is not a hex digit. */
static int hex8(const unsigned char *p, uint32_t *v)
{
    uint32_t x = 0;
    for (int i = 0; i < 8; i++) {
        unsigned c = p[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            d = (c | 0x20) - 'a' + 10;
        else
            return -1;
        x = x << 4 | d;
    }
    *v = x;
    return 0;
}

/* Why there is no header at p (n >= 2 bytes readable): name the format when it is a known one. */
static int bad_magic(const unsigned char *p, size_t n, size_t offset, struct libos_cpio_error *err)
{
    if (n >= 6 && memcmp(p, "070707", 6) == 0)
        return fail(err, LIBOS_CPIO_EMAGIC, "old ASCII (odc) cpio format: pack with cpio -H newc", offset, NULL);
    if ((p[0] == 0xc7 && p[1] == 0x71) || (p[0] == 0x71 && p[1] == 0xc7))
        return fail(err, LIBOS_CPIO_EMAGIC, "old binary cpio format: pack with cpio -H newc", offset, NULL);
    if (p[0] == 0x1f && p[1] == 0x8b)
        return fail(err, LIBOS_CPIO_EMAGIC, "a gzip-compressed archive: give it uncompressed", offset, NULL);
    if (n >= 6 && memcmp(p, "\0\0\0\0\0\0", 6) == 0)
        return fail(err, LIBOS_CPIO_ENOTRAILER, "zero bytes where a header must be: no TRAILER!!!", offset, NULL);
    return fail(err, LIBOS_CPIO_EMAGIC, "bad magic: not a newc cpio archive (070701 or 070702)", offset, NULL);
}

/* Bytes [from, to) clipped to the archive are all zero; else the offset of the first that is not. */
static int padding_ok(const struct libos_cpio *c, size_t from, size_t to, size_t *bad)
{
    if (to > c->size)
        to = c->size;
    for (size_t i = from; i < to; i++)
        if (c->base[i]) {
            *bad = i;
            return 0;
        }
    return 1;
}

/* The canonical path of a (non-trailer) name, or an error. */
static int check_path(const char *name, size_t len, size_t offset, struct libos_cpio_entry *e,
                      struct libos_cpio_error *err)
{
    const char *p = name;
    if (len == 1 && p[0] == '.') /* the root */
        p += 1, len = 0;
    else if (len >= 2 && p[0] == '.' && p[1] == '/')
        p += 2, len -= 2;
    e->path = p;
    e->path_len = len;
    if (len == 0)
        return p == name ? fail(err, LIBOS_CPIO_ENAME, "empty name", offset, NULL) : 0;
    if (p[0] == '/')
        return fail(err, LIBOS_CPIO_EPATH, "absolute path: names must be relative to the root", offset, name);
    for (size_t i = 0; i <= len;) {
        size_t j = i;
        while (j < len && p[j] != '/')
            j++;
        size_t n = j - i;
        if (n == 0)
            return fail(err, LIBOS_CPIO_EPATH, "empty path component (\"//\" or a final \"/\")", offset, name);
        if (n == 1 && p[i] == '.')
            return fail(err, LIBOS_CPIO_EPATH, "\".\" path component", offset, name);
        if (n == 2 && p[i] == '.' && p[i + 1] == '.')
            return fail(err, LIBOS_CPIO_EPATH, "\"..\" path component: it could escape the root", offset, name);
        i = j + 1;
    }
    return 0;
}

/* The type and data rules for one entry's mode. */
static int check_type(const struct libos_cpio_entry *e, size_t offset, struct libos_cpio_error *err)
{
    uint32_t type = e->mode & LIBOS_CPIO_S_IFMT;
    if (e->mode > 0177777u)
        return fail(err, LIBOS_CPIO_ETYPE, "mode has bits above 0177777", offset, e->path);
    switch (type) {
    case LIBOS_CPIO_S_IFREG:
        return 0;
    case LIBOS_CPIO_S_IFDIR:
        if (e->size)
            return fail(err, LIBOS_CPIO_ETYPE, "a directory with data", offset, e->path);
        return 0;
    case LIBOS_CPIO_S_IFLNK:
        if (e->size == 0)
            return fail(err, LIBOS_CPIO_ETYPE, "a symlink with an empty target", offset, e->path);
        if (e->size >= LIBOS_CPIO_PATH_MAX)
            return fail(err, LIBOS_CPIO_ETYPE, "a symlink target longer than 4095 bytes", offset, e->path);
        return 0; /* (a NUL inside the target is checked once the data is known to be in bounds) */
    case 0010000u: /* fifo */
    case 0020000u: /* character device */
    case 0060000u: /* block device */
    case 0140000u: /* socket */
        if (e->size)
            return fail(err, LIBOS_CPIO_ETYPE, "a special file with data", offset, e->path);
        return 0;
    default:
        return fail(err, LIBOS_CPIO_ETYPE, "bad file type in mode", offset, e->path);
    }
}

void libos_cpio_open(struct libos_cpio *c, const void *base, size_t size)
{
    *c = (struct libos_cpio){base, size, 0, 0};
}

/* One entry at c->pos. verify_data = 0 skips the checksum and the symlink-target scan: for
 * libos_cpio_validate's second pass over entries already checked. */
static int next(struct libos_cpio *c, struct libos_cpio_entry *e, struct libos_cpio_error *err, int verify_data)
{
    const unsigned char *b = c->base;
    size_t size = c->size, pos = c->pos;

    if (pos >= size)
        return fail(err, LIBOS_CPIO_ENOTRAILER,
                    size ? "the archive ends without TRAILER!!!" : "an empty archive", size, NULL);
    size_t left = size - pos;
    if (left < 6 || (memcmp(b + pos, "070701", 6) != 0 && memcmp(b + pos, "070702", 6) != 0)) {
        if (left < 2 || (left < 6 && memcmp(b + pos, "070701", left) == 0))
            return fail(err, LIBOS_CPIO_ETRUNC, "a header cut short by the end of the archive", pos, NULL);
        return bad_magic(b + pos, left, pos, err);
    }
    if (left < HEADER_SIZE)
        return fail(err, LIBOS_CPIO_ETRUNC, "a header cut short by the end of the archive", pos, NULL);
    int crc = b[pos + 5] == '2';

    uint32_t f[FIELDS];
    for (int i = 0; i < FIELDS; i++)
        if (hex8(b + pos + 6 + 8 * i, &f[i]) != 0)
            return fail(err, LIBOS_CPIO_EHEX, "a header field that is not 8 hex digits", pos + 6 + 8 * i, NULL);

    /* The name: [name_off, name_off + namesize), its NUL last and only there. */
    size_t name_off = pos + HEADER_SIZE, namesize = f[F_NAMESIZE];
    if (namesize == 0)
        return fail(err, LIBOS_CPIO_ENAME, "name size 0 (it counts the name's NUL)", pos + 6 + 8 * F_NAMESIZE, NULL);
    if (namesize > LIBOS_CPIO_PATH_MAX)
        return fail(err, LIBOS_CPIO_ENAME, "name size above 4096", pos + 6 + 8 * F_NAMESIZE, NULL);
    if (namesize > size - name_off)
        return fail(err, LIBOS_CPIO_ETRUNC, "a name running past the end of the archive", name_off, NULL);
    const char *name = (const char *)b + name_off;
    if (name[namesize - 1] != '\0')
        return fail(err, LIBOS_CPIO_ENAME, "a name without its terminating NUL", name_off + namesize - 1, NULL);
    const char *nul = memchr(name, 0, namesize - 1);
    if (nul)
        return fail(err, LIBOS_CPIO_ENAME, "a NUL byte inside a name", name_off + (size_t)(nul - name), NULL);

    size_t data_off = align4(name_off + namesize), bad;
    if (!padding_ok(c, name_off + namesize, data_off, &bad))
        return fail(err, LIBOS_CPIO_EPAD, "padding after a name is not zero: an entry not 4-byte aligned", bad, NULL);

    if (namesize == sizeof trailer && memcmp(name, trailer, sizeof trailer) == 0) {
        /* The end. The archive may go on with zeros (cpio pads to 512-byte blocks), nothing else:
         * a second, concatenated archive would otherwise be dropped without a word. */
        if (!padding_ok(c, data_off, size, &bad))
            return fail(err, LIBOS_CPIO_EAFTER,
                        "data after TRAILER!!! (concatenated archives are not supported)", bad, NULL);
        c->pos = size;
        return 0;
    }

    *e = (struct libos_cpio_entry){
        .name = name, .mode = f[F_MODE], .uid = f[F_UID], .gid = f[F_GID], .nlink = f[F_NLINK],
        .mtime = f[F_MTIME], .ino = f[F_INO], .dev_major = f[F_DEVMAJOR], .dev_minor = f[F_DEVMINOR],
        .rdev_major = f[F_RDEVMAJOR], .rdev_minor = f[F_RDEVMINOR], .size = f[F_FILESIZE], .offset = pos,
    };
    int r = check_path(name, namesize - 1, name_off, e, err);
    if (r)
        return r;
    if (e->path_len == 0 && (e->mode & LIBOS_CPIO_S_IFMT) != LIBOS_CPIO_S_IFDIR)
        return fail(err, LIBOS_CPIO_ETYPE, "the root (\".\") is not a directory", pos + 6 + 8 * F_MODE, e->path);
    if ((r = check_type(e, pos + 6 + 8 * F_MODE, err)) != 0)
        return r;

    if (data_off > size || e->size > size - data_off)
        return fail(err, LIBOS_CPIO_ETRUNC, "data running past the end of the archive", pos + 6 + 8 * F_FILESIZE,
                    e->path);
    e->data = b + data_off;
    size_t end = data_off + e->size;
    if (verify_data) {
        if ((e->mode & LIBOS_CPIO_S_IFMT) == LIBOS_CPIO_S_IFLNK && memchr(e->data, 0, e->size))
            return fail(err, LIBOS_CPIO_ETYPE, "a NUL byte inside a symlink target", data_off, e->path);
        /* GNU cpio sums regular files' data only: its symlinks carry a check of 0. */
        if (crc && (e->mode & LIBOS_CPIO_S_IFMT) == LIBOS_CPIO_S_IFREG) {
            uint32_t sum = 0;
            for (size_t i = data_off; i < end; i++)
                sum += b[i];
            if (sum != f[F_CHECK])
                return fail(err, LIBOS_CPIO_ECHECK, "data does not match its 070702 checksum",
                            pos + 6 + 8 * F_CHECK, e->path);
        }
    }
    if (!padding_ok(c, end, align4(end), &bad))
        return fail(err, LIBOS_CPIO_EPAD, "padding after data is not zero: an entry not 4-byte aligned", bad,
                    e->path);
    c->pos = align4(end); /* may pass size: the next call says the trailer is missing */
    return 1;
}

int libos_cpio_next(struct libos_cpio *c, struct libos_cpio_entry *e, struct libos_cpio_error *err)
{
    static const struct libos_cpio_error again = {0, "the iteration already failed", 0, NULL};
    if (c->state == 1)
        return 0;
    if (c->state < 0) {
        if (err)
            *err = again, err->code = c->state, err->offset = c->pos;
        return c->state;
    }
    int r = next(c, e, err, 1);
    if (r <= 0)
        c->state = r == 0 ? 1 : r;
    return r;
}

/* below is the path beneath a (a a proper prefix of it, up to a '/'). */
static int beneath(const struct libos_cpio_entry *below, const struct libos_cpio_entry *a)
{
    return a->path_len > 0 && below->path_len > a->path_len && below->path[a->path_len] == '/' &&
           memcmp(below->path, a->path, a->path_len) == 0;
}

static int is_dir(const struct libos_cpio_entry *e)
{
    return (e->mode & LIBOS_CPIO_S_IFMT) == LIBOS_CPIO_S_IFDIR;
}

/* The entry at pos of an archive that next() has already accepted up to beyond pos: only what
 * validate's comparisons need (path, mode), three fields instead of thirteen and no checks, which
 * makes its quadratic pass about four times faster. Returns the next header's offset. */
static size_t peek(const unsigned char *b, size_t pos, struct libos_cpio_entry *p)
{
    uint32_t mode = 0, filesize = 0, namesize = 0;
    (void)hex8(b + pos + 6 + 8 * F_MODE, &mode);
    (void)hex8(b + pos + 6 + 8 * F_FILESIZE, &filesize);
    (void)hex8(b + pos + 6 + 8 * F_NAMESIZE, &namesize);
    const char *name = (const char *)b + pos + HEADER_SIZE;
    size_t len = namesize - 1;
    if (len == 1 && name[0] == '.')
        name += 1, len = 0;
    else if (len >= 2 && name[0] == '.' && name[1] == '/')
        name += 2, len -= 2;
    p->path = name, p->path_len = len, p->mode = mode, p->offset = pos;
    return align4(align4(pos + HEADER_SIZE + namesize) + filesize);
}

long libos_cpio_validate(const void *base, size_t size, struct libos_cpio_error *err)
{
    struct libos_cpio c;
    struct libos_cpio_entry e, p;
    long count = 0;
    int r;
    libos_cpio_open(&c, base, size);
    while ((r = libos_cpio_next(&c, &e, err)) == 1) {
        /* Compare with every earlier entry (they passed every check already). */
        for (size_t pos = 0, after; pos < e.offset; pos = after) {
            after = peek(base, pos, &p);
            if (p.path_len == e.path_len && memcmp(p.path, e.path, e.path_len) == 0)
                return fail(err, LIBOS_CPIO_EDUP, "a second entry with the same path", e.offset, e.path);
            if (beneath(&e, &p) && !is_dir(&p))
                return fail(err, LIBOS_CPIO_ENOTDIR, "an entry below a path that is not a directory", e.offset,
                            e.path);
            if (beneath(&p, &e) && !is_dir(&e))
                return fail(err, LIBOS_CPIO_ENOTDIR, "an entry below a path that is not a directory", p.offset,
                            p.path);
        }
        count++;
    }
    return r < 0 ? r : count;
}

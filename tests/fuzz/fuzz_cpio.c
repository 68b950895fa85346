/*
 * fuzz_cpio.c: libFuzzer target for blk/cpio.c (tests/fuzz/CMakeLists.txt builds it with clang,
 * ASan and UBSan; run.sh runs it). libFuzzer hands over exactly n bytes in a buffer of their own,
 * so ASan reports any read past the archive. Beyond "no crash", every answer is held to the
 * contract of libos/cpio.h; a broken promise traps, which libFuzzer reports as a crash with the
 * input saved.
 */
#include <libos/cpio.h>
#include <stdint.h>
#include <string.h>

#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond))                                                                               \
            __builtin_trap();                                                                      \
    } while (0)

static const uint8_t *lo, *hi; /* the archive */

static int inside(const void *p, size_t n)
{
    const uint8_t *b = p;
    return b >= lo && b <= hi && n <= (size_t)(hi - b);
}

/* A path as libos/cpio.h promises: relative, components neither empty nor "." nor "..". */
static void require_canonical(const char *p, size_t n)
{
    REQUIRE(n == 0 || p[0] != '/');
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && p[j] != '/')
            j++;
        REQUIRE(j > i);
        REQUIRE(!(j - i == 1 && p[i] == '.'));
        REQUIRE(!(j - i == 2 && p[i] == '.' && p[i + 1] == '.'));
        REQUIRE(j + 1 != n); /* no final '/' */
        i = j + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lo = data, hi = data + size;
    struct libos_cpio_error verr = {0};
    long v = libos_cpio_validate(data, size, &verr);
    if (v < 0) {
        REQUIRE(verr.code == v && verr.message && verr.offset <= size);
        REQUIRE(!verr.path || inside(verr.path, strlen(verr.path) + 1));
    }

    /* Iterate, touching every byte the parser points at (ASan checks each read). */
    struct libos_cpio c;
    struct libos_cpio_entry e, all[64];
    struct libos_cpio_error err = {0};
    long count = 0;
    unsigned sum = 0;
    int r;
    libos_cpio_open(&c, data, size);
    while ((r = libos_cpio_next(&c, &e, &err)) == 1) {
        REQUIRE(inside(e.name, strlen(e.name) + 1) && e.offset < size);
        REQUIRE(e.path >= e.name && strlen(e.path) == e.path_len && e.path + e.path_len == e.name + strlen(e.name));
        require_canonical(e.path, e.path_len);
        REQUIRE(inside(e.data, e.size));
        for (size_t i = 0; i < e.size; i++)
            sum += ((const uint8_t *)e.data)[i];
        uint32_t type = e.mode & LIBOS_CPIO_S_IFMT;
        REQUIRE(type != LIBOS_CPIO_S_IFDIR || e.size == 0);
        REQUIRE(type != LIBOS_CPIO_S_IFLNK || (e.size > 0 && !memchr(e.data, 0, e.size)));
        REQUIRE(e.path_len > 0 || type == LIBOS_CPIO_S_IFDIR);
        if (count < 64)
            all[count] = e;
        count++;
    }
    REQUIRE(r <= 0);
    REQUIRE(r == 0 || (err.code == r && err.message && err.offset <= size));
    REQUIRE(libos_cpio_next(&c, &e, NULL) == r); /* the end, or the error, stays */

    if (v >= 0) {
        /* A valid archive: the iteration agrees, and no two paths collide or sit below a
         * non-directory (checked here the slow, obvious way). */
        REQUIRE(r == 0 && count == v);
        for (long i = 0; i < count && i < 64; i++)
            for (long j = 0; j < count && j < 64; j++) {
                const struct libos_cpio_entry *a = &all[i], *b = &all[j];
                if (i != j)
                    REQUIRE(strcmp(a->path, b->path) != 0);
                if (b->path_len > 0 && a->path_len > b->path_len && a->path[b->path_len] == '/' &&
                    memcmp(a->path, b->path, b->path_len) == 0)
                    REQUIRE((b->mode & LIBOS_CPIO_S_IFMT) == LIBOS_CPIO_S_IFDIR);
            }
    } else if (v != LIBOS_CPIO_EDUP && v != LIBOS_CPIO_ENOTDIR) {
        REQUIRE(r == v && err.offset == verr.offset); /* a per-entry error: the iteration meets it too */
    } else {
        /* A cross-entry error stops validate first; a defect of a later entry may still follow. */
        REQUIRE(r == 0 || err.offset > verr.offset);
    }
    (void)sum;
    return 0;
}

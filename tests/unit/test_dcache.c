/*
 * test_dcache.c: the ext4 mount's directory cache (blk/dcache.c) against a reference: random
 * adds, removes, finds and forgets over a few directories, every answer compared with a plain
 * table; the budget (oldest listings go first, a listing too big for it is refused) and LRU.
 */
#include "dcache.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

#define DIRS 4
#define NAMES 3000

static uint32_t ref[DIRS][NAMES]; /* 0: absent */
static int cached[DIRS];

static void name_of(unsigned i, char *buf, size_t *len)
{
    *len = (size_t)snprintf(buf, 32, "f%u%s", i, i % 7 ? "" : "-a-longer-name");
}

static void test_against_reference(void)
{
    struct dcache c = {0};
    srand(7);
    char name[32];
    size_t len;
    unsigned mismatches = 0;
    for (int step = 0; step < 200000; step++) {
        unsigned d = (unsigned)rand() % DIRS, i = (unsigned)rand() % NAMES;
        name_of(i, name, &len);
        int op = rand() % 100;
        if (op < 2) { /* forget */
            libos_dcache_forget(&c, 100 + d);
            cached[d] = 0;
        } else if (op < 25) { /* add a name that is absent (as ext4fs does) */
            if (!ref[d][i]) {
                ref[d][i] = 5000 + (uint32_t)i + d;
                libos_dcache_add(&c, 100 + d, name, len, ref[d][i]);
            }
        } else if (op < 40) {
            ref[d][i] = 0;
            libos_dcache_remove(&c, 100 + d, name, len);
        } else {
            struct dcache_dir *dd = libos_dcache_get(&c, 100 + d);
            if (!dd) { /* fill it from the reference, as a directory scan would */
                CHECK(!cached[d]);
                dd = libos_dcache_begin(&c, 100 + d);
                for (unsigned k = 0; dd && k < NAMES; k++)
                    if (ref[d][k]) {
                        char n2[32];
                        size_t l2;
                        name_of(k, n2, &l2);
                        if (libos_dcache_fill(&c, dd, n2, l2, ref[d][k])) {
                            libos_dcache_abort(&c, dd);
                            dd = NULL;
                        }
                    }
                CHECK(dd != NULL);
                cached[d] = 1;
            }
            uint32_t ino = 0;
            int found = libos_dcache_find(dd, name, len, &ino);
            if (found != (ref[d][i] != 0) || (found && ino != ref[d][i]))
                mismatches++;
        }
        for (unsigned k = 0; k < DIRS; k++) /* a listing may also have gone for the budget */
            if (cached[k] && !libos_dcache_get(&c, 100 + k))
                cached[k] = 0;
    }
    CHECK_EQ(0, mismatches);
    libos_dcache_clear(&c);
    CHECK_EQ(0, c.entries);
    CHECK(c.oldest == NULL && c.newest == NULL);
}

static void test_budget(void)
{
    struct dcache c = {0};
    char name[32];
    /* two listings of 3/4 of the budget: the second pushes the first out */
    for (uint32_t dir = 1; dir <= 2; dir++) {
        struct dcache_dir *d = libos_dcache_begin(&c, dir);
        int failed = 0;
        for (unsigned i = 0; i < DCACHE_MAX_ENTRIES * 3 / 4; i++) {
            size_t len = (size_t)snprintf(name, sizeof name, "n%u", i);
            failed |= libos_dcache_fill(&c, d, name, len, i + 1);
        }
        CHECK_EQ(0, failed);
    }
    CHECK(libos_dcache_get(&c, 1) == NULL);
    struct dcache_dir *d2 = libos_dcache_get(&c, 2);
    uint32_t ino = 0;
    CHECK(d2 && libos_dcache_find(d2, "n77", 3, &ino) && ino == 78);
    CHECK(c.entries <= DCACHE_MAX_ENTRIES);
    /* one listing bigger than the whole budget: refused, the caller aborts it */
    struct dcache_dir *big = libos_dcache_begin(&c, 3);
    int refused = 0;
    for (unsigned i = 0; i <= DCACHE_MAX_ENTRIES && !refused; i++) {
        size_t len = (size_t)snprintf(name, sizeof name, "b%u", i);
        refused = libos_dcache_fill(&c, big, name, len, i + 1) != 0;
    }
    CHECK(refused);
    libos_dcache_abort(&c, big);
    CHECK(libos_dcache_get(&c, 3) == NULL);
    libos_dcache_clear(&c);
    CHECK_EQ(0, c.entries);
}

int main(void)
{
    test_against_reference();
    test_budget();
    return CHECK_DONE();
}

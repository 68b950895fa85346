/*
 * The VFS's path resolver and mount table, on the host, over the real tmpfs, root file system and
 * /dev: canonical paths, the working directory, ".." across mounts, the longest mount, symbolic
 * links (relative, absolute, in the middle of a path, loops), and the errors. The same .c files as
 * the kernel; the console's driver is linked but never called.
 */
#include "check.h"
#include "vfs_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* The console driver's calls, which devfs and the console file name but these tests never make. */
void libos_console_write(const char *buf, size_t n) { (void)buf, (void)n; }
size_t libos_console_read_nonblock(char *buf, size_t n) { return (void)buf, (void)n, 0; }
int libos_console_input_ready(void) { return 0; }
void libos_console_input_irq(int enable) { (void)enable; }
char libos_console_stdin_mode(void) { return 't'; }
int libos_console_stdout_tty(void) { return 1; }
void libos_console_relay_ready(void) {}

static const char *resolved(const char *path, int follow)
{
    static char buf[PATH_MAX];
    struct libos_where w;
    int r = libos_vfs_resolve(AT_FDCWD, path, follow, buf, &w);
    return r < 0 ? strerror(-r) : buf;
}

static const char *rel_of(const char *path)
{
    static char buf[PATH_MAX];
    struct libos_where w;
    return libos_vfs_resolve(AT_FDCWD, path, 1, buf, &w) < 0 ? NULL : w.rel;
}

static void test_canonical(void)
{
    CHECK_STR("/", resolved("/", 1));
    CHECK_STR("/", resolved("//.//./", 1));
    CHECK_STR("/", resolved("/../..", 1));
    CHECK_STR("/dev/null", resolved("/dev/./../dev//null", 1));
    CHECK_STR("/tmp/new", resolved("/tmp/new", 1)); /* the last component need not exist */
    CHECK_STR(strerror(ENOENT), resolved("/tmp/no/new", 1));
    CHECK_STR(strerror(ENOENT), resolved("", 1));
    CHECK_STR(strerror(ENOTDIR), resolved("/dev/null/x", 1));
    CHECK_STR(strerror(ENOTDIR), resolved("/dev/null/", 1));
    char *big = malloc(PATH_MAX + 10);
    memset(big, 'a', PATH_MAX + 9);
    big[0] = '/';
    big[PATH_MAX + 9] = 0;
    CHECK_STR(strerror(ENAMETOOLONG), resolved(big, 1));
    memset(big + 1, 'b', NAME_MAX + 1); /* one component too long */
    big[NAME_MAX + 2] = 0;
    CHECK_STR(strerror(ENAMETOOLONG), resolved(big, 1));
    free(big);
}

static void test_mounts(void)
{
    /* Which file system, and the path inside it. */
    CHECK_STR("", rel_of("/"));
    CHECK_STR("null", rel_of("/dev/null"));
    CHECK_STR("", rel_of("/tmp"));
    CHECK_EQ(0, libos_vfs_mkdir(AT_FDCWD, "/tmp/m", 0755));
    /* The longest prefix at a component boundary: "/tmpx" is not under /tmp. */
    struct libos_where w;
    char buf[PATH_MAX];
    libos_vfs_mount_of("/tmp/m/x", &w);
    CHECK_STR("m/x", w.rel);
    libos_vfs_mount_of("/tmpx", &w);
    CHECK(w.ops == &libos_rootfs_ops);
    CHECK_STR("tmpx", w.rel);
    CHECK_EQ(0, libos_vfs_resolve(AT_FDCWD, "/tmp/m/../../dev", 1, buf, &w));
    CHECK(w.ops == &libos_devfs_ops);
    CHECK_STR("/dev", buf);
    /* The root lists its mount points. */
    const char *name;
    size_t len;
    CHECK_EQ(1, libos_vfs_mount_child("/", 0, &name, &len));
    CHECK(len == 3 && memcmp(name, "dev", 3) == 0);
    CHECK_EQ(1, libos_vfs_mount_child("/", 1, &name, &len));
    CHECK(len == 3 && memcmp(name, "tmp", 3) == 0);
    CHECK_EQ(0, libos_vfs_mount_child("/", 2, &name, &len));
}

static void test_cwd(void)
{
    char buf[PATH_MAX];
    CHECK_EQ(0, libos_vfs_mkdir(AT_FDCWD, "/tmp/w", 0755));
    CHECK_EQ(0, libos_vfs_chdir("/tmp/w"));
    CHECK_STR("/tmp/w/f", resolved("f", 1));
    CHECK_STR("/tmp", resolved("..", 1));
    CHECK_STR("/dev/zero", resolved("../../dev/zero", 1));
    CHECK_EQ(-ENOTDIR, libos_vfs_chdir("/dev/null"));
    CHECK_EQ(0, libos_vfs_chdir("../.."));
    CHECK_EQ(2, libos_vfs_getcwd(buf, sizeof buf));
    CHECK_STR("/", buf);
    CHECK_EQ(-ERANGE, libos_vfs_getcwd(buf, 1));
}

static void test_links(void)
{
    CHECK_EQ(0, libos_vfs_mkdir(AT_FDCWD, "/tmp/d", 0755));
    CHECK_EQ(0, libos_vfs_symlink("d", AT_FDCWD, "/tmp/rel"));
    CHECK_EQ(0, libos_vfs_symlink("/tmp/d", AT_FDCWD, "/tmp/abs"));
    CHECK_EQ(0, libos_vfs_symlink("../../dev", AT_FDCWD, "/tmp/d/up"));
    CHECK_STR("/tmp/d", resolved("/tmp/rel", 1));
    CHECK_STR("/tmp/rel", resolved("/tmp/rel", 0)); /* not following the last component */
    CHECK_STR("/tmp/d/x", resolved("/tmp/abs/x", 0)); /* links above the last are always followed */
    CHECK_STR("/dev/null", resolved("/tmp/rel/up/null", 1));
    CHECK_STR("/tmp", resolved("/tmp/abs/..", 1)); /* ".." after a link: from where it led */
    /* A chain of 40 links is fine; 41 is ELOOP; so is a loop. */
    char from[32], to[32];
    for (int i = 0; i < 41; i++) {
        snprintf(from, sizeof from, "/tmp/c%d", i);
        snprintf(to, sizeof to, i == 40 ? "d" : "c%d", i + 1);
        CHECK_EQ(0, libos_vfs_symlink(to, AT_FDCWD, from));
    }
    CHECK_STR("/tmp/d", resolved("/tmp/c1", 1));
    CHECK_STR(strerror(ELOOP), resolved("/tmp/c0", 1));
    CHECK_EQ(0, libos_vfs_symlink("l2", AT_FDCWD, "/tmp/l1"));
    CHECK_EQ(0, libos_vfs_symlink("l1", AT_FDCWD, "/tmp/l2"));
    CHECK_STR(strerror(ELOOP), resolved("/tmp/l1/x", 0));
    CHECK_EQ(0, libos_vfs_symlink("nowhere", AT_FDCWD, "/tmp/dangling"));
    CHECK_STR("/tmp/nowhere", resolved("/tmp/dangling", 1)); /* open(O_CREAT) would create it */
    CHECK_STR(strerror(ENOENT), resolved("/tmp/dangling/x", 1));
    char buf[64];
    CHECK_EQ(6, libos_vfs_readlink(AT_FDCWD, "/tmp/abs", buf, sizeof buf));
    CHECK_EQ(-EINVAL, libos_vfs_readlink(AT_FDCWD, "/tmp/d", buf, sizeof buf));
}

static void test_changes(void)
{
    CHECK_EQ(-EROFS, libos_vfs_mkdir(AT_FDCWD, "/x", 0755));
    CHECK_EQ(-EEXIST, libos_vfs_mkdir(AT_FDCWD, "/tmp/d", 0755));
    CHECK_EQ(-EXDEV, libos_vfs_rename(AT_FDCWD, "/tmp/d", AT_FDCWD, "/x"));
    CHECK_EQ(-EBUSY, libos_vfs_rmdir(AT_FDCWD, "/tmp"));
    CHECK_EQ(-EISDIR, libos_vfs_unlink(AT_FDCWD, "/tmp/d"));
    CHECK_EQ(-ENOTEMPTY, libos_vfs_rmdir(AT_FDCWD, "/tmp/d"));
    CHECK_EQ(0, libos_vfs_rename(AT_FDCWD, "/tmp/d/up", AT_FDCWD, "/tmp/up"));
    CHECK_EQ(0, libos_vfs_rmdir(AT_FDCWD, "/tmp/d"));
    CHECK_EQ(-ENOENT, libos_vfs_stat(AT_FDCWD, "/tmp/d", &(struct stat){0}, 1));
}

int main(void)
{
    libos_tmpfs_init();
    test_canonical();
    test_mounts();
    test_cwd();
    test_links();
    test_changes();
    return CHECK_DONE();
}

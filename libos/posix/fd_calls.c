/*
 * Calls on an fd beyond reading and writing: syncing, truncating, changing its mode or owner,
 * the terminal's name. The kinds of fd that exist today are the console (a character
 * device) and the root directory (read-only), so most of these fail with the errno POSIX gives
 * for "this kind of file does not support it".
 * XXX: a file system will add ops to struct libos_file_ops for fsync and ftruncate.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(int err)
{
    errno = err;
    return -1;
}

/* *type = the S_IFMT bits of fd's mode; -1 (errno EBADF) when fd is not open. */
static int type_of(int fd, mode_t *type)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -1;
    *type = st.st_mode & S_IFMT;
    return 0;
}

/* Nothing is ever buffered below the program: a directory or file is always in sync. */
int fsync(int fd)
{
    mode_t type;
    if (type_of(fd, &type) < 0)
        return -1;
    return (type == S_IFDIR || type == S_IFREG) ? 0 : fail(EINVAL);
}

int fdatasync(int fd) { return fsync(fd); }

int ftruncate(int fd, off_t length)
{
    (void)length;
    mode_t type;
    return type_of(fd, &type) < 0 ? -1 : fail(EINVAL); /* no regular files exist */
}

/* The root directory is read-only; the console's mode and owner are fixed. */
int fchmod(int fd, mode_t mode)
{
    (void)mode;
    mode_t type;
    if (type_of(fd, &type) < 0)
        return -1;
    return fail(type == S_IFDIR ? EROFS : EINVAL);
}

int fchown(int fd, uid_t uid, gid_t gid)
{
    (void)uid, (void)gid;
    return fchmod(fd, 0);
}

/* Every terminal fd is the console. */
static const char console_name[] = "/dev/console";

int ttyname_r(int fd, char *buf, size_t size)
{
    if (!isatty(fd))
        return errno; /* EBADF or ENOTTY */
    if (size < sizeof console_name)
        return ERANGE;
    memcpy(buf, console_name, sizeof console_name);
    return 0;
}

char *ttyname(int fd)
{
    static char name[sizeof console_name];
    int err = ttyname_r(fd, name, sizeof name);
    if (err)
        return errno = err, NULL;
    return name;
}


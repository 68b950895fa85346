/*
 * libos/vfs.h: open files, the fd table, file systems and the one path resolver.
 *
 * Every fd kind (the console, pipes, devices, files on a file system, sockets) is an open file
 * description, struct libos_file: an ops table, private data, the open flags and a refcount.
 * dup'ed fds share one description; every op receives it. A file system is a struct
 * libos_fs_ops mounted at a path; the resolver turns any path into (mount, path inside it).
 *
 * Contract, for everything here:
 * - Thread context only; libos_file_notify may also be called by interrupt handlers.
 * - Calls return 0 or a count on success and a negative errno on failure (the POSIX layer,
 *   libos::posix, turns that into errno and -1). Ops follow the same convention.
 * - A call blocks only where the op it reaches blocks (an empty pipe, the console, a device), and
 *   then only the calling thread. An op that would block on a file opened with O_NONBLOCK
 *   returns -EAGAIN itself, or a short count: nothing above the op guesses.
 * - Buffers belong to the caller; an op never keeps a pointer to one past its return.
 */
#ifndef LIBOS_VFS_H
#define LIBOS_VFS_H

#include <dirent.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <time.h>

struct libos_file;
struct pollfd;

/*
 * What one kind of file can do. A NULL op means the kind does not support it, and the call
 * fails with POSIX's errno for that: read/write -EINVAL, lseek/pread/pwrite -ESPIPE, fsync and
 * ftruncate -EINVAL, readdir -ENOTDIR, fchmod/fchown -EINVAL, ioctl -ENOTTY.
 * A file with a position (a regular file) gives pread, pwrite and fstat, and points read, write
 * and lseek at libos_file_read_pos, libos_file_write_pos and libos_file_seek_pos: they keep the
 * position in f->pos, and O_APPEND writes at the size fstat reports. A directory's lseek may be
 * libos_file_seek_pos too (its position is an entry index).
 */
struct libos_file_ops {
    ssize_t (*read)(struct libos_file *f, void *buf, size_t n);
    ssize_t (*write)(struct libos_file *f, const void *buf, size_t n);
    ssize_t (*pread)(struct libos_file *f, void *buf, size_t n, off_t offset);
    ssize_t (*pwrite)(struct libos_file *f, const void *buf, size_t n, off_t offset);
    off_t (*lseek)(struct libos_file *f, off_t offset, int whence);
    int (*fstat)(struct libos_file *f, struct stat *st); /* st comes zeroed */
    int (*fsync)(struct libos_file *f);
    int (*ftruncate)(struct libos_file *f, off_t length);
    /* The directory entry at index f->pos into *e, and f->pos advanced: 1, or 0 at the end. */
    int (*readdir)(struct libos_file *f, struct dirent *e);
    int (*fchmod)(struct libos_file *f, mode_t mode);
    int (*fchown)(struct libos_file *f, uid_t uid, gid_t gid);
    /* FIONBIO is the fd layer's; everything else (FIONREAD, TIOCGWINSZ, ...) the kind's. */
    int (*ioctl)(struct libos_file *f, unsigned long request, void *arg);
    /*
     * Which of events (POLLIN, POLLOUT, POLLRDHUP, ...; POLLHUP and POLLERR whether asked or
     * not) hold now. When none does and arm is set, make sure libos_file_notify(f, ...) is called
     * when one may have become true (a device: enable its interrupt). Never blocks, never calls
     * libos_file_notify itself. NULL: always ready to read and write, like a regular file (and
     * epoll refuses the file: EPERM, as Linux does).
     */
    short (*poll)(struct libos_file *f, short events, int arm);
    void (*close)(struct libos_file *f); /* the last reference is gone */
};

struct libos_watch;

/* An open file description. The fd layer owns refs, flags and pos; priv is the kind's. */
struct libos_file {
    const struct libos_file_ops *ops;
    void *priv;
    int flags;     /* O_RDONLY/O_WRONLY/O_RDWR, O_NONBLOCK, O_APPEND */
    unsigned refs; /* fds sharing it, and anyone else holding it */
    off_t pos;     /* the file offset, for kinds with pread/pwrite */
    char *path;    /* the absolute path it was opened by (malloc'd), or NULL */
    unsigned mounts; /* a directory: 0, or 1 + the mount points below it listed so far */
    struct libos_watch *watchers; /* who waits for its readiness (poll, select, epoll), or NULL */
};

ssize_t libos_file_read_pos(struct libos_file *f, void *buf, size_t n);
ssize_t libos_file_write_pos(struct libos_file *f, const void *buf, size_t n);
off_t libos_file_seek_pos(struct libos_file *f, off_t offset, int whence);

/* Fill *e for a readdir op: name (len bytes, not NUL-terminated; cut at NAME_MAX), inode number
 * and DT_* type. Returns 1, what readdir returns for an entry. */
int libos_vfs_dirent(struct dirent *e, const char *name, size_t len, ino_t ino, unsigned char type);

/* --- the fd table ------------------------------------------------------------------------ */

/* A new description (ops, priv, flags), not yet in any fd; NULL when memory is short. */
struct libos_file *libos_file_new(const struct libos_file_ops *ops, void *priv, int flags);

/* Drop a reference; the last one calls ops->close, then frees f. */
void libos_file_put(struct libos_file *f);

/* Install f at the lowest free fd (taking over the caller's reference); the fd or -EMFILE
 * (then f is released). O_CLOEXEC in flags sets the fd's close-on-exec flag. */
int libos_fd_install(struct libos_file *f, int flags);

/* The description behind fd, or NULL when fd is not open. No reference is taken. */
struct libos_file *libos_fd_file(int fd);

/* --- readiness: how a file kind tells poll, select and epoll that something changed ------- */

/*
 * A kind with readiness (pipes, the console, sockets) gives a poll op (above) and calls
 * libos_file_notify(f, events) whenever one of events may have become true on f: data arrived
 * (POLLIN), room appeared (POLLOUT), the peer closed (POLLHUP, POLLRDHUP), an error (POLLERR).
 * That is the whole contract. notify wakes only what waits on f: the threads in poll() or select()
 * with f among their fds, and the epoll instances watching f (which wake their own waiters and
 * watchers). It costs a call and a NULL test when nobody watches f, never allocates, never blocks,
 * and never calls the poll op; a spurious notify is harmless (waiters look again with the poll op).
 * It may be called from thread context and from interrupt handlers: handlers run only at
 * scheduling points (libos/irq.h), never in the middle of a thread's update of these lists, and
 * notify and the watches' callbacks only move list links and wake threads. XXX: with SMP this
 * needs a lock per file. Own wait queues (a pipe's blocked readers) are the kind's business.
 *
 * A watch is one waiter's registration on one file (poll.c's per fd, epoll.c's per watched fd):
 * fn runs on every notify whose events meet the watch's interest (which poll and epoll make include
 * POLLHUP and POLLERR),
 * and once with LIBOS_POLL_CLOSED when the file's last reference goes, whatever the interest;
 * then fn must unwatch it, and the file is gone after that. fn may wake threads and notify other
 * files; it must not block, allocate, or unwatch any other watch of the same file.
 */
struct libos_watch {
    struct libos_watch *next, **pprev; /* the file's list */
    unsigned events;                   /* interest (POLL* bits) */
    void (*fn)(struct libos_watch *w, unsigned events);
};
#define LIBOS_POLL_CLOSED 0x80000000u

void libos_file_notify(struct libos_file *f, unsigned events);
void libos_file_watch(struct libos_file *f, struct libos_watch *w);
void libos_file_unwatch(struct libos_watch *w);

/* --- file systems --------------------------------------------------------------------------- */

/*
 * A file system, by path. Every path an op receives is relative to the file system's root: no
 * leading '/', "" for the root itself, no "." or ".." components, and every directory above the
 * last component already resolved (the resolver follows symbolic links itself, through lstat and
 * readlink). NULL ops: a read-only file system (modifying calls fail -EROFS); readlink -EINVAL.
 */
struct libos_fs_ops {
    int (*lstat)(void *fs, const char *path, struct stat *st); /* required; st comes zeroed */
    /* Open path into f: set f->ops and f->priv. flags as open(2) (O_CREAT, O_EXCL, O_TRUNC,
     * O_DIRECTORY, the access mode; the fd layer handles O_NONBLOCK, O_APPEND, O_CLOEXEC). */
    int (*open)(void *fs, const char *path, int flags, mode_t mode, struct libos_file *f);
    ssize_t (*readlink)(void *fs, const char *path, char *buf, size_t size);
    int (*mkdir)(void *fs, const char *path, mode_t mode);
    int (*unlink)(void *fs, const char *path);
    int (*rmdir)(void *fs, const char *path);
    int (*rename)(void *fs, const char *from, const char *to); /* both in this file system */
    int (*link)(void *fs, const char *from, const char *to);
    int (*symlink)(void *fs, const char *target, const char *path);
    int (*chmod)(void *fs, const char *path, mode_t mode);
    int (*chown)(void *fs, const char *path, uid_t uid, gid_t gid);
    int (*truncate)(void *fs, const char *path, off_t length);
    int (*utimens)(void *fs, const char *path, const struct timespec times[2]);
    int (*statvfs)(void *fs, struct statvfs *st);
    int (*sync)(void *fs); /* optional: make every write so far durable (sync, syncfs) */
};

/*
 * Mount fs at path (absolute, canonical: "/", "/dev", "/mnt/data"). A later mount at the same
 * path hides the earlier one. The mount point need not exist in the file system below: it is a
 * directory from then on. -EBUSY when the table is full.
 */
int libos_vfs_mount(const char *path, const struct libos_fs_ops *ops, void *fs);

/* Whether path is what libos_vfs_mount takes: "/", or "/a/b" without empty, "." or ".."
 * components. */
int libos_vfs_path_canonical(const char *path);

/* Take out the latest mount at path (what hid an earlier one shows again); -EINVAL when none. The
 * file system sees to its open files first. */
int libos_vfs_unmount(const char *path);

/* sync(2): every mounted file system that has a sync op commits; 0 or the first error. */
int libos_vfs_sync(void);

/* Mount a RAM file system at /tmp (tmpfs.c). The start sequence calls it when the image names
 * it (DEVICES tmpfs in its CMakeLists). */
void libos_tmpfs_init(void);

/* A name in /dev for a device file (mode: S_IFCHR or S_IFBLK, and permissions). */
int libos_devfs_add(const char *name, mode_t mode, const struct libos_file_ops *ops, void *priv);

/* --- the calls the POSIX layer makes: POSIX semantics, negative errnos ---------------------- */

ssize_t libos_vfs_read(int fd, void *buf, size_t n);
ssize_t libos_vfs_write(int fd, const void *buf, size_t n);
ssize_t libos_vfs_pread(int fd, void *buf, size_t n, off_t offset);
ssize_t libos_vfs_pwrite(int fd, const void *buf, size_t n, off_t offset);
off_t libos_vfs_lseek(int fd, off_t offset, int whence);
int libos_vfs_fstat(int fd, struct stat *st);
/* Blocking console input (a reader waits for the UART's interrupt instead of spinning): code that
 * can start a second thread or sleep refers to this, which links it in (console_wait.c). */
extern const char libos_console_blocking;
/* 1 when fd is a terminal: the console, when the host's side of it is one (console.c); else
 * -ENOTTY, or -EBADF. */
int libos_vfs_isatty(int fd);
int libos_vfs_fsync(int fd);
int libos_vfs_ftruncate(int fd, off_t length);
int libos_vfs_fchmod(int fd, mode_t mode);
int libos_vfs_fchown(int fd, uid_t uid, gid_t gid);
int libos_vfs_ioctl(int fd, unsigned long request, void *arg);
int libos_vfs_readdir(int fd, struct dirent *e); /* 1 entry, 0 at the end */
int libos_vfs_close(int fd);
int libos_vfs_dup(int fd, int min);       /* the lowest free fd >= min */
int libos_vfs_dup2(int fd, int fd2);
int libos_vfs_fcntl(int fd, int cmd, int arg);

/* Paths: relative ones start at the working directory. dirfd is AT_FDCWD or a directory fd. */
int libos_vfs_open(int dirfd, const char *path, int flags, mode_t mode);
int libos_vfs_stat(int dirfd, const char *path, struct stat *st, int follow);
ssize_t libos_vfs_readlink(int dirfd, const char *path, char *buf, size_t size);
int libos_vfs_mkdir(int dirfd, const char *path, mode_t mode);
int libos_vfs_unlink(int dirfd, const char *path);
int libos_vfs_rmdir(int dirfd, const char *path);
int libos_vfs_rename(int olddirfd, const char *from, int newdirfd, const char *to);
int libos_vfs_link(const char *from, const char *to);
int libos_vfs_symlink(const char *target, int dirfd, const char *path);
int libos_vfs_chmod(const char *path, mode_t mode);
int libos_vfs_chown(const char *path, uid_t uid, gid_t gid, int follow);
int libos_vfs_truncate(const char *path, off_t length);
int libos_vfs_utimens(const char *path, const struct timespec times[2]);
int libos_vfs_statvfs(const char *path, struct statvfs *st);
int libos_vfs_access(const char *path, int mode);
int libos_vfs_chdir(const char *path);
int libos_vfs_fchdir(int fd);
/* The canonical absolute path of path (symbolic links followed) into buf of size bytes. */
int libos_vfs_realpath(const char *path, char *buf, size_t size);
int libos_vfs_getcwd(char *buf, size_t size);

/* poll() over every fd kind; timeout_ns < 0 waits forever. */
int libos_vfs_poll(struct pollfd *fds, unsigned long n, long long timeout_ns);

/* epoll (epoll.c; <sys/epoll.h> has the constants): Linux's semantics, negative errnos. flags:
 * O_CLOEXEC. timeout_ns < 0 waits forever. */
struct epoll_event;
int libos_vfs_epoll_create(int flags);
int libos_vfs_epoll_ctl(int epfd, int op, int fd, const struct epoll_event *ev);
int libos_vfs_epoll_wait(int epfd, struct epoll_event *events, int max, long long timeout_ns);

/* A pipe: fds[0] reads, fds[1] writes. flags: O_NONBLOCK, O_CLOEXEC. */
int libos_vfs_pipe(int fds[2], int flags);


#endif

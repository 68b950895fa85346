/* Private to libos::vfs: what its files share. */
#ifndef LIBOS_VFS_IMPL_H
#define LIBOS_VFS_IMPL_H

#include <libos/sched.h>
#include <libos/vfs.h>

/* Every watch of a file whose last reference goes hears LIBOS_POLL_CLOSED (ready.c; file.c
 * calls it weakly, only when the file has watches). */
void libos_vfs_unwatch_all(struct libos_file *f);

/* The console's descriptions (console.c): fd 0's from boot, and fds 1 and 2's (they are a
 * terminal or not as the host's stdin and stdout are). */
extern struct libos_file libos_console_file, libos_console_out;

/* The console's state and its readiness (console.c, console_poll.c). */
extern char libos_console_at_end;
void libos_console_stdin_start(void);
/* console_wait.c: 1 when a reader can block (routing the UART's interrupt the first time), and
 * the wait itself; linked with what can start threads or sleep, and with poll (weak in console.c). */
int libos_console_can_block(void);
void libos_console_wait_input(void);
short libos_console_poll(struct libos_file *f, short events, int arm);
int libos_console_ioctl(struct libos_file *f, unsigned long request, void *arg);

/* The resolver's answer: the file system holding a path, and the path inside it. */
struct libos_where {
    const struct libos_fs_ops *ops;
    void *fs;
    const char *rel; /* points into the caller's buffer */
};

/*
 * Resolve path (relative ones from dirfd: AT_FDCWD or a directory fd) into buf (PATH_MAX bytes),
 * following symbolic links in every component, and in the last one too when follow is set. The
 * canonical absolute path is left in buf; *w says where it lives. The last component need not
 * exist (for creating it); every one before it must be a directory.
 */
int libos_vfs_resolve(int dirfd, const char *path, int follow, char *buf, struct libos_where *w);

/* The file system mounted at the longest prefix of the canonical absolute path, and the rest. */
void libos_vfs_mount_of(const char *path, struct libos_where *w);

/* The root directory of the empty root file system, and /dev (rootfs.c, devfs.c). */
extern const struct libos_fs_ops libos_rootfs_ops, libos_devfs_ops;

/* The names of the mount points directly below dir ("/": "dev", ...): the index-th into *name
 * (pointing into the table), 0 when there is none. For readdir. */
int libos_vfs_mount_child(const char *dir, unsigned index, const char **name, size_t *len);


#endif

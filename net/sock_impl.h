/*
 * sock_impl.h: what the socket files of libos::net share (docs/networking.md, "Sockets").
 *
 * A socket is an open file description (libos/vfs.h) whose priv starts with its kind's socket
 * ops; every socket kind's file ops share libos_sock_fstat, which is how the socket calls
 * (sockcall.c) tell a socket from any other fd. Kinds: TCP and UDP over lwIP's raw API
 * (tcp_sock.c, udp_sock.c, one struct isock each), and unnamed AF_UNIX stream pairs
 * (unix_sock.c, no lwIP). Socket ops take the description, return 0, a count or a negative
 * errno, and honour O_NONBLOCK in f->flags themselves.
 */
#ifndef LIBOS_NET_SOCK_IMPL_H
#define LIBOS_NET_SOCK_IMPL_H

#include <libos/vfs.h>

#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>

struct sock_ops {
    int (*bind)(struct libos_file *f, const struct sockaddr *a, socklen_t len);
    int (*listen)(struct libos_file *f, int backlog);
    /* A new description for the next connection (flags: O_NONBLOCK), its peer's address. */
    int (*accept)(struct libos_file *f, struct libos_file **out, struct sockaddr *a, socklen_t *len, int flags);
    int (*connect)(struct libos_file *f, const struct sockaddr *a, socklen_t len);
    ssize_t (*sendmsg)(struct libos_file *f, const struct msghdr *m, int flags);
    ssize_t (*recvmsg)(struct libos_file *f, struct msghdr *m, int flags);
    int (*shutdown)(struct libos_file *f, int how);
    int (*setsockopt)(struct libos_file *f, int level, int name, const void *v, socklen_t len);
    int (*getsockopt)(struct libos_file *f, int level, int name, void *v, socklen_t *len);
    int (*name)(struct libos_file *f, struct sockaddr *a, socklen_t *len, int peer);
};

/* A socket's priv begins with this. */
struct sock_head {
    const struct sock_ops *sops;
};

/* fstat of every socket (S_IFSOCK); also the mark of a socket file. */
int libos_sock_fstat(struct libos_file *f, struct stat *st);

/* read and write of every socket: recvmsg and sendmsg of one buffer, no flags. */
ssize_t libos_sock_read(struct libos_file *f, void *buf, size_t n);
ssize_t libos_sock_write(struct libos_file *f, const void *buf, size_t n);

static inline int sock_is(const struct libos_file *f) { return f->ops->fstat == libos_sock_fstat; }

static inline const struct sock_ops *sock_ops_of(const struct libos_file *f)
{
    return ((const struct sock_head *)f->priv)->sops;
}

/* A result as the POSIX calls return it: errno and -1 for a negative errno. */
static inline long sock_ret(long r)
{
    if (r < 0) {
        errno = (int)-r;
        return -1;
    }
    return r;
}

/* The bytes of the iovecs of m, saturated at SSIZE_MAX; -EINVAL for a bad count. */
ssize_t libos_sock_iov_total(const struct msghdr *m);

/* Copy an option's value out as getsockopt does: at most *len bytes, *len set to what was
 * copied. */
int libos_sock_opt_out(void *v, socklen_t *len, const void *val, socklen_t size);
int libos_sock_opt_int(const void *v, socklen_t len, int *out); /* 0 or -EINVAL */

/* struct timeval option <-> nanoseconds (0: no timeout). */
int libos_sock_opt_timeout(const void *v, socklen_t len, unsigned long long *ns);
int libos_sock_opt_timeout_out(void *v, socklen_t *len, unsigned long long ns);

/* The deadline for a wait of ns nanoseconds from now (0: none). */
unsigned long long libos_sock_deadline(unsigned long long ns);

#endif

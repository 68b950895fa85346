/*
 * Terminal attributes: the console is the one terminal (isatty), a serial line that passes bytes
 * through unchanged (no echo, no line editing: docs/posix.md's read row). tcgetattr reports that,
 * tcsetattr keeps what is set (and changes nothing in how the console behaves, XXX), and every
 * other fd fails ENOTTY.
 */
#include <errno.h>
#include <termios.h>
#include <unistd.h>

static struct termios console = {
    .c_iflag = 0, .c_oflag = 0, .c_cflag = CS8 | CREAD | CLOCAL | B115200, .c_lflag = 0,
    .c_cc = {[VINTR] = 3, [VQUIT] = 28, [VERASE] = 127, [VKILL] = 21, [VEOF] = 4, [VMIN] = 1, [VTIME] = 0},
    .c_ispeed = B115200, .c_ospeed = B115200,
};

static int terminal(int fd)
{
    if (isatty(fd))
        return 1;
    if (errno != EBADF)
        errno = ENOTTY;
    return 0;
}

int tcgetattr(int fd, struct termios *t)
{
    if (!terminal(fd))
        return -1;
    *t = console;
    return 0;
}
int tcsetattr(int fd, int when, const struct termios *t)
{
    if (!terminal(fd))
        return -1;
    if (when != TCSANOW && when != TCSADRAIN && when != TCSAFLUSH) {
        errno = EINVAL;
        return -1;
    }
    console = *t;
    return 0;
}
int tcdrain(int fd) { return terminal(fd) ? 0 : -1; } /* the UART's writes are synchronous */
int tcflow(int fd, int action)
{
    if (!terminal(fd))
        return -1;
    if (action < TCOOFF || action > TCION) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}
int tcflush(int fd, int which)
{
    if (!terminal(fd))
        return -1;
    if (which < TCIFLUSH || which > TCIOFLUSH) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}
int tcsendbreak(int fd, int duration)
{
    (void)duration;
    return terminal(fd) ? 0 : -1;
}
pid_t tcgetsid(int fd) { return terminal(fd) ? getpid() : -1; }
pid_t tcgetpgrp(int fd) { return terminal(fd) ? getpid() : -1; }
int tcsetpgrp(int fd, pid_t pgrp)
{
    if (!terminal(fd))
        return -1;
    if (pgrp != getpid()) {
        errno = EPERM;
        return -1;
    }
    return 0;
}

speed_t cfgetispeed(const struct termios *t) { return t->c_ispeed; }
speed_t cfgetospeed(const struct termios *t) { return t->c_ospeed; }
int cfsetispeed(struct termios *t, speed_t s)
{
    t->c_ispeed = s;
    return 0;
}
int cfsetospeed(struct termios *t, speed_t s)
{
    t->c_ospeed = s;
    return 0;
}
int cfsetspeed(struct termios *t, speed_t s)
{
    t->c_ispeed = t->c_ospeed = s;
    return 0;
}
void cfmakeraw(struct termios *t)
{
    t->c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t->c_oflag &= ~(tcflag_t)OPOST;
    t->c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t->c_cflag = (t->c_cflag & ~(tcflag_t)(CSIZE | PARENB)) | CS8;
    t->c_cc[VMIN] = 1;
    t->c_cc[VTIME] = 0;
}

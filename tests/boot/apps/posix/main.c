/*
 * test_posix: calls that cannot work in a one-program machine link and fail with the errno POSIX
 * gives, instead of breaking the link or the machine.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int failed;

static void expect_errno(const char *call, long result, int want)
{
    int got = errno;
    int ok = result == -1 && got == want;
    printf("%s: %s = %ld, errno %d (%s); want -1, errno %d (%s)\n", ok ? "ok" : "FAIL", call, result, got,
           strerror(got), want, strerror(want));
    failed |= !ok;
}

#define EXPECT_ERRNO(call, want) (errno = 0, expect_errno(#call, (long)(call), want))

int main(void)
{
    char *const args[] = {"/bin/sh", NULL};
    int status;
    struct stat st;
    char c;

    EXPECT_ERRNO(fork(), ENOSYS);
    EXPECT_ERRNO(execve("/bin/sh", args, args + 1), ENOSYS);
    EXPECT_ERRNO(wait(&status), ECHILD);
    EXPECT_ERRNO(waitpid(-1, &status, 0), ECHILD);
    EXPECT_ERRNO(open("/no/such/file", O_RDONLY), ENOENT);
    EXPECT_ERRNO(open("/new-file", O_WRONLY | O_CREAT, 0644), EROFS);
    EXPECT_ERRNO(stat("/no/such/file", &st), ENOENT);
    EXPECT_ERRNO(kill(1234, SIGTERM), ESRCH);
    EXPECT_ERRNO(read(42, &c, 1), EBADF);
    EXPECT_ERRNO(write(-1, "x", 1), EBADF);
    EXPECT_ERRNO(lseek(1, 0, SEEK_SET), ESPIPE);
    EXPECT_ERRNO(close(63), EBADF);

    int ok = fopen("/no/such/file", "r") == NULL && errno == ENOENT;
    printf("%s: fopen of a missing file = NULL, errno ENOENT\n", ok ? "ok" : "FAIL");
    failed |= !ok;
    ok = kill(getpid(), 0) == 0;
    printf("%s: kill(getpid(), 0) = 0\n", ok ? "ok" : "FAIL");
    failed |= !ok;

    printf("%s\n", failed ? "posix: FAILED" : "posix: all checks passed");
    return failed;
}

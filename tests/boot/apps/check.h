/*
 * check.h: the checks of the boot tests' guest programs. CHECK(cond, fmt, ...) prints "ok: cond"
 * or "FAIL: cond: <fmt> (errno N <text>)" and counts the failure; FAILS(call, ERR) checks that
 * call returns -1 with errno ERR. The harness rejects any "FAIL" line and reads the exit status,
 * which the program makes `failures != 0`. Header only: each test app is one program.
 */
#ifndef LIBOS_TEST_GUEST_CHECK_H
#define LIBOS_TEST_GUEST_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (cond) {                                                                                \
            printf("ok: %s\n", #cond);                                                             \
        } else {                                                                                   \
            printf("FAIL: %s: ", #cond);                                                           \
            printf(__VA_ARGS__);                                                                   \
            printf(" (errno %d %s)\n", errno, strerror(errno));                                    \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

#define FAILS(call, err) CHECK((errno = 0, (call) == -1 && errno == (err)), "%s", #call " fails " #err)

#endif

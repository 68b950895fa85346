/*
 * check.h: the assertion helpers of the host unit tests. A failed check prints file:line, the
 * expression, and the expected and actual values, then the test goes on (so one run shows every
 * failure). CHECK_DONE() prints "N passed, N failed" and gives main's exit status: 1 when a check failed
 * or none ran.
 * Header only: each unit test is one .c file and one program.
 */
#ifndef LIBOS_TEST_CHECK_H
#define LIBOS_TEST_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

static int check_result(int ok, const char *file, int line, const char *expr)
{
    if (ok) {
        check_passed++;
        return 1;
    }
    check_failed++;
    printf("%s:%d: FAIL: %s\n", file, line, expr);
    return 0;
}

/* A condition. */
#define CHECK(cond) check_result(!!(cond), __FILE__, __LINE__, #cond)

/* Two integers (compared as unsigned 64-bit values; printed in decimal and hex). */
#define CHECK_EQ(expected, actual)                                                                  \
    do {                                                                                           \
        uint64_t eq_exp_ = (uint64_t)(expected), eq_act_ = (uint64_t)(actual);                              \
        if (!check_result(eq_exp_ == eq_act_, __FILE__, __LINE__, #actual " == " #expected))                 \
            printf("    expected %" PRId64 " (0x%" PRIx64 "), actual %" PRId64 " (0x%" PRIx64 ")\n", \
                   (int64_t)eq_exp_, eq_exp_, (int64_t)eq_act_, eq_act_);                                              \
    } while (0)

/* Two strings; NULL is allowed on either side and equals only NULL. */
#define CHECK_STR(expected, actual)                                                                \
    do {                                                                                           \
        const char *str_exp_ = (expected), *str_act_ = (actual);                                              \
        int str_ok_ = (str_exp_ && str_act_) ? strcmp(str_exp_, str_act_) == 0 : str_exp_ == str_act_;                                    \
        if (!check_result(str_ok_, __FILE__, __LINE__, #actual " == " #expected))                      \
            printf("    expected %s%s%s, actual %s%s%s\n", str_exp_ ? "\"" : "",                       \
                   str_exp_ ? str_exp_ : "NULL", str_exp_ ? "\"" : "", str_act_ ? "\"" : "",        \
                   str_act_ ? str_act_ : "NULL", str_act_ ? "\"" : "");                            \
    } while (0)

#define CHECK_DONE()                                                                               \
    (printf("%d passed, %d failed\n", check_passed, check_failed), check_failed || !check_passed ? 1 : 0)

#endif

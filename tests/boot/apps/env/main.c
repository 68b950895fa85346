/*
 * test_env: checks getenv against expectations given as arguments:
 *   NAME=value   getenv("NAME") must be "value"
 *   !NAME        getenv("NAME") must be NULL
 * and prints the whole environment. Exits 1 when any expectation fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv)
{
    int failed = 0;
    for (char **e = environ; *e; e++)
        printf("environ: \"%s\"\n", *e);
    for (int i = 1; i < argc; i++) {
        const char *want = NULL;
        char name[128];
        if (argv[i][0] == '!') {
            snprintf(name, sizeof name, "%s", argv[i] + 1);
        } else {
            const char *eq = strchr(argv[i], '=');
            if (!eq) {
                printf("bad expectation '%s'\n", argv[i]);
                return 2;
            }
            snprintf(name, sizeof name, "%.*s", (int)(eq - argv[i]), argv[i]);
            want = eq + 1;
        }
        const char *got = getenv(name);
        int ok = want ? got && strcmp(got, want) == 0 : got == NULL;
        if (got)
            printf("%s: getenv(\"%s\") = \"%s\"\n", ok ? "ok" : "FAIL", name, got);
        else
            printf("%s: getenv(\"%s\") = NULL\n", ok ? "ok" : "FAIL", name);
        failed |= !ok;
    }
    printf("%s\n", failed ? "env: FAILED" : "env: all expectations met");
    return failed;
}

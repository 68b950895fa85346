/*
 * test_stdin: reads lines from the console with fgets and echoes each, until end of file
 * (Ctrl-D at the start of a read). Prints "ready" first so the harness knows when to type.
 */
#include <stdio.h>
#include <string.h>

int main(void)
{
    char line[256];
    int lines = 0;
    printf("ready\n");
    fflush(stdout);
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        printf("echo %d: [%s]\n", ++lines, line);
        fflush(stdout);
    }
    printf("end of file after %d lines\n", lines);
    return 0;
}

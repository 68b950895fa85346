/*
 * test_exit: leaves with the status its arguments ask for, so that the harness can check the
 * runner's exit-status contract end to end. Usage: "return N" (from main) or "exit N" (exit()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "return") != 0 && strcmp(argv[1], "exit") != 0)) {
        printf("usage: test_exit return|exit STATUS\n");
        return 99;
    }
    int status = atoi(argv[2]);
    printf("leaving with status %d via %s\n", status, argv[1]);
    fflush(stdout);
    if (argv[1][0] == 'e')
        exit(status);
    return status;
}

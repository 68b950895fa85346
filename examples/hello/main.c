/* hello: greets, prints its arguments and the GREETING environment variable. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    const char *greeting = getenv("GREETING");
    printf("%s from libos!\n", greeting ? greeting : "Hello");
    for (int i = 0; i < argc; i++)
        printf("argv[%d] = \"%s\"\n", i, argv[i]);
    return 0;
}

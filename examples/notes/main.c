/*
 * notes: keeps a file of notes on a disk. Each argument is appended to /data/notes.txt as a line,
 * then the whole file is printed, so two boots in a row show that the file persisted:
 *
 *   libos-run notes.elf --mkfs notes.img,16M -- libos.mount=vda:/data "first note"
 *   libos-run notes.elf --disk notes.img -- libos.mount=vda:/data "second note"
 *
 * The disk is an ext4 image; DEVICES ext4 mounts it where libos.mount= says. On the host,
 * `debugfs -R "cat /notes.txt" notes.img` prints the same file.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NOTES "/data/notes.txt"

int main(int argc, char **argv)
{
    int fd = open(NOTES, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0) {
        perror("notes: " NOTES " (is a disk mounted at /data? libos.mount=vda:/data)");
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (write(fd, argv[i], n) != (ssize_t)n || write(fd, "\n", 1) != 1) {
            perror("notes: write");
            return 1;
        }
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        perror("notes: fsync");
        return 1;
    }
    FILE *f = fopen(NOTES, "r");
    char line[512];
    int count = 0;
    while (f && fgets(line, sizeof line, f))
        printf("%d: %s", ++count, line);
    if (f)
        fclose(f);
    printf("notes: %d line%s in " NOTES "\n", count, count == 1 ? "" : "s");
    return 0;
}

/*
 * Holds the file behind fd 3 (passed with podman run --preserve-fds=1 ... 3<FILE), then ticks
 * once a second.
 *   holdfd map    mmap fd 3, then close it: only the mapping refers to the file (CRIU names it fd=-3)
 *   holdfd open   keep fd 3 open without mapping it
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "map";
    if (strcmp(mode, "map") == 0) {
        const char *page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 3, 0);
        if (page == MAP_FAILED) {
            perror("holdfd: mmap of fd 3 failed");
            return 1;
        }
        if (close(3) != 0) {
            perror("holdfd: close of fd 3 failed");
            return 1;
        }
        printf("holdfd: mapped fd 3 and closed it, first byte %c\n", page[0]);
    } else if (strcmp(mode, "open") == 0) {
        char first = 0;
        if (pread(3, &first, 1, 0) != 1) {
            perror("holdfd: read of fd 3 failed");
            return 1;
        }
        printf("holdfd: holding fd 3 open, first byte %c\n", first);
    } else {
        fprintf(stderr, "holdfd: invalid mode %s (expected map or open)\n", mode);
        return 2;
    }

    for (unsigned long tick = 1;; tick++) {
        printf("tick %lu\n", tick);
        fflush(stdout);
        sleep(1);
    }
}

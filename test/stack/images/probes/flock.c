/* Takes an exclusive flock on /flock.lock and keeps it while ticking once a second. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <unistd.h>

int main(void) {
    int fd = open("/flock.lock", O_RDWR | O_CREAT, 0644);
    if (fd < 0) {
        perror("flock: open /flock.lock failed");
        return 1;
    }
    if (flock(fd, LOCK_EX) != 0) {
        perror("flock: flock LOCK_EX failed");
        return 1;
    }

    printf("flock: holding /flock.lock\n");
    for (unsigned long tick = 1;; tick++) {
        printf("tick %lu\n", tick);
        fflush(stdout);
        sleep(1);
    }
}

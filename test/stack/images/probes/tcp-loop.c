/*
 * Opens a TCP connection to itself on 127.0.0.1 (listener, client and accepted socket in one
 * process) and sends a line over it once a second, printing what arrives.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fail(const char *message) {
    perror(message);
    return 1;
}

int main(void) {
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = 0};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;

    int listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0) return fail("tcp-loop: socket failed");
    if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0) return fail("tcp-loop: bind 127.0.0.1 failed");
    if (listen(listener, 1) != 0) return fail("tcp-loop: listen failed");
    if (getsockname(listener, (struct sockaddr *)&address, &length) != 0) return fail("tcp-loop: getsockname failed");

    int client = socket(AF_INET, SOCK_STREAM, 0);
    if (client < 0) return fail("tcp-loop: socket failed");
    if (connect(client, (struct sockaddr *)&address, sizeof address) != 0) return fail("tcp-loop: connect failed");
    int server = accept(listener, NULL, NULL);
    if (server < 0) return fail("tcp-loop: accept failed");

    printf("tcp-loop: connected on 127.0.0.1:%d\n", ntohs(address.sin_port));
    char line[64];
    for (unsigned long tick = 1;; tick++) {
        int size = snprintf(line, sizeof line, "tick %lu\n", tick);
        if (write(client, line, size) != size) return fail("tcp-loop: write failed");
        ssize_t received = read(server, line, sizeof line - 1);
        if (received <= 0) return fail("tcp-loop: read failed");
        fwrite(line, 1, received, stdout);
        fflush(stdout);
        sleep(1);
    }
}

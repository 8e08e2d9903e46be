// A byte relay for scripts/bench: its stdin to a child's, the child's stdout to its own, nothing
// else. The floor of any process between a client and its server (a gateway).
#include <poll.h>
#include <unistd.h>
#include <stdlib.h>
#include <signal.h>
static int put(int fd, const char *b, ssize_t n) {
    while (n > 0) { ssize_t w = write(fd, b, n); if (w <= 0) return -1; b += w; n -= w; }
    return 0;
}
int main(int argc, char **argv) {
    int in[2], out[2];
    if (argc < 2 || pipe(in) || pipe(out)) return 2;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], 0); dup2(out[1], 1);
        close(in[0]); close(in[1]); close(out[0]); close(out[1]);
        execvp(argv[1], argv + 1); _exit(127);
    }
    close(in[0]); close(out[1]);
    signal(SIGPIPE, SIG_IGN); /* here, not before the fork: the server keeps its own */
    struct pollfd fds[2] = {{0, POLLIN, 0}, {out[0], POLLIN, 0}};
    static char buf[65536];
    for (;;) {
        if (poll(fds, 2, -1) < 0) continue;
        if (fds[0].revents) { ssize_t n = read(0, buf, sizeof buf); if (n <= 0) { close(in[1]); fds[0].fd = -1; } else put(in[1], buf, n); }
        if (fds[1].revents) { ssize_t n = read(out[0], buf, sizeof buf); if (n <= 0) break; if (put(1, buf, n)) break; }
    }
    return 0;
}

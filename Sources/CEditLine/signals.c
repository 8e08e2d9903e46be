#include "CEditLine.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

// Set in a handler, read and cleared on other threads: lock-free atomics, not sig_atomic_t.
static atomic_int interrupted = 0;
static atomic_int termination = 0;
static int command_pipe[2] = {-1, -1};
static int prompt_pipe[2] = {-1, -1};

static void on_signal(int signo) {
    int saved = errno;
    if (signo == SIGINT) atomic_store(&interrupted, 1);
    if (signo == SIGHUP || signo == SIGTERM) atomic_store(&termination, signo);
    char byte = (char)signo;
    // The prompt's pipe first: by the time the command pipe cancels a command and the next
    // prompt drains its pipe, this byte is there to be drained, not read as a fresh Ctrl-C.
    ssize_t ignored = write(prompt_pipe[1], &byte, 1);
    if (signo != SIGWINCH && signo != SIGCONT) ignored = write(command_pipe[1], &byte, 1);
    (void)ignored;
    errno = saved;
}

static int make_pipe(int fds[2]) {
    if (pipe(fds) != 0) return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
    }
    return 0;
}

int csignal_install(void) {
    if (command_pipe[0] >= 0) return command_pipe[0];
    if (make_pipe(command_pipe) != 0 || make_pipe(prompt_pipe) != 0) return -1;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    int signals[] = {SIGINT, SIGHUP, SIGTERM, SIGWINCH, SIGCONT};
    sigset_t handled;
    sigemptyset(&handled);
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        sigaction(signals[i], &action, NULL);
        sigaddset(&handled, signals[i]);
    }
    // A parent may start claudesh with these blocked (a thread of a runtime that blocks signals
    // spawned it): unblocked on the calling thread, the main one, which every thread made after
    // inherits, so they reach the handlers. dispatch_main() used to hide this by waiting in
    // sigsuspend with nothing blocked.
    pthread_sigmask(SIG_UNBLOCK, &handled, NULL);
    return command_pipe[0];
}

void csignal_quit(int ignore) {
    signal(SIGQUIT, ignore ? SIG_IGN : SIG_DFL);
}

void csignal_drain_prompt(void) {
    if (prompt_pipe[0] < 0) return;
    char buffer[64];
    while (read(prompt_pipe[0], buffer, sizeof buffer) > 0) {}
}

int csignal_read_byte(int fd, unsigned char *byte, void (*on_wake)(int, void *), void *data) {
    for (;;) {
        struct pollfd fds[2] = {{fd, POLLIN, 0}, {prompt_pipe[0], POLLIN, 0}};
        int ready = poll(fds, prompt_pipe[0] >= 0 ? 2 : 1, -1);
        if (ready < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (prompt_pipe[0] >= 0 && (fds[1].revents & POLLIN)) {
            unsigned char signo;
            int stop = 0;
            while (read(prompt_pipe[0], &signo, 1) == 1) {
                if (signo == SIGWINCH || signo == SIGCONT) {
                    if (on_wake) on_wake(signo, data);
                } else {
                    stop = 1;
                }
            }
            if (stop) {
                errno = EINTR;
                return -1;
            }
            continue;
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) {
            ssize_t got = read(fd, byte, 1);
            if (got == 1) return 1;
            if (got == 0) return 0;
            if (errno == EINTR || errno == EAGAIN) continue;
            return -1;
        }
    }
}

int csignal_take_interrupt(void) {
    return atomic_exchange(&interrupted, 0);
}

int csignal_termination(void) {
    return atomic_load(&termination);
}

int csignal_open_reader(int fd) {
    char *name = ttyname(fd);
    if (!name) return fd;
    int reader = open(name, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    return reader >= 0 ? reader : fd;
}

void csignal_close_reader(int reader, int fd) {
    if (reader != fd) close(reader);
}

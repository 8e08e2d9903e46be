#include "CEditLine.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted = 0;
static volatile sig_atomic_t termination = 0;
static int self_pipe[2] = {-1, -1};

static void on_signal(int signo) {
    int saved = errno;
    if (signo == SIGINT) interrupted = 1; else termination = signo;
    if (self_pipe[1] >= 0) {
        char byte = (char)signo;
        ssize_t ignored = write(self_pipe[1], &byte, 1);
        (void)ignored;
    }
    errno = saved;
}

int csignal_install(void) {
    if (self_pipe[0] >= 0) return self_pipe[0];
    if (pipe(self_pipe) != 0) return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(self_pipe[i], F_SETFD, FD_CLOEXEC);
        fcntl(self_pipe[i], F_SETFL, fcntl(self_pipe[i], F_GETFL) | O_NONBLOCK);
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; // no SA_RESTART: a read blocked at the prompt must return
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGHUP, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    return self_pipe[0];
}

int csignal_take_interrupt(void) {
    if (!interrupted) return 0;
    interrupted = 0;
    return 1;
}

int csignal_termination(void) {
    return termination;
}

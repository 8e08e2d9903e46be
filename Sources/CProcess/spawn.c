#define _GNU_SOURCE
#include "CProcess.h"
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/resource.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

int cprocess_addchdir(posix_spawn_file_actions_t *actions, const char *directory) {
    return posix_spawn_file_actions_addchdir_np(actions, directory);
}

short cprocess_spawn_setsid_flag(void) {
#ifdef POSIX_SPAWN_SETSID
    return POSIX_SPAWN_SETSID;
#else
    return 0;
#endif
}

int cprocess_syncfs(int fd) {
#ifdef __APPLE__
    (void)fd;
    errno = ENOSYS;
    return -1;
#else
    return syncfs(fd);
#endif
}

void cprocess_name_thread(const char *name) {
    char shortened[16];
    strncpy(shortened, name, sizeof shortened - 1);
    shortened[sizeof shortened - 1] = 0;
#ifdef __APPLE__
    pthread_setname_np(shortened);
#else
    pthread_setname_np(pthread_self(), shortened);
#endif
}

int cprocess_addclosefrom(posix_spawn_file_actions_t *actions, int lowest) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
#else
    (void)actions;
    (void)lowest;
    return 0;
#endif
}

int cprocess_signal_ignored(int signo) {
    struct sigaction action;
    if (sigaction(signo, NULL, &action) != 0) return 0;
    return action.sa_handler == SIG_IGN;
}

/* The signal mask and ignored signals claudesh was started with, recorded before main runs:
   by the time Swift code runs, the thread it runs on may block signals of its own. */
static sigset_t inherited_mask;
/* The standard signals only (exec hands back no others): a start-up cost of 31 sigaction calls. */
static int inherited_ignored[32];

__attribute__((constructor)) static void cprocess_record_inherited_signals(void) {
    pthread_sigmask(SIG_SETMASK, NULL, &inherited_mask);
    for (int signo = 1; signo < 32; signo++) inherited_ignored[signo] = cprocess_signal_ignored(signo);
}

void cprocess_inherited_mask(sigset_t *mask) { *mask = inherited_mask; }

int cprocess_inherited_ignored(int signo) { return signo > 0 && signo < 32 ? inherited_ignored[signo] : 0; }

/* Secrets in memory: a crash must not write them to a core file, nor may another process of the
   user read them through /proc or ptrace (Linux's dumpable flag guards both). RLIMIT_CORE's soft
   limit only, so the limit the user set comes back when the secrets are gone. */
static struct rlimit saved_core;
static int core_saved = 0;
static int dumpable_before = 1;

void cprocess_keep_out_of_core_dumps(int keep) {
    if (keep && !core_saved) {
        if (getrlimit(RLIMIT_CORE, &saved_core) != 0) return;
        core_saved = 1;
        struct rlimit none = {0, saved_core.rlim_max};
        setrlimit(RLIMIT_CORE, &none);
#ifdef __linux__
        dumpable_before = prctl(PR_GET_DUMPABLE);
        prctl(PR_SET_DUMPABLE, 0);
#endif
    } else if (!keep && core_saved) {
        setrlimit(RLIMIT_CORE, &saved_core);
        core_saved = 0;
#ifdef __linux__
        if (dumpable_before > 0) prctl(PR_SET_DUMPABLE, dumpable_before);
#endif
    }
}

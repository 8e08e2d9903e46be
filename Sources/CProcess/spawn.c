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

/* Servers are started from one thread that lives as long as claudesh: Linux sends a child's
   parent-death signal when the *thread* that started it ends, and the threads that run Swift's
   tasks come and go. */
#ifdef __linux__
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

struct contained_request {
    const char *path;
    char *const *argv;
    char *const *envp;
    int fds[3];
    const char *directory;
    int own_session;
    pid_t pid;
    int error;
    int done;
};

static pthread_mutex_t spawner_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t spawner_wake = PTHREAD_COND_INITIALIZER;
static struct contained_request *spawner_request;
static pthread_once_t spawner_once = PTHREAD_ONCE_INIT;
static pid_t spawner_parent;

/* In the child, between vfork and exec: system calls only, on the spawner thread's stack and in
   claudesh's memory (the thread waits until the exec or the _exit). Writes errno to `report` on
   failure. */
static void contained_child(struct contained_request *request, int report) {
    sigset_t all;
    sigemptyset(&all);
    for (int signo = 1; signo < NSIG; signo++) signal(signo, SIG_DFL);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) goto fail;
    if (getppid() != spawner_parent) { errno = ESRCH; goto fail; } /* claudesh is already gone */
    if (request->own_session ? setsid() < 0 : setpgid(0, 0) != 0) goto fail;
    for (int target = 0; target < 3; target++) {
        int fd = request->fds[target];
        if (fd == target) {
            if (fcntl(fd, F_SETFD, 0) != 0) goto fail;
        } else if (dup2(fd, target) < 0) goto fail;
    }
    if (request->directory && chdir(request->directory) != 0) goto fail;
    /* Every descriptor above the three but `report`, which stays open for an exec failure to be
       told through (it is close-on-exec, so a successful exec closes it). */
    int closed = report < 3
        ? syscall(SYS_close_range, 3U, ~0U, 0U) == 0
        : (report == 3 || syscall(SYS_close_range, 3U, (unsigned)report - 1, 0U) == 0)
          && syscall(SYS_close_range, (unsigned)report + 1, ~0U, 0U) == 0;
    if (!closed) {
        for (int fd = 3; fd < 65536; fd++) if (fd != report) close(fd);
    }
    pthread_sigmask(SIG_SETMASK, &all, NULL);
    execve(request->path, request->argv, request->envp);
fail:;
    int code = errno;
    while (write(report, &code, sizeof code) < 0 && errno == EINTR) {}
    _exit(127);
}

static void contained_spawn(struct contained_request *request) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) { request->error = errno; return; }
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous); /* no handler of claudesh's runs in the child */
    /* vfork, as posix_spawn does: fork copied the page tables of a process of some hundred MB
       for each server, about 2 ms, one server at a time through this thread. */
    pid_t pid = vfork();
    if (pid == 0) contained_child(request, report[1]);
    int forked = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    close(report[1]);
    if (pid < 0) { close(report[0]); request->error = forked; return; }
    int code = 0;
    ssize_t got;
    while ((got = read(report[0], &code, sizeof code)) < 0 && errno == EINTR) {}
    close(report[0]);
    if (got == sizeof code) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
        request->error = code;
        return;
    }
    request->pid = pid;
}

static void *spawner_main(void *unused) {
    (void)unused;
    cprocess_name_thread("spawner");
    pthread_mutex_lock(&spawner_lock);
    for (;;) {
        while (!spawner_request || spawner_request->done) pthread_cond_wait(&spawner_wake, &spawner_lock);
        contained_spawn(spawner_request);
        spawner_request->done = 1;
        pthread_cond_broadcast(&spawner_wake);
    }
    return NULL;
}

static int spawner_started;

static void spawner_start(void) {
    spawner_parent = getpid();
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    spawner_started = pthread_create(&thread, &attributes, spawner_main, NULL) == 0;
    pthread_attr_destroy(&attributes);
}

int cprocess_spawn_contained(pid_t *pid, const char *path, char *const argv[], char *const envp[], int input, int output, int errors, const char *directory, int own_session) {
    pthread_once(&spawner_once, spawner_start);
    if (!spawner_started) return EAGAIN;
    struct contained_request request = {path, argv, envp, {input, output, errors}, directory, own_session, 0, 0, 0};
    pthread_mutex_lock(&spawner_lock);
    while (spawner_request) pthread_cond_wait(&spawner_wake, &spawner_lock);
    spawner_request = &request;
    pthread_cond_broadcast(&spawner_wake);
    while (!request.done) pthread_cond_wait(&spawner_wake, &spawner_lock);
    spawner_request = NULL;
    pthread_cond_broadcast(&spawner_wake);
    pthread_mutex_unlock(&spawner_lock);
    if (request.error) return request.error;
    *pid = request.pid;
    return 0;
}

int cprocess_become_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1) == 0; }
#else
int cprocess_spawn_contained(pid_t *pid, const char *path, char *const argv[], char *const envp[], int input, int output, int errors, const char *directory, int own_session) {
    (void)pid; (void)path; (void)argv; (void)envp; (void)input; (void)output; (void)errors; (void)directory; (void)own_session;
    return ENOSYS;
}

int cprocess_become_subreaper(void) { return 0; }
#endif

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

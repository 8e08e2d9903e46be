#ifndef CPROCESS_H
#define CPROCESS_H

#include <spawn.h>
#include <signal.h>

/// Makes the child start in `directory` (glibc's and macOS's posix_spawn_file_actions_addchdir_np,
/// which Swift does not see on Linux because it is behind _GNU_SOURCE).
int cprocess_addchdir(posix_spawn_file_actions_t *actions, const char *directory);

/// Closes every descriptor from `lowest` up in the child (glibc's addclosefrom_np; macOS gets
/// POSIX_SPAWN_CLOEXEC_DEFAULT instead). Returns 0, or an errno.
int cprocess_addclosefrom(posix_spawn_file_actions_t *actions, int lowest);

/// posix_spawn's flag that makes the child a session leader (glibc 2.26's POSIX_SPAWN_SETSID,
/// behind _GNU_SOURCE; macOS 13's), or 0 where there is none.
short cprocess_spawn_setsid_flag(void);

/// Names the calling thread (at most 15 bytes show), for backtraces and `top -H`.
void cprocess_name_thread(const char *name);

/// Whether `signo` is set to be ignored (sigaction's handler, which Swift cannot read portably).
int cprocess_signal_ignored(int signo);

/// The signal mask of the thread that started the program, recorded before main ran.
void cprocess_inherited_mask(sigset_t *mask);

/// Whether `signo` was ignored when the program started (before main ran).
int cprocess_inherited_ignored(int signo);

/// Flushes the whole file system that `fd` is on (Linux's syncfs, behind _GNU_SOURCE; macOS has
/// none and returns -1 with ENOSYS, so callers fsync each file there).
int cprocess_syncfs(int fd);

/// Starts `path` as posix_spawn would (the three descriptors as its standard streams, the rest
/// closed, default signals, its own session or group), and on Linux with SIGKILL as its
/// parent-death signal: it ends when claudesh does, even by SIGKILL. Returns 0 or an errno
/// (ENOSYS where there is no parent-death signal: macOS).
int cprocess_spawn_contained(pid_t *pid, const char *path, char *const argv[], char *const envp[], int input, int output, int errors, const char *directory, int own_session);

/// Makes claudesh the reaper of its orphaned descendants (Linux's PR_SET_CHILD_SUBREAPER): a
/// daemon a server leaves behind becomes claudesh's child, where it can be found and ended.
/// Returns 1 on success, 0 where there is no such thing (macOS).
int cprocess_become_subreaper(void);

/// While `keep` is 1, no core file is written and (Linux) the process is not dumpable, so
/// neither a crash nor another process of the user reads the loaded secrets; 0 restores both.
void cprocess_keep_out_of_core_dumps(int keep);

#endif

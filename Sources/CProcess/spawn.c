#define _GNU_SOURCE
#include "CProcess.h"

int cprocess_addchdir(posix_spawn_file_actions_t *actions, const char *directory) {
    return posix_spawn_file_actions_addchdir_np(actions, directory);
}

#include "CLoader.h"
#include <dlfcn.h>
#include <stdio.h>

int cloader_open(cloader_library *library, const char *const *names, const char *missing) {
    for (const char *const *name = names; *name && !library->handle; name++) library->handle = dlopen(*name, RTLD_NOW | RTLD_LOCAL);
    if (!library->handle) snprintf(library->failure, sizeof library->failure, "%s", missing);
    return library->handle != NULL;
}

void *cloader_symbol(cloader_library *library, const char *name, const char *lacks) {
    void *found = dlsym(library->handle, name);
    if (!found && !library->failure[0]) snprintf(library->failure, sizeof library->failure, lacks, name);
    return found;
}

#ifndef CLOADER_H
#define CLOADER_H

/// A system library loaded with dlopen on first use (libcurl, libsqlite3, libedit), and why it
/// cannot be used when it cannot: the one way claudesh's C shims load what they do not link.
typedef struct {
    void *handle;
    char failure[256];
} cloader_library;

/// Opens the first of `names` (NULL-terminated) that loads; 0 with `missing` as the failure
/// when none does.
int cloader_open(cloader_library *library, const char *const *names, const char *missing);

/// The function `name` of the library; when it has none and nothing failed yet, the failure
/// becomes `lacks` with the name in place of its %s.
void *cloader_symbol(cloader_library *library, const char *name, const char *lacks);

#endif

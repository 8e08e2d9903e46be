#ifndef CTLS_H
#define CTLS_H

#include <stddef.h>

/// A SHA-256 context from the system's libcrypto (OpenSSL 3), loaded on first use so start-up
/// never pays for it; NULL without OpenSSL 3.
void *ctls_sha256_new(void);
void ctls_sha256_update(void *context, const void *bytes, size_t count);
/// Writes the 32-byte digest; the context is spent (free it with ctls_sha256_free).
void ctls_sha256_final(void *context, unsigned char *digest);
void ctls_sha256_free(void *context);
/// A new context in the same state as `context` (NULL if it cannot be made).
void *ctls_sha256_copy(void *context);

#endif

#ifndef CTLS_H
#define CTLS_H

#include <stddef.h>
#include <sys/types.h>

/// A TLS client session over a connected, non-blocking socket, through the system's OpenSSL 3
/// (libssl.so.3), loaded on first use so start-up never pays for it.
typedef struct ctls_session ctls_session;

/// Whether libssl could be loaded; `error` says why not.
int ctls_available(char *error, size_t error_size);

/// The handshake on `fd`, verifying the certificate chain against the system's trust store
/// (SSL_CERT_FILE and SSL_CERT_DIR are honoured) and the name against `host` (a DNS name or an
/// IP address). NULL on failure, with the reason in `error`; `verification` is set non-zero when
/// the certificate or the name was refused (trying again will not help). `timeout_ms` bounds the
/// whole handshake.
ctls_session *ctls_connect(int fd, const char *host, int timeout_ms, int *verification, char *error, size_t error_size);

/// Bytes read (0 at the end of the stream), -1 on error, -2 when `timeout_ms` passed (in all).
ssize_t ctls_read(ctls_session *session, void *buffer, size_t size, int timeout_ms);

/// Bytes written, -1 on error, -2 when `timeout_ms` passed.
ssize_t ctls_write(ctls_session *session, const void *buffer, size_t size, int timeout_ms);

void ctls_free(ctls_session *session);

/// A SHA-256 context from the system's libcrypto, loaded on first use; NULL without OpenSSL 3.
void *ctls_sha256_new(void);
void ctls_sha256_update(void *context, const void *bytes, size_t count);
/// Writes the 32-byte digest; the context is spent (free it with ctls_sha256_free).
void ctls_sha256_final(void *context, unsigned char *digest);
void ctls_sha256_free(void *context);
/// A new context in the same state as `context` (NULL if it cannot be made).
void *ctls_sha256_copy(void *context);

#endif

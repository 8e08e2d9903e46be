#include "CTLS.h"
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// The few OpenSSL 3 entry points a client needs, by name: claudesh does not link libssl, so
// a shell that never speaks https never loads it.
typedef struct ssl_ctx SSL_CTX;
typedef struct ssl SSL;
typedef struct ssl_method SSL_METHOD;
typedef struct x509_verify_param X509_VERIFY_PARAM;

static struct {
    const SSL_METHOD *(*client_method)(void);
    SSL_CTX *(*ctx_new)(const SSL_METHOD *);
    void (*ctx_free)(SSL_CTX *);
    int (*ctx_default_paths)(SSL_CTX *);
    void (*ctx_set_verify)(SSL_CTX *, int, void *);
    SSL *(*ssl_new)(SSL_CTX *);
    void (*ssl_free)(SSL *);
    int (*set_fd)(SSL *, int);
    long (*ctrl)(SSL *, int, long, void *);
    int (*set1_host)(SSL *, const char *);
    X509_VERIFY_PARAM *(*get0_param)(SSL *);
    int (*param_set1_ip_asc)(X509_VERIFY_PARAM *, const char *);
    int (*connect)(SSL *);
    int (*read)(SSL *, void *, int);
    int (*write)(SSL *, const void *, int);
    int (*get_error)(const SSL *, int);
    long (*verify_result)(const SSL *);
    const char *(*verify_string)(long);
    unsigned long (*err_get)(void);
    void (*err_string)(unsigned long, char *, size_t);
    int (*shutdown)(SSL *);
    SSL_CTX *context;
    char failure[256];
    int loaded;
} lib;

static pthread_once_t once = PTHREAD_ONCE_INIT;

#define SSL_VERIFY_PEER 0x01
#define SSL_CTRL_SET_TLSEXT_HOSTNAME 55
#define TLSEXT_NAMETYPE_host_name 0
#define SSL_ERROR_SSL 1
#define SSL_ERROR_WANT_READ 2
#define SSL_ERROR_WANT_WRITE 3
#define SSL_ERROR_SYSCALL 5
#define SSL_ERROR_ZERO_RETURN 6

static void *symbol(void *handle, const char *name) {
    void *found = dlsym(handle, name);
    if (!found && !lib.failure[0]) snprintf(lib.failure, sizeof lib.failure, "libssl lacks %s", name);
    return found;
}

static void load(void) {
    const char *names[] = {"libssl.so.3", "libssl.so", "libssl.3.dylib", "/opt/homebrew/opt/openssl@3/lib/libssl.3.dylib", "/usr/local/opt/openssl@3/lib/libssl.3.dylib"};
    void *ssl = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !ssl; i++) ssl = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!ssl) {
        snprintf(lib.failure, sizeof lib.failure, "OpenSSL 3 (libssl.so.3) is not installed: apt-get install libssl3, or brew install openssl@3");
        return;
    }
    lib.client_method = symbol(ssl, "TLS_client_method");
    lib.ctx_new = symbol(ssl, "SSL_CTX_new");
    lib.ctx_free = symbol(ssl, "SSL_CTX_free");
    lib.ctx_default_paths = symbol(ssl, "SSL_CTX_set_default_verify_paths");
    lib.ctx_set_verify = symbol(ssl, "SSL_CTX_set_verify");
    lib.ssl_new = symbol(ssl, "SSL_new");
    lib.ssl_free = symbol(ssl, "SSL_free");
    lib.set_fd = symbol(ssl, "SSL_set_fd");
    lib.ctrl = symbol(ssl, "SSL_ctrl");
    lib.set1_host = symbol(ssl, "SSL_set1_host");
    lib.get0_param = symbol(ssl, "SSL_get0_param");
    lib.connect = symbol(ssl, "SSL_connect");
    lib.read = symbol(ssl, "SSL_read");
    lib.write = symbol(ssl, "SSL_write");
    lib.get_error = symbol(ssl, "SSL_get_error");
    lib.verify_result = symbol(ssl, "SSL_get_verify_result");
    lib.shutdown = symbol(ssl, "SSL_shutdown");
    // libssl depends on libcrypto, so these resolve through it.
    lib.param_set1_ip_asc = symbol(ssl, "X509_VERIFY_PARAM_set1_ip_asc");
    lib.verify_string = symbol(ssl, "X509_verify_cert_error_string");
    lib.err_get = symbol(ssl, "ERR_get_error");
    lib.err_string = symbol(ssl, "ERR_error_string_n");
    if (lib.failure[0]) return;
    lib.context = lib.ctx_new(lib.client_method());
    if (!lib.context) {
        snprintf(lib.failure, sizeof lib.failure, "cannot create a TLS context");
        return;
    }
    lib.ctx_default_paths(lib.context);
    lib.ctx_set_verify(lib.context, SSL_VERIFY_PEER, NULL);
    lib.loaded = 1;
}

int ctls_available(char *error, size_t error_size) {
    pthread_once(&once, load);
    if (!lib.loaded && error && error_size) snprintf(error, error_size, "%s", lib.failure);
    return lib.loaded;
}

struct ctls_session {
    SSL *ssl;
    int fd;
};

static long long now_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/// Waits for what OpenSSL asked for until `deadline` (now_ms); 0 ready, -2 timed out, -1 error.
/// The deadline is absolute: a peer that trickles a byte at a time cannot stretch it.
static int wait_for(int fd, int code, long long deadline) {
    struct pollfd entry = {fd, code == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN, 0};
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0) return -2;
        int ready = poll(&entry, 1, left > 1000 ? 1000 : (int)left);
        if (ready > 0) return 0;
        if (ready < 0 && errno != EINTR) return -1;
    }
}

/// Says why the handshake failed; 1 when the certificate or the name was refused.
static int describe(ctls_session *session, int code, const char *what, char *error, size_t size) {
    long verify = lib.verify_result(session->ssl);
    if (verify == 62 || verify == 64) { // X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH
        snprintf(error, size, "the server's certificate is for another name than the URL's host: %s", lib.verify_string(verify));
        return 1;
    }
    if (verify != 0) {
        snprintf(error, size, "the server's certificate is not trusted: %s (a private CA? point SSL_CERT_FILE at it)", lib.verify_string(verify));
        return 1;
    }
    unsigned long detail = lib.err_get();
    if (detail) {
        char text[200];
        lib.err_string(detail, text, sizeof text);
        snprintf(error, size, "TLS %s failed: %s", what, text);
    } else if (code == SSL_ERROR_SYSCALL) {
        snprintf(error, size, "TLS %s failed: the connection was closed", what);
    } else {
        snprintf(error, size, "TLS %s failed (OpenSSL error %d)", what, code);
    }
    return 0;
}

ctls_session *ctls_connect(int fd, const char *host, int timeout_ms, int *verification, char *error, size_t error_size) {
    *verification = 0;
    if (!ctls_available(error, error_size)) { *verification = 1; return NULL; }
    long long deadline = now_ms() + timeout_ms;
    while (lib.err_get()) {} // this thread's leftovers
    ctls_session *session = calloc(1, sizeof *session);
    if (!session) { snprintf(error, error_size, "out of memory"); return NULL; }
    session->fd = fd;
    session->ssl = lib.ssl_new(lib.context);
    if (!session->ssl) { free(session); snprintf(error, error_size, "cannot create a TLS session"); return NULL; }
    lib.set_fd(session->ssl, fd);
    // The name to check must be set, or any certificate from a trusted CA would pass: fail closed.
    int is_address = strchr(host, ':') != NULL || strspn(host, "0123456789.") == strlen(host);
    int named = is_address
        ? lib.param_set1_ip_asc(lib.get0_param(session->ssl), host)
        : lib.set1_host(session->ssl, host);
    if (named != 1) {
        snprintf(error, error_size, "cannot check a certificate against the host '%s': write the host as a name or a plain IP address", host);
        *verification = 1;
        ctls_free(session);
        return NULL;
    }
    if (!is_address) lib.ctrl(session->ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, (void *)host);
    for (;;) {
        int result = lib.connect(session->ssl);
        if (result == 1) return session;
        int code = lib.get_error(session->ssl, result);
        if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) {
            int waited = wait_for(fd, code, deadline);
            if (waited == 0) continue;
            snprintf(error, error_size, waited == -2 ? "the TLS handshake timed out" : "the TLS handshake failed: %s", strerror(errno));
        } else {
            *verification = describe(session, code, "handshake", error, error_size);
        }
        ctls_free(session);
        return NULL;
    }
}

ssize_t ctls_read(ctls_session *session, void *buffer, size_t size, int timeout_ms) {
    long long deadline = now_ms() + timeout_ms;
    for (;;) {
        errno = 0;
        int result = lib.read(session->ssl, buffer, size > 1 << 30 ? 1 << 30 : (int)size);
        if (result > 0) return result;
        int code = lib.get_error(session->ssl, result);
        if (code == SSL_ERROR_ZERO_RETURN) return 0;
        if (code == SSL_ERROR_SYSCALL && errno == 0) return 0; // closed without close_notify, as many servers do
        if (code != SSL_ERROR_WANT_READ && code != SSL_ERROR_WANT_WRITE) return -1;
        int waited = wait_for(session->fd, code, deadline);
        if (waited != 0) return waited;
    }
}

ssize_t ctls_write(ctls_session *session, const void *buffer, size_t size, int timeout_ms) {
    long long deadline = now_ms() + timeout_ms;
    for (;;) {
        int result = lib.write(session->ssl, buffer, size > 1 << 30 ? 1 << 30 : (int)size);
        if (result > 0) return result;
        int code = lib.get_error(session->ssl, result);
        if (code != SSL_ERROR_WANT_READ && code != SSL_ERROR_WANT_WRITE) return -1;
        int waited = wait_for(session->fd, code, deadline);
        if (waited != 0) return waited;
    }
}

void ctls_free(ctls_session *session) {
    if (!session) return;
    lib.ssl_free(session->ssl);
    free(session);
}

#include "CTLS.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

// SHA-256 from the system's libcrypto (OpenSSL 3), loaded on first use: it uses the
// CPU's SHA instructions, several times faster than portable code, which backups notice.
typedef struct evp_md_ctx EVP_MD_CTX;
typedef struct evp_md EVP_MD;

static struct {
    EVP_MD_CTX *(*ctx_new)(void);
    void (*ctx_free)(EVP_MD_CTX *);
    const EVP_MD *(*sha256)(void);
    int (*init)(EVP_MD_CTX *, const EVP_MD *, void *);
    int (*update)(EVP_MD_CTX *, const void *, size_t);
    int (*final)(EVP_MD_CTX *, unsigned char *, unsigned int *);
    int (*copy)(EVP_MD_CTX *, const EVP_MD_CTX *);
    int loaded;
} crypto;

static pthread_once_t crypto_once = PTHREAD_ONCE_INIT;

static void load_crypto(void) {
    const char *names[] = {"libcrypto.so.3", "libcrypto.so", "libcrypto.3.dylib", "/opt/homebrew/opt/openssl@3/lib/libcrypto.3.dylib", "/usr/local/opt/openssl@3/lib/libcrypto.3.dylib"};
    void *handle = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !handle; i++) handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!handle) return;
    crypto.ctx_new = dlsym(handle, "EVP_MD_CTX_new");
    crypto.ctx_free = dlsym(handle, "EVP_MD_CTX_free");
    crypto.sha256 = dlsym(handle, "EVP_sha256");
    crypto.init = dlsym(handle, "EVP_DigestInit_ex");
    crypto.update = dlsym(handle, "EVP_DigestUpdate");
    crypto.final = dlsym(handle, "EVP_DigestFinal_ex");
    crypto.copy = dlsym(handle, "EVP_MD_CTX_copy_ex");
    crypto.loaded = crypto.ctx_new && crypto.ctx_free && crypto.sha256 && crypto.init && crypto.update && crypto.final && crypto.copy;
}

void *ctls_sha256_new(void) {
    pthread_once(&crypto_once, load_crypto);
    if (!crypto.loaded) return NULL;
    EVP_MD_CTX *context = crypto.ctx_new();
    if (context && crypto.init(context, crypto.sha256(), NULL) != 1) {
        crypto.ctx_free(context);
        return NULL;
    }
    return context;
}

void ctls_sha256_update(void *context, const void *bytes, size_t count) {
    crypto.update((EVP_MD_CTX *)context, bytes, count);
}

void ctls_sha256_final(void *context, unsigned char *digest) {
    unsigned int length = 0;
    crypto.final((EVP_MD_CTX *)context, digest, &length);
}

void *ctls_sha256_copy(void *context) {
    EVP_MD_CTX *copy = crypto.ctx_new();
    if (copy && crypto.copy(copy, (EVP_MD_CTX *)context) != 1) {
        crypto.ctx_free(copy);
        return NULL;
    }
    return copy;
}

void ctls_sha256_free(void *context) {
    if (context) crypto.ctx_free((EVP_MD_CTX *)context);
}

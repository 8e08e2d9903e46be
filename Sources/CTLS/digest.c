#include "CTLS.h"
#include "CLoader.h"
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
static cloader_library libcrypto;
#define LACKS "the system's libcrypto lacks %s"

static void load_crypto(void) {
    const char *names[] = {"libcrypto.so.3", "libcrypto.so", "libcrypto.3.dylib", "/opt/homebrew/opt/openssl@3/lib/libcrypto.3.dylib", "/usr/local/opt/openssl@3/lib/libcrypto.3.dylib", NULL};
    if (!cloader_open(&libcrypto, names, "libcrypto (libcrypto.so.3) is not installed: apt-get install libssl3")) return;
    crypto.ctx_new = cloader_symbol(&libcrypto, "EVP_MD_CTX_new", LACKS);
    crypto.ctx_free = cloader_symbol(&libcrypto, "EVP_MD_CTX_free", LACKS);
    crypto.sha256 = cloader_symbol(&libcrypto, "EVP_sha256", LACKS);
    crypto.init = cloader_symbol(&libcrypto, "EVP_DigestInit_ex", LACKS);
    crypto.update = cloader_symbol(&libcrypto, "EVP_DigestUpdate", LACKS);
    crypto.final = cloader_symbol(&libcrypto, "EVP_DigestFinal_ex", LACKS);
    crypto.copy = cloader_symbol(&libcrypto, "EVP_MD_CTX_copy_ex", LACKS);
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

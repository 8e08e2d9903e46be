#include "CCurl.h"
#include "CLoader.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

// libcurl's own shapes, as curl.h and multi.h declare them: claudesh does not link libcurl.
#define CURL_GLOBAL_ALL 3L
#define CURLMSG_DONE 1
#define CURLSHOPT_SHARE 1
#define CURLSHOPT_LOCKFUNC 3
#define CURLSHOPT_UNLOCKFUNC 4
#define CURLSHOPT_USERDATA 5
#define CURL_LOCK_DATA_DNS 3
#define CURL_LOCK_DATA_SSL_SESSION 4
#define CURL_LOCK_DATA_CONNECT 5
#define CURLOPT_SHARE 10100
#define LOCK_SLOTS 16 // above CURL_LOCK_DATA_LAST of every libcurl so far

typedef struct {
    int msg;
    void *easy_handle;
    union {
        void *whatever;
        int result;
    } data;
} CURLMsg;

typedef void (*lock_function)(void *handle, int data, int access, void *context);
typedef void (*unlock_function)(void *handle, int data, void *context);

static struct {
    int (*global_init)(long);
    char *(*version)(void);
    void *(*easy_init)(void);
    void (*easy_cleanup)(void *);
    int (*easy_setopt)(void *, int, ...);
    int (*easy_getinfo)(void *, int, ...);
    int (*easy_perform)(void *);
    const char *(*easy_strerror)(int);
    void *(*slist_append)(void *, const char *);
    void (*slist_free_all)(void *);
    void *(*multi_init)(void);
    int (*multi_cleanup)(void *);
    int (*multi_add_handle)(void *, void *);
    int (*multi_remove_handle)(void *, void *);
    int (*multi_perform)(void *, int *);
    int (*multi_poll)(void *, void *, unsigned int, int, int *);
    int (*multi_wakeup)(void *);
    CURLMsg *(*multi_info_read)(void *, int *);
    const char *(*multi_strerror)(int);
    void *(*share_init)(void);
    int (*share_setopt)(void *, int, ...);
    int (*share_cleanup)(void *);
    int loaded;
} lib;

static cloader_library library;
// curl_multi_poll came in 7.66 and curl_multi_wakeup in 7.68.
#define LACKS "the system's libcurl lacks %s: libcurl 7.68 or later is needed"

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
    const char *names[] = {"libcurl.so.4", "/usr/lib/libcurl.4.dylib", "libcurl.4.dylib", NULL};
    if (!cloader_open(&library, names, "libcurl (libcurl.so.4) is not installed: apt-get install libcurl4")) return;
    lib.global_init = cloader_symbol(&library, "curl_global_init", LACKS);
    lib.version = cloader_symbol(&library, "curl_version", LACKS);
    lib.easy_init = cloader_symbol(&library, "curl_easy_init", LACKS);
    lib.easy_cleanup = cloader_symbol(&library, "curl_easy_cleanup", LACKS);
    lib.easy_setopt = cloader_symbol(&library, "curl_easy_setopt", LACKS);
    lib.easy_getinfo = cloader_symbol(&library, "curl_easy_getinfo", LACKS);
    lib.easy_perform = cloader_symbol(&library, "curl_easy_perform", LACKS);
    lib.easy_strerror = cloader_symbol(&library, "curl_easy_strerror", LACKS);
    lib.slist_append = cloader_symbol(&library, "curl_slist_append", LACKS);
    lib.slist_free_all = cloader_symbol(&library, "curl_slist_free_all", LACKS);
    lib.multi_init = cloader_symbol(&library, "curl_multi_init", LACKS);
    lib.multi_cleanup = cloader_symbol(&library, "curl_multi_cleanup", LACKS);
    lib.multi_add_handle = cloader_symbol(&library, "curl_multi_add_handle", LACKS);
    lib.multi_remove_handle = cloader_symbol(&library, "curl_multi_remove_handle", LACKS);
    lib.multi_perform = cloader_symbol(&library, "curl_multi_perform", LACKS);
    lib.multi_poll = cloader_symbol(&library, "curl_multi_poll", LACKS);
    lib.multi_wakeup = cloader_symbol(&library, "curl_multi_wakeup", LACKS);
    lib.multi_info_read = cloader_symbol(&library, "curl_multi_info_read", LACKS);
    lib.multi_strerror = cloader_symbol(&library, "curl_multi_strerror", LACKS);
    lib.share_init = cloader_symbol(&library, "curl_share_init", LACKS);
    lib.share_setopt = cloader_symbol(&library, "curl_share_setopt", LACKS);
    lib.share_cleanup = cloader_symbol(&library, "curl_share_cleanup", LACKS);
    if (library.failure[0]) return;
    // Once, before any transfer, as libcurl asks; pthread_once keeps other threads out meanwhile.
    int code = lib.global_init(CURL_GLOBAL_ALL);
    if (code != 0) {
        snprintf(library.failure, sizeof library.failure, "libcurl could not start: %s", lib.easy_strerror(code));
        return;
    }
    lib.loaded = 1;
}

int ccurl_load(char *error, size_t error_size) {
    pthread_once(&once, load);
    if (!lib.loaded && error && error_size) snprintf(error, error_size, "%s", library.failure);
    return lib.loaded;
}

const char *ccurl_version(void) { return lib.loaded ? lib.version() : NULL; }

ccurl_easy *ccurl_easy_init(void) { return lib.easy_init(); }
void ccurl_easy_cleanup(ccurl_easy *easy) { lib.easy_cleanup(easy); }

int ccurl_easy_setopt_long(ccurl_easy *easy, int option, long value) { return lib.easy_setopt(easy, option, value); }
int ccurl_easy_setopt_pointer(ccurl_easy *easy, int option, const void *value) { return lib.easy_setopt(easy, option, value); }
int ccurl_easy_setopt_offset(ccurl_easy *easy, int option, long long value) { return lib.easy_setopt(easy, option, (long long)value); }
int ccurl_easy_setopt_callback(ccurl_easy *easy, int option, ccurl_data_callback callback) { return lib.easy_setopt(easy, option, callback); }

int ccurl_easy_getinfo_long(ccurl_easy *easy, int info, long *value) { return lib.easy_getinfo(easy, info, value); }
int ccurl_easy_getinfo_string(ccurl_easy *easy, int info, const char **value) { return lib.easy_getinfo(easy, info, value); }
int ccurl_easy_getinfo_offset(ccurl_easy *easy, int info, long long *value) { return lib.easy_getinfo(easy, info, value); }
const char *ccurl_easy_strerror(int code) { return lib.easy_strerror(code); }

int ccurl_easy_perform(ccurl_easy *easy) { return lib.easy_perform(easy); }

ccurl_slist *ccurl_slist_append(ccurl_slist *list, const char *line) { return lib.slist_append(list, line); }
void ccurl_slist_free_all(ccurl_slist *list) { if (list) lib.slist_free_all(list); }

ccurl_multi *ccurl_multi_init(void) { return lib.multi_init(); }
void ccurl_multi_cleanup(ccurl_multi *multi) { lib.multi_cleanup(multi); }
int ccurl_multi_add_handle(ccurl_multi *multi, ccurl_easy *easy) { return lib.multi_add_handle(multi, easy); }
int ccurl_multi_remove_handle(ccurl_multi *multi, ccurl_easy *easy) { return lib.multi_remove_handle(multi, easy); }
int ccurl_multi_perform(ccurl_multi *multi, int *running) { return lib.multi_perform(multi, running); }

int ccurl_multi_poll(ccurl_multi *multi, int timeout_ms) {
    int ready = 0;
    return lib.multi_poll(multi, NULL, 0, timeout_ms, &ready);
}

int ccurl_multi_wakeup(ccurl_multi *multi) { return lib.multi_wakeup(multi); }

int ccurl_multi_done(ccurl_multi *multi, int *result) {
    int left = 0;
    CURLMsg *message;
    while ((message = lib.multi_info_read(multi, &left))) {
        if (message->msg == CURLMSG_DONE) {
            *result = message->data.result;
            return 1;
        }
    }
    return 0;
}

const char *ccurl_multi_strerror(int code) { return lib.multi_strerror(code); }

struct ccurl_share {
    void *handle;
    pthread_mutex_t locks[LOCK_SLOTS];
};

static void share_lock(void *handle, int data, int access, void *context) {
    (void)handle;
    (void)access;
    struct ccurl_share *share = context;
    pthread_mutex_lock(&share->locks[data >= 0 && data < LOCK_SLOTS ? data : 0]);
}

static void share_unlock(void *handle, int data, void *context) {
    (void)handle;
    struct ccurl_share *share = context;
    pthread_mutex_unlock(&share->locks[data >= 0 && data < LOCK_SLOTS ? data : 0]);
}

ccurl_share *ccurl_share_new(void) {
    struct ccurl_share *share = calloc(1, sizeof *share);
    if (!share) return NULL;
    share->handle = lib.share_init();
    if (!share->handle) {
        free(share);
        return NULL;
    }
    for (int i = 0; i < LOCK_SLOTS; i++) pthread_mutex_init(&share->locks[i], NULL);
    lib.share_setopt(share->handle, CURLSHOPT_LOCKFUNC, (lock_function)share_lock);
    lib.share_setopt(share->handle, CURLSHOPT_UNLOCKFUNC, (unlock_function)share_unlock);
    lib.share_setopt(share->handle, CURLSHOPT_USERDATA, (void *)share);
    // The connection cache is what keep-alive needs; DNS answers and TLS sessions come along.
    lib.share_setopt(share->handle, CURLSHOPT_SHARE, (int)CURL_LOCK_DATA_CONNECT);
    lib.share_setopt(share->handle, CURLSHOPT_SHARE, (int)CURL_LOCK_DATA_DNS);
    lib.share_setopt(share->handle, CURLSHOPT_SHARE, (int)CURL_LOCK_DATA_SSL_SESSION);
    return share;
}

void ccurl_share_free(ccurl_share *share) {
    if (!share) return;
    lib.share_cleanup(share->handle); // closes the connections it kept
    for (int i = 0; i < LOCK_SLOTS; i++) pthread_mutex_destroy(&share->locks[i]);
    free(share);
}

int ccurl_easy_setopt_share(ccurl_easy *easy, ccurl_share *share) {
    return lib.easy_setopt(easy, CURLOPT_SHARE, share ? share->handle : NULL);
}

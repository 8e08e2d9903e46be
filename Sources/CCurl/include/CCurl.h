#ifndef CCURL_H
#define CCURL_H

#include <stddef.h>

/// The system's libcurl (Debian's libcurl4, macOS's /usr/lib/libcurl.4.dylib), loaded with dlopen
/// on the first request so that a command that makes none never pays for it. claudesh declares the
/// few types and constants it uses itself and needs no curl headers to build. libcurl's variadic
/// curl_easy_setopt, curl_easy_getinfo and curl_share_setopt, which Swift cannot call, are
/// wrapped in typed functions.

typedef struct ccurl_easy ccurl_easy;   // CURL
typedef struct ccurl_multi ccurl_multi; // CURLM
typedef struct ccurl_share ccurl_share; // a CURLSH with the locks it needs across threads
typedef struct ccurl_slist ccurl_slist; // struct curl_slist

/// Loads libcurl once (later calls are free); 1 when it can be used, else 0 with the reason in
/// `error`.
int ccurl_load(char *error, size_t error_size);
/// libcurl's version line ("libcurl/7.88.1 OpenSSL/3.0.x ... nghttp2/1.52.0"); NULL before a load.
const char *ccurl_version(void);

// curl_easy_setopt's options (curl.h: CURLOPTTYPE_LONG 0, OBJECTPOINT 10000, FUNCTIONPOINT
// 20000, OFF_T 30000, plus the option's number).
#define CCURLOPT_WRITEDATA 10001
#define CCURLOPT_URL 10002
#define CCURLOPT_ERRORBUFFER 10010
#define CCURLOPT_WRITEFUNCTION 20011
#define CCURLOPT_USERAGENT 10018
#define CCURLOPT_HTTPHEADER 10023
#define CCURLOPT_HEADERDATA 10029
#define CCURLOPT_CUSTOMREQUEST 10036
#define CCURLOPT_NOBODY 44
#define CCURLOPT_POST 47
#define CCURLOPT_FOLLOWLOCATION 52
#define CCURLOPT_SSL_VERIFYPEER 64
#define CCURLOPT_CAINFO 10065
#define CCURLOPT_HEADERFUNCTION 20079
#define CCURLOPT_HTTPGET 80
#define CCURLOPT_SSL_VERIFYHOST 81
#define CCURLOPT_HTTP_VERSION 84
#define CCURLOPT_CAPATH 10097
#define CCURLOPT_NOSIGNAL 99
#define CCURLOPT_POSTFIELDSIZE_LARGE 30120
#define CCURLOPT_COPYPOSTFIELDS 10165
#define CCURLOPT_SUPPRESS_CONNECT_HEADERS 265
// For SMTP (claudesh's alert emails).
#define CCURLOPT_READDATA 10009
#define CCURLOPT_READFUNCTION 20012
#define CCURLOPT_TIMEOUT 13
#define CCURLOPT_UPLOAD 46
#define CCURLOPT_CONNECTTIMEOUT 78
#define CCURLOPT_USE_SSL 119
#define CCURLOPT_USERNAME 10173
#define CCURLOPT_PASSWORD 10174
#define CCURLOPT_MAIL_FROM 10186
#define CCURLOPT_MAIL_RCPT 10187

// CURLOPT_USE_SSL: TLS (STARTTLS for SMTP) or the transfer fails.
#define CCURLUSESSL_ALL 3

// CURLOPT_HTTP_VERSION: HTTP/2 over TLS when the server offers it (ALPN), HTTP/1.1 otherwise.
#define CCURL_HTTP_VERSION_2TLS 4

// curl_easy_getinfo's items (CURLINFO_STRING 0x100000, LONG 0x200000, OFF_T 0x600000).
#define CCURLINFO_EFFECTIVE_URL 0x100001
#define CCURLINFO_RESPONSE_CODE 0x200002
#define CCURLINFO_SSL_VERIFYRESULT 0x20000D
#define CCURLINFO_OS_ERRNO 0x200019
#define CCURLINFO_NUM_CONNECTS 0x20001A
#define CCURLINFO_HTTP_VERSION 0x20002E
#define CCURLINFO_CONNECT_TIME_T 0x600034

// CURLcode values that claudesh tells apart.
#define CCURLE_OK 0
#define CCURLE_UNSUPPORTED_PROTOCOL 1
#define CCURLE_URL_MALFORMAT 3
#define CCURLE_COULDNT_RESOLVE_PROXY 5
#define CCURLE_COULDNT_RESOLVE_HOST 6
#define CCURLE_COULDNT_CONNECT 7
#define CCURLE_WEIRD_SERVER_REPLY 8
#define CCURLE_PARTIAL_FILE 18
#define CCURLE_WRITE_ERROR 23
#define CCURLE_OPERATION_TIMEDOUT 28
#define CCURLE_SSL_CONNECT_ERROR 35
#define CCURLE_GOT_NOTHING 52
#define CCURLE_SEND_ERROR 55
#define CCURLE_RECV_ERROR 56
#define CCURLE_SSL_CERTPROBLEM 58
#define CCURLE_PEER_FAILED_VERIFICATION 60
#define CCURLE_SSL_CACERT_BADFILE 77
#define CCURLE_SSL_ISSUER_ERROR 83
#define CCURLE_SSL_PINNEDPUBKEYNOTMATCH 90
#define CCURLE_SSL_INVALIDCERTSTATUS 91

/// CURL_ERROR_SIZE: what CCURLOPT_ERRORBUFFER must hold.
#define CCURL_ERROR_SIZE 256

/// A write or header callback: `count` bytes at `data` (curl's size is always 1 for these).
typedef size_t (*ccurl_data_callback)(char *data, size_t size, size_t count, void *context);

ccurl_easy *ccurl_easy_init(void);
void ccurl_easy_cleanup(ccurl_easy *easy);
/// Each returns the CURLcode of curl_easy_setopt.
int ccurl_easy_setopt_long(ccurl_easy *easy, int option, long value);
int ccurl_easy_setopt_pointer(ccurl_easy *easy, int option, const void *value);
int ccurl_easy_setopt_offset(ccurl_easy *easy, int option, long long value);
int ccurl_easy_setopt_callback(ccurl_easy *easy, int option, ccurl_data_callback callback);
/// CURLOPT_SHARE with `share`'s handle.
int ccurl_easy_setopt_share(ccurl_easy *easy, ccurl_share *share);
/// Each returns the CURLcode of curl_easy_getinfo.
int ccurl_easy_getinfo_long(ccurl_easy *easy, int info, long *value);
int ccurl_easy_getinfo_string(ccurl_easy *easy, int info, const char **value);
int ccurl_easy_getinfo_offset(ccurl_easy *easy, int info, long long *value);
const char *ccurl_easy_strerror(int code);
/// curl_easy_perform: the whole transfer, blocking; its CURLcode.
int ccurl_easy_perform(ccurl_easy *easy);

ccurl_slist *ccurl_slist_append(ccurl_slist *list, const char *line);
void ccurl_slist_free_all(ccurl_slist *list);

ccurl_multi *ccurl_multi_init(void);
void ccurl_multi_cleanup(ccurl_multi *multi);
/// Each returns the CURLMcode.
int ccurl_multi_add_handle(ccurl_multi *multi, ccurl_easy *easy);
int ccurl_multi_remove_handle(ccurl_multi *multi, ccurl_easy *easy);
int ccurl_multi_perform(ccurl_multi *multi, int *running);
/// Waits up to `timeout_ms` for the transfers' sockets, or for ccurl_multi_wakeup.
int ccurl_multi_poll(ccurl_multi *multi, int timeout_ms);
/// Ends a ccurl_multi_poll at once; safe from any thread while `multi` exists.
int ccurl_multi_wakeup(ccurl_multi *multi);
/// 1 when a transfer of `multi` finished (its CURLcode in `result`), 0 when none has yet.
int ccurl_multi_done(ccurl_multi *multi, int *result);
const char *ccurl_multi_strerror(int code);

/// A share handle for the connection cache, DNS cache and TLS sessions, each guarded by a mutex
/// of its own so that transfers on several threads can use it; NULL if it cannot be made.
ccurl_share *ccurl_share_new(void);
/// Frees it once no easy handle uses it any more.
void ccurl_share_free(ccurl_share *share);

#endif

#ifndef CMICROHTTPD_H
#define CMICROHTTPD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <microhttpd.h>

/// The gateway's HTTP listener on GNU libmicrohttpd (Debian's libmicrohttpd12, Homebrew's
/// libmicrohttpd), loaded with dlopen when `gateway --listen` starts: no other command pays for
/// an HTTP server. A thread per connection reads each request, asks the head callback whether it
/// may go on before a byte of its body is kept, reads the body up to a limit, and hands the
/// whole request to the body callback, which may block that thread until the answer is ready.

/// One request as the callbacks see it. The strings live until the callback returns.
typedef struct {
    const char *method;
    /// The path, without the query.
    const char *path;
    const char *origin;
    const char *host;
    const char *authorization;
    const char *mcp_method;
    /// The Content-Length the client gave, -1 when it gave none.
    long long content_length;
    /// The connection's socket: watched for the client hanging up while its answer is made.
    int fd;
} cmhd_request;

/// The answer to a request: set with `cmhd_answer_set` and `cmhd_answer_header`.
typedef struct cmhd_answer cmhd_answer;

/// Sets the status and the body (copied), and whether the connection closes after it.
void cmhd_answer_set(cmhd_answer *answer, unsigned int status, const uint8_t *body, size_t length, const char *content_type, int close);
/// Adds a header (copied); at most four.
void cmhd_answer_header(cmhd_answer *answer, const char *name, const char *value);

/// At a request's head: 1 when `answer` was set (the request is answered now, its body never
/// read), 0 to read the body.
typedef int (*cmhd_head_callback)(void *context, const cmhd_request *request, cmhd_answer *answer);
/// A whole request, its body over the limit when `too_large` (then not kept). An answer left
/// unset closes the connection without one (its client left).
typedef void (*cmhd_body_callback)(void *context, const cmhd_request *request, const uint8_t *body, size_t length, int too_large, cmhd_answer *answer);

/// Loads libmicrohttpd once (later calls are free); 1 when it can be used, else 0 with the
/// reason in `error`.
int cmhd_load(char *error, size_t error_size);

/// A listening gateway: its socket, its daemon and its callbacks.
typedef struct cmhd_listener cmhd_listener;

/// Listens on `address` (IPv4 or IPv6): a thread per connection, at most `connection_limit`
/// connections, each closed after `idle_seconds` without a byte. NULL with the reason in
/// `error` when it cannot.
cmhd_listener *cmhd_start(const struct sockaddr *address, socklen_t address_length, size_t body_limit, unsigned int connection_limit,
                          unsigned int idle_seconds, cmhd_head_callback head, cmhd_body_callback body, void *context,
                          char *error, size_t error_size);

/// The port it listens on (the one picked when 0 was asked for).
int cmhd_port(const cmhd_listener *listener);

/// Stops listening, waits for every connection's thread to end, and frees the listener.
void cmhd_stop(cmhd_listener *listener);

#endif

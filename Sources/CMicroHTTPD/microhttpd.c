#include "CMicroHTTPD.h"
#include "CLoader.h"
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// Each pointer has the type microhttpd.h declares for the function, so a wrong signature does
// not compile.
static struct {
    __typeof__(MHD_start_daemon) *start_daemon;
    __typeof__(MHD_stop_daemon) *stop_daemon;
    __typeof__(MHD_lookup_connection_value) *lookup_connection_value;
    __typeof__(MHD_get_connection_info) *get_connection_info;
    __typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
    __typeof__(MHD_add_response_header) *add_response_header;
    __typeof__(MHD_queue_response) *queue_response;
    __typeof__(MHD_destroy_response) *destroy_response;
} lib;

static cloader_library library;

static pthread_once_t once = PTHREAD_ONCE_INIT;

#define LACKS "the system's libmicrohttpd lacks %s"

static void load(void) {
    const char *names[] = {"libmicrohttpd.so.12", "libmicrohttpd.12.dylib", "/opt/homebrew/lib/libmicrohttpd.12.dylib",
                           "/usr/local/lib/libmicrohttpd.12.dylib", NULL};
    if (!cloader_open(&library, names,
                      "GNU libmicrohttpd (libmicrohttpd.so.12) is not installed, and the gateway's listener needs it: "
                      "apt-get install libmicrohttpd12 (macOS: brew install libmicrohttpd)")) return;
    lib.start_daemon = cloader_symbol(&library, "MHD_start_daemon", LACKS);
    lib.stop_daemon = cloader_symbol(&library, "MHD_stop_daemon", LACKS);
    lib.lookup_connection_value = cloader_symbol(&library, "MHD_lookup_connection_value", LACKS);
    lib.get_connection_info = cloader_symbol(&library, "MHD_get_connection_info", LACKS);
    lib.create_response_from_buffer = cloader_symbol(&library, "MHD_create_response_from_buffer", LACKS);
    lib.add_response_header = cloader_symbol(&library, "MHD_add_response_header", LACKS);
    lib.queue_response = cloader_symbol(&library, "MHD_queue_response", LACKS);
    lib.destroy_response = cloader_symbol(&library, "MHD_destroy_response", LACKS);
}

int cmhd_load(char *error, size_t error_size) {
    pthread_once(&once, load);
    if (library.failure[0] == 0) return 1;
    snprintf(error, error_size, "%s", library.failure);
    return 0;
}

#define HEADER_LIMIT 4

struct cmhd_answer {
    unsigned int status;
    uint8_t *body;
    size_t length;
    char *content_type;
    int close;
    char *names[HEADER_LIMIT];
    char *values[HEADER_LIMIT];
    int headers;
};

void cmhd_answer_set(cmhd_answer *answer, unsigned int status, const uint8_t *body, size_t length, const char *content_type, int close) {
    answer->status = status;
    free(answer->body);
    answer->body = NULL;
    answer->length = 0;
    if (length > 0 && (answer->body = malloc(length)) != NULL) {
        memcpy(answer->body, body, length);
        answer->length = length;
    }
    free(answer->content_type);
    answer->content_type = content_type ? strdup(content_type) : NULL;
    answer->close = close;
}

void cmhd_answer_header(cmhd_answer *answer, const char *name, const char *value) {
    if (answer->headers >= HEADER_LIMIT) return;
    answer->names[answer->headers] = strdup(name);
    answer->values[answer->headers] = strdup(value);
    answer->headers++;
}

static void answer_free(cmhd_answer *answer) {
    free(answer->body);
    free(answer->content_type);
    for (int index = 0; index < answer->headers; index++) {
        free(answer->names[index]);
        free(answer->values[index]);
    }
}

/// Queues `answer` on `connection` (libmicrohttpd takes the body and frees it).
static enum MHD_Result send_answer(struct MHD_Connection *connection, cmhd_answer *answer) {
    struct MHD_Response *response = answer->length > 0
        ? lib.create_response_from_buffer(answer->length, answer->body, MHD_RESPMEM_MUST_FREE)
        : lib.create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (response != NULL && answer->length > 0) answer->body = NULL; // the response's now
    enum MHD_Result result = MHD_NO;
    if (response != NULL) {
        if (answer->content_type != NULL) lib.add_response_header(response, "Content-Type", answer->content_type);
        for (int index = 0; index < answer->headers; index++) lib.add_response_header(response, answer->names[index], answer->values[index]);
        if (answer->close) lib.add_response_header(response, "Connection", "close");
        result = lib.queue_response(connection, answer->status, response);
        lib.destroy_response(response);
    }
    answer_free(answer);
    return result;
}

struct cmhd_listener {
    struct MHD_Daemon *daemon;
    int socket;
    int port;
    size_t body_limit;
    cmhd_head_callback head;
    cmhd_body_callback body;
    void *context;
};

/// One request's state, from its head to its end.
typedef struct {
    cmhd_request request;
    char *path;
    int answered;
    int too_large;
    uint8_t *body;
    size_t length;
    size_t capacity;
} pending;

static const char *header(struct MHD_Connection *connection, const char *name) {
    return lib.lookup_connection_value(connection, MHD_HEADER_KIND, name);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size, void **state) {
    (void)version;
    cmhd_listener *listener = cls;
    pending *request = *state;
    if (request == NULL) {
        // The head: decided on before a byte of the body is kept.
        if ((request = calloc(1, sizeof *request)) == NULL) return MHD_NO;
        *state = request;
        if ((request->path = strndup(url, strcspn(url, "?"))) == NULL) return MHD_NO;
        request->request.method = method;
        request->request.path = request->path;
        request->request.origin = header(connection, "Origin");
        request->request.host = header(connection, "Host");
        request->request.authorization = header(connection, "Authorization");
        request->request.mcp_method = header(connection, "Mcp-Method");
        const char *length = header(connection, "Content-Length");
        request->request.content_length = length ? strtoll(length, NULL, 10) : -1;
        const union MHD_ConnectionInfo *info = lib.get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
        request->request.fd = info ? info->connect_fd : -1;
        cmhd_answer answer = {0};
        if (listener->head(listener->context, &request->request, &answer)) {
            request->answered = 1;
            return send_answer(connection, &answer);
        }
        answer_free(&answer);
        return MHD_YES;
    }
    if (request->answered) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t count = *upload_data_size;
        *upload_data_size = 0;
        if (request->too_large) return MHD_YES;
        if (count > listener->body_limit - request->length) {
            // Over the limit: what came is dropped, the rest read and dropped, 413 at the end.
            request->too_large = 1;
            free(request->body);
            request->body = NULL;
            request->length = request->capacity = 0;
            return MHD_YES;
        }
        if (request->length + count > request->capacity) {
            size_t capacity = request->capacity ? request->capacity : 4096;
            while (capacity < request->length + count) capacity *= 2;
            uint8_t *grown = realloc(request->body, capacity);
            if (grown == NULL) return MHD_NO;
            request->body = grown;
            request->capacity = capacity;
        }
        memcpy(request->body + request->length, upload_data, count);
        request->length += count;
        return MHD_YES;
    }
    cmhd_answer answer = {0};
    listener->body(listener->context, &request->request, request->body, request->length, request->too_large, &answer);
    request->answered = 1;
    if (answer.status == 0) {
        answer_free(&answer);
        return MHD_NO; // nobody to answer: the connection is closed
    }
    return send_answer(connection, &answer);
}

static void on_completed(void *cls, struct MHD_Connection *connection, void **state, enum MHD_RequestTerminationCode code) {
    (void)cls;
    (void)connection;
    (void)code;
    pending *request = *state;
    if (request == NULL) return;
    free(request->path);
    free(request->body);
    free(request);
    *state = NULL;
}

cmhd_listener *cmhd_start(const struct sockaddr *address, socklen_t address_length, size_t body_limit, unsigned int connection_limit,
                          unsigned int idle_seconds, cmhd_head_callback head, cmhd_body_callback body, void *context,
                          char *error, size_t error_size) {
    if (!cmhd_load(error, error_size)) return NULL;
    // The socket is claudesh's own, bound here: a port in use is said as the system says it.
    int fd = socket(address->sa_family, SOCK_STREAM, 0);
    if (fd < 0) {
        snprintf(error, error_size, "%s", strerror(errno));
        return NULL;
    }
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (address->sa_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &yes, sizeof yes);
    if (bind(fd, address, address_length) != 0 || listen(fd, 128) != 0) {
        snprintf(error, error_size, "%s", strerror(errno));
        close(fd);
        return NULL;
    }
    struct sockaddr_storage bound;
    socklen_t bound_length = sizeof bound;
    getsockname(fd, (struct sockaddr *)&bound, &bound_length);
    cmhd_listener *listener = calloc(1, sizeof *listener);
    if (listener == NULL) {
        close(fd);
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    listener->socket = fd;
    listener->port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port : ((struct sockaddr_in *)&bound)->sin_port);
    listener->body_limit = body_limit;
    listener->head = head;
    listener->body = body;
    listener->context = context;
    unsigned int flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
    if (address->sa_family == AF_INET6) flags |= MHD_USE_IPv6;
    listener->daemon = lib.start_daemon(flags, 0, NULL, NULL, on_request, listener,
                                        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
                                        MHD_OPTION_CONNECTION_LIMIT, connection_limit,
                                        MHD_OPTION_CONNECTION_TIMEOUT, idle_seconds,
                                        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                                        MHD_OPTION_END);
    if (listener->daemon == NULL) {
        snprintf(error, error_size, "libmicrohttpd could not start on the socket");
        close(fd);
        free(listener);
        return NULL;
    }
    return listener;
}

int cmhd_port(const cmhd_listener *listener) { return listener->port; }

void cmhd_stop(cmhd_listener *listener) {
    lib.stop_daemon(listener->daemon); // closes the listening socket it was given
    free(listener);
}

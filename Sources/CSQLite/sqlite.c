#include "CSQLite.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

// Each pointer has the type sqlite3.h declares for the function, so a wrong signature does not
// compile.
static struct {
    __typeof__(sqlite3_open_v2) *open_v2;
    __typeof__(sqlite3_close) *close;
    __typeof__(sqlite3_busy_timeout) *busy_timeout;
    __typeof__(sqlite3_errmsg) *errmsg;
    __typeof__(sqlite3_prepare_v2) *prepare_v2;
    __typeof__(sqlite3_step) *step;
    __typeof__(sqlite3_reset) *reset;
    __typeof__(sqlite3_clear_bindings) *clear_bindings;
    __typeof__(sqlite3_finalize) *finalize;
    __typeof__(sqlite3_bind_text) *bind_text;
    __typeof__(sqlite3_bind_int64) *bind_int64;
    __typeof__(sqlite3_bind_double) *bind_double;
    __typeof__(sqlite3_bind_null) *bind_null;
    __typeof__(sqlite3_column_count) *column_count;
    __typeof__(sqlite3_column_type) *column_type;
    __typeof__(sqlite3_column_int64) *column_int64;
    __typeof__(sqlite3_column_double) *column_double;
    __typeof__(sqlite3_column_text) *column_text;
    char failure[256];
    int loaded;
} lib;

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void *symbol(void *handle, const char *name) {
    void *found = dlsym(handle, name);
    if (!found && !lib.failure[0]) snprintf(lib.failure, sizeof lib.failure, "the system's libsqlite3 lacks %s", name);
    return found;
}

static void load(void) {
    const char *names[] = {"libsqlite3.so.0", "/usr/lib/libsqlite3.dylib", "libsqlite3.dylib"};
    void *handle = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !handle; i++) handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        snprintf(lib.failure, sizeof lib.failure, "SQLite (libsqlite3.so.0) is not installed: apt-get install libsqlite3-0");
        return;
    }
    lib.open_v2 = symbol(handle, "sqlite3_open_v2");
    lib.close = symbol(handle, "sqlite3_close");
    lib.busy_timeout = symbol(handle, "sqlite3_busy_timeout");
    lib.errmsg = symbol(handle, "sqlite3_errmsg");
    lib.prepare_v2 = symbol(handle, "sqlite3_prepare_v2");
    lib.step = symbol(handle, "sqlite3_step");
    lib.reset = symbol(handle, "sqlite3_reset");
    lib.clear_bindings = symbol(handle, "sqlite3_clear_bindings");
    lib.finalize = symbol(handle, "sqlite3_finalize");
    lib.bind_text = symbol(handle, "sqlite3_bind_text");
    lib.bind_int64 = symbol(handle, "sqlite3_bind_int64");
    lib.bind_double = symbol(handle, "sqlite3_bind_double");
    lib.bind_null = symbol(handle, "sqlite3_bind_null");
    lib.column_count = symbol(handle, "sqlite3_column_count");
    lib.column_type = symbol(handle, "sqlite3_column_type");
    lib.column_int64 = symbol(handle, "sqlite3_column_int64");
    lib.column_double = symbol(handle, "sqlite3_column_double");
    lib.column_text = symbol(handle, "sqlite3_column_text");
    lib.loaded = !lib.failure[0];
}

int csqlite_load(char *error, size_t error_size) {
    pthread_once(&once, load);
    if (!lib.loaded && error && error_size) snprintf(error, error_size, "%s", lib.failure);
    return lib.loaded;
}

int csqlite_open_v2(const char *path, sqlite3 **db, int flags, const char *vfs) { return lib.open_v2(path, db, flags, vfs); }
int csqlite_close(sqlite3 *db) { return lib.close(db); }
int csqlite_busy_timeout(sqlite3 *db, int milliseconds) { return lib.busy_timeout(db, milliseconds); }
const char *csqlite_errmsg(sqlite3 *db) { return lib.errmsg(db); }
int csqlite_prepare_v2(sqlite3 *db, const char *sql, int bytes, sqlite3_stmt **statement, const char **tail) {
    return lib.prepare_v2(db, sql, bytes, statement, tail);
}
int csqlite_step(sqlite3_stmt *statement) { return lib.step(statement); }
int csqlite_reset(sqlite3_stmt *statement) { return lib.reset(statement); }
int csqlite_clear_bindings(sqlite3_stmt *statement) { return lib.clear_bindings(statement); }
int csqlite_finalize(sqlite3_stmt *statement) { return lib.finalize(statement); }
int csqlite_bind_text(sqlite3_stmt *statement, int index, const char *text, int bytes) {
    return lib.bind_text(statement, index, text, bytes, SQLITE_TRANSIENT);
}
int csqlite_bind_int64(sqlite3_stmt *statement, int index, sqlite3_int64 value) { return lib.bind_int64(statement, index, value); }
int csqlite_bind_double(sqlite3_stmt *statement, int index, double value) { return lib.bind_double(statement, index, value); }
int csqlite_bind_null(sqlite3_stmt *statement, int index) { return lib.bind_null(statement, index); }
int csqlite_column_count(sqlite3_stmt *statement) { return lib.column_count(statement); }
int csqlite_column_type(sqlite3_stmt *statement, int column) { return lib.column_type(statement, column); }
sqlite3_int64 csqlite_column_int64(sqlite3_stmt *statement, int column) { return lib.column_int64(statement, column); }
double csqlite_column_double(sqlite3_stmt *statement, int column) { return lib.column_double(statement, column); }
const unsigned char *csqlite_column_text(sqlite3_stmt *statement, int column) { return lib.column_text(statement, column); }

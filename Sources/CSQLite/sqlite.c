#include "CSQLite.h"
#include "CLoader.h"
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
} lib;

static cloader_library library;

static pthread_once_t once = PTHREAD_ONCE_INIT;

#define LACKS "the system's libsqlite3 lacks %s"

static void load(void) {
    const char *names[] = {"libsqlite3.so.0", "/usr/lib/libsqlite3.dylib", "libsqlite3.dylib", NULL};
    if (!cloader_open(&library, names, "SQLite (libsqlite3.so.0) is not installed: apt-get install libsqlite3-0")) return;
    lib.open_v2 = cloader_symbol(&library, "sqlite3_open_v2", LACKS);
    lib.close = cloader_symbol(&library, "sqlite3_close", LACKS);
    lib.busy_timeout = cloader_symbol(&library, "sqlite3_busy_timeout", LACKS);
    lib.errmsg = cloader_symbol(&library, "sqlite3_errmsg", LACKS);
    lib.prepare_v2 = cloader_symbol(&library, "sqlite3_prepare_v2", LACKS);
    lib.step = cloader_symbol(&library, "sqlite3_step", LACKS);
    lib.reset = cloader_symbol(&library, "sqlite3_reset", LACKS);
    lib.clear_bindings = cloader_symbol(&library, "sqlite3_clear_bindings", LACKS);
    lib.finalize = cloader_symbol(&library, "sqlite3_finalize", LACKS);
    lib.bind_text = cloader_symbol(&library, "sqlite3_bind_text", LACKS);
    lib.bind_int64 = cloader_symbol(&library, "sqlite3_bind_int64", LACKS);
    lib.bind_double = cloader_symbol(&library, "sqlite3_bind_double", LACKS);
    lib.bind_null = cloader_symbol(&library, "sqlite3_bind_null", LACKS);
    lib.column_count = cloader_symbol(&library, "sqlite3_column_count", LACKS);
    lib.column_type = cloader_symbol(&library, "sqlite3_column_type", LACKS);
    lib.column_int64 = cloader_symbol(&library, "sqlite3_column_int64", LACKS);
    lib.column_double = cloader_symbol(&library, "sqlite3_column_double", LACKS);
    lib.column_text = cloader_symbol(&library, "sqlite3_column_text", LACKS);
}

int csqlite_load(char *error, size_t error_size) {
    pthread_once(&once, load);
    if (library.failure[0] && error && error_size) snprintf(error, error_size, "%s", library.failure);
    return !library.failure[0];
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

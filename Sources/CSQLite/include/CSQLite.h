#ifndef CSQLITE_H
#define CSQLITE_H

#include <stddef.h>
#include <sqlite3.h>

/// The system's libsqlite3 (Debian's libsqlite3-0, macOS's /usr/lib/libsqlite3.dylib), loaded
/// with dlopen when the health history is first opened: linking it cost every claudesh run about
/// a quarter of a millisecond of start-up (README, design). sqlite3.h gives the types and
/// constants; the calls go through these wrappers, never sqlite3_* itself.

/// Loads libsqlite3 once (later calls are free); 1 when it can be used, else 0 with the reason
/// in `error`.
int csqlite_load(char *error, size_t error_size);

int csqlite_open_v2(const char *path, sqlite3 **db, int flags, const char *vfs);
int csqlite_close(sqlite3 *db);
int csqlite_busy_timeout(sqlite3 *db, int milliseconds);
const char *csqlite_errmsg(sqlite3 *db);
int csqlite_prepare_v2(sqlite3 *db, const char *sql, int bytes, sqlite3_stmt **statement, const char **tail);
int csqlite_step(sqlite3_stmt *statement);
int csqlite_reset(sqlite3_stmt *statement);
int csqlite_clear_bindings(sqlite3_stmt *statement);
int csqlite_finalize(sqlite3_stmt *statement);
/// Binds text with SQLITE_TRANSIENT (a cast of -1 to a function pointer, which Swift cannot
/// import): SQLite copies it before the call returns.
int csqlite_bind_text(sqlite3_stmt *statement, int index, const char *text, int bytes);
int csqlite_bind_int64(sqlite3_stmt *statement, int index, sqlite3_int64 value);
int csqlite_bind_double(sqlite3_stmt *statement, int index, double value);
int csqlite_bind_null(sqlite3_stmt *statement, int index);
int csqlite_column_count(sqlite3_stmt *statement);
int csqlite_column_type(sqlite3_stmt *statement, int column);
sqlite3_int64 csqlite_column_int64(sqlite3_stmt *statement, int column);
double csqlite_column_double(sqlite3_stmt *statement, int column);
const unsigned char *csqlite_column_text(sqlite3_stmt *statement, int column);

#endif

import CSQLite

/// The few calls of SQLite's C API the health history needs: open, run statements with bound
/// values, read rows. SQLite's own journal makes each transaction atomic on disk. The library is
/// loaded on the first open (`CSQLite`).
final class SQLiteDatabase {
    private var handle: OpaquePointer?
    let path: String

    struct Error: Swift.Error, CustomStringConvertible, Sendable, Equatable {
        var description: String
    }

    enum Value: Sendable, Equatable {
        case int(Int64)
        case real(Double)
        case text(String)
        case null
    }

    /// Opens (creating) the database at `path`, mode 0600 from the umask the caller set, and
    /// waits up to 5 s for another claudesh (a cron health check) that holds the write lock.
    /// `readOnly`: never creates nor writes (completion, reports).
    init(path: String, readOnly: Bool = false) throws(Error) {
        self.path = path
        var error = [CChar](repeating: 0, count: 256)
        guard csqlite_load(&error, error.count) == 1 else {
            throw Error(description: "cannot open the history database \(path): " + String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        var opened: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        let code = csqlite_open_v2(path, &opened, flags | SQLITE_OPEN_FULLMUTEX, nil)
        handle = opened
        guard code == SQLITE_OK else {
            let message = opened.map { String(cString: csqlite_errmsg($0)) } ?? "out of memory"
            csqlite_close(opened)
            handle = nil
            throw Error(description: "cannot open the history database \(path): \(message)")
        }
        csqlite_busy_timeout(handle, 5000)
    }

    deinit { if let handle { csqlite_close(handle) } }

    /// Runs `sql` once for each row of `rows` (once when empty), binding `?` in order.
    func execute(_ sql: String, _ rows: [[Value]] = [[]]) throws(Error) {
        let statement = try prepare(sql)
        defer { csqlite_finalize(statement) }
        for row in rows {
            try bind(row, to: statement)
            var code = csqlite_step(statement)
            while code == SQLITE_ROW { code = csqlite_step(statement) }
            guard code == SQLITE_DONE else { throw failure(sql) }
            csqlite_reset(statement)
            csqlite_clear_bindings(statement)
        }
    }

    /// The rows `sql` returns, each column as a value.
    func query(_ sql: String, _ values: [Value] = []) throws(Error) -> [[Value]] {
        let statement = try prepare(sql)
        defer { csqlite_finalize(statement) }
        try bind(values, to: statement)
        var rows: [[Value]] = []
        while true {
            let code = csqlite_step(statement)
            if code == SQLITE_DONE { return rows }
            guard code == SQLITE_ROW else { throw failure(sql) }
            rows.append((0..<csqlite_column_count(statement)).map { column in
                switch csqlite_column_type(statement, column) {
                case SQLITE_INTEGER: return .int(csqlite_column_int64(statement, column))
                case SQLITE_FLOAT: return .real(csqlite_column_double(statement, column))
                case SQLITE_NULL: return .null
                default: return .text(csqlite_column_text(statement, column).map { String(cString: $0) } ?? "")
                }
            })
        }
    }

    /// Runs `body` in one transaction: all of it is written, or none.
    func transaction<T>(_ body: () throws(Error) -> T) throws(Error) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    private func prepare(_ sql: String) throws(Error) -> OpaquePointer? {
        var statement: OpaquePointer?
        guard csqlite_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else { throw failure(sql) }
        return statement
    }

    private func bind(_ values: [Value], to statement: OpaquePointer?) throws(Error) {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .int(let number): code = csqlite_bind_int64(statement, index, number)
            case .real(let number): code = csqlite_bind_double(statement, index, number)
            case .text(let text):
                // With its length: a NUL inside does not end it.
                code = text.withCString { csqlite_bind_text(statement, index, $0, Int32(text.utf8.count)) }
            case .null: code = csqlite_bind_null(statement, index)
            }
            guard code == SQLITE_OK else { throw failure("bind") }
        }
    }

    private func failure(_ sql: String) -> Error {
        let message = String(cString: csqlite_errmsg(handle))
        return Error(description: "the history database \(path): \(message)" + (message.contains("locked") || message.contains("busy") ? " (another claudesh is writing it; try again)" : ""))
    }
}

extension SQLiteDatabase.Value {
    var integer: Int64? { if case .int(let value) = self { value } else { nil } }
    var real: Double? {
        switch self {
        case .real(let value): value
        case .int(let value): Double(value)
        default: nil
        }
    }
    var text: String? { if case .text(let value) = self { value } else { nil } }
}

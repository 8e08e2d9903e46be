#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every health check's result and latency, in an SQLite database in the home
/// (`health.sqlite`): what "stable for 24 hours" and a latency baseline are computed from.
package final class HealthHistory {
    static let fileName = "health.sqlite"
    let database: SQLiteDatabase

    package struct Error: Swift.Error, CustomStringConvertible, Sendable, Equatable {
        package var description: String
    }

    /// Whether `home` has a history yet.
    package static func exists(home: String) -> Bool { Path.kind(of: Path.join(home, fileName)) == .file }

    /// Opens the history of `home`, creating it (mode 0600) on first use; `readOnly` never
    /// creates nor writes it (a report, completion), and needs it to exist.
    package init(home: String, readOnly: Bool = false) throws(Error) {
        let path = Path.join(home, Self.fileName)
        if readOnly {
            do throws(SQLiteDatabase.Error) { database = try SQLiteDatabase(path: path, readOnly: true) } catch { throw Error(description: error.description) }
            return
        }
        do throws(FileError) { try FileIO.makeDirectory(home) } catch { throw Error(description: "\(error)") }
        // Created by hand first, so that no umask makes it readable by others.
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
        do throws(SQLiteDatabase.Error) {
            database = try SQLiteDatabase(path: path)
            try database.execute("""
                CREATE TABLE IF NOT EXISTS checks (
                    time INTEGER NOT NULL, section TEXT NOT NULL, name TEXT NOT NULL,
                    state TEXT NOT NULL, latency_ms REAL, detail TEXT NOT NULL)
                """)
            try database.execute("CREATE INDEX IF NOT EXISTS checks_by_name ON checks (section, name, time)")
            try database.execute("CREATE INDEX IF NOT EXISTS checks_by_time ON checks (time)")
            for statement in Self.gatewaySchema { try database.execute(statement) }
        } catch {
            throw Error(description: error.description + (error.description.contains("not a database") ? ": move it away and a new one is made" : ""))
        }
    }

    /// Records every check of `report` (not those with nothing to check) and deletes what is
    /// older than `keepDays`, in one transaction. The report has passed the session's redactor.
    func record(_ redacted: Redacted<HealthReport>, keepDays: Int) throws(Error) {
        let report = redacted.value
        let rows: [[SQLiteDatabase.Value]] = report.checks.filter { $0.state != .off }.map { check in
            [.int(Int64(report.time)), .text(check.section.key), .text(check.name), .text(check.state.rawValue),
             check.latency.map(SQLiteDatabase.Value.real) ?? .null, .text(check.detail)]
        }
        try keep([("checks", rows)], pruning: ["checks"], before: .int(Int64(report.time - keepDays * 86_400)))
    }

    /// Inserts each table's rows and deletes what is older than `cutoff` (by `time`) from
    /// `pruned`, in one transaction: what every record of the history does.
    func keep(_ inserts: [(table: String, rows: [[SQLiteDatabase.Value]])], pruning pruned: [String], before cutoff: SQLiteDatabase.Value) throws(Error) {
        do throws(SQLiteDatabase.Error) {
            try database.transaction { () throws(SQLiteDatabase.Error) in
                for (table, rows) in inserts where !rows.isEmpty {
                    let marks = Array(repeating: "?", count: rows[0].count).joined(separator: ", ")
                    try database.execute("INSERT INTO \(table) VALUES (\(marks))", rows)
                }
                for table in pruned { try database.execute("DELETE FROM \(table) WHERE time < ?", [[cutoff]]) }
            }
        } catch {
            throw Error(description: error.description)
        }
    }

    /// The rows `sql` selects, its errors the history's.
    func select(_ sql: String, _ values: [SQLiteDatabase.Value]) throws(Error) -> [[SQLiteDatabase.Value]] {
        do throws(SQLiteDatabase.Error) { return try database.query(sql, values) } catch { throw Error(description: error.description) }
    }

    /// What the history says of one checked thing over a span of time.
    package struct Summary: Sendable, Equatable {
        package var section: String
        package var name: String
        package var checks: Int
        package var failures: Int
        var warnings: Int
        /// Percent of checks that did not fail.
        package var uptime: Double { checks == 0 ? 0 : Double(checks - failures) * 100 / Double(checks) }
        /// Latency percentiles in milliseconds, of the checks that passed (probes only).
        package var p50: Double?
        package var p95: Double?
        /// The span cut in equal buckets, oldest first: each bucket's median latency (nil when it
        /// has none) and whether a check in it failed (nil when it has no checks).
        package var buckets: [Bucket]
        package var lastState: String
        package var lastDetail: String
        package var lastTime: Int
    }

    package struct Bucket: Sendable, Equatable {
        package var latency: Double?
        package var failed: Bool?
    }

    /// A summary per checked thing (`name` alone, when given) over `since`...`until`.
    func summaries(name: String? = nil, since: Int, until: Int, buckets count: Int = 24) throws(Error) -> [Summary] {
        var sql = "SELECT section, name, time, state, latency_ms, detail FROM checks WHERE time >= ? AND time <= ?"
        var values: [SQLiteDatabase.Value] = [.int(Int64(since)), .int(Int64(until))]
        if let name {
            sql += " AND name = ?"
            values.append(.text(name))
        }
        sql += " ORDER BY section, name, time"
        let rows = try select(sql, values)
        var groups: [(key: String, rows: [[SQLiteDatabase.Value]])] = []
        for row in rows {
            let key = (row[0].text ?? "") + "\u{0}" + (row[1].text ?? "")
            if groups.last?.key == key { groups[groups.count - 1].rows.append(row) } else { groups.append((key, [row])) }
        }
        let span = max(until - since, 1)
        return groups.map { group in
            let rows = group.rows
            var latencies: [Double] = []
            var perBucket = [(latencies: [Double], checks: Int, failed: Bool)](repeating: ([], 0, false), count: count)
            var failures = 0
            var warnings = 0
            for row in rows {
                let state = row[3].text ?? ""
                let time = Int(row[2].integer ?? 0)
                let index = min(count - 1, max(0, (time - since) * count / span))
                perBucket[index].checks += 1
                if state == "failed" {
                    failures += 1
                    perBucket[index].failed = true
                } else if let latency = row[4].real {
                    latencies.append(latency)
                    perBucket[index].latencies.append(latency)
                }
                if state == "warning" { warnings += 1 }
            }
            let last = rows[rows.count - 1]
            return Summary(
                section: last[0].text ?? "", name: last[1].text ?? "", checks: rows.count, failures: failures, warnings: warnings,
                p50: Self.percentile(latencies, 50), p95: Self.percentile(latencies, 95),
                buckets: perBucket.map { Bucket(latency: Self.percentile($0.latencies, 50), failed: $0.checks == 0 ? nil : $0.failed) },
                lastState: last[3].text ?? "", lastDetail: last[5].text ?? "", lastTime: Int(last[2].integer ?? 0)
            )
        }
    }

    /// The names in the history, for completion.
    package func names() -> [String] {
        ((try? database.query("SELECT DISTINCT name FROM checks ORDER BY name")) ?? []).compactMap { $0.first?.text }
    }

    /// The nearest-rank percentile of `values`.
    static func percentile(_ values: [Double], _ percent: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((percent / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

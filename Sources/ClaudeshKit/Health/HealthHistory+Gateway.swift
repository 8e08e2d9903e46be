/// What the gateway did, beside the checks: every call it passed on (`gateway_calls`: backend,
/// target, method, era, latency, outcome, result size; never the arguments) and each backend's
/// comings and goings (`gateway_events`: started, restarted, failed).
extension HealthHistory {
    static let gatewaySchema = [
        """
        CREATE TABLE IF NOT EXISTS gateway_calls (
            time REAL NOT NULL, profile TEXT NOT NULL, backend TEXT NOT NULL, target TEXT NOT NULL, method TEXT NOT NULL,
            era TEXT NOT NULL, latency_ms REAL NOT NULL, outcome TEXT NOT NULL, size INTEGER NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS gateway_calls_by_backend ON gateway_calls (backend, time)",
        "CREATE INDEX IF NOT EXISTS gateway_calls_by_time ON gateway_calls (time)",
        """
        CREATE TABLE IF NOT EXISTS gateway_events (
            time REAL NOT NULL, profile TEXT NOT NULL, backend TEXT NOT NULL, event TEXT NOT NULL, detail TEXT NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS gateway_events_by_time ON gateway_events (time)",
    ]

    /// Keeps calls and events, and deletes what is older than `keepDays`, in one transaction.
    func record(calls: Redacted<[GatewayCall]>, events: Redacted<[GatewayEvent]>, profile: String, keepDays: Int, now: Double) throws(Error) {
        let callRows: [[SQLiteDatabase.Value]] = calls.value.map { call in
            [.real(call.time), .text(profile), .text(call.backend), .text(call.target), .text(call.method), .text(call.era),
             .real(call.latency.milliseconds), .text(call.outcome), .int(Int64(call.size))]
        }
        let eventRows: [[SQLiteDatabase.Value]] = events.value.map { event in
            [.real(event.time), .text(profile), .text(event.backend), .text(event.kind.rawValue), .text(event.detail)]
        }
        try keep([("gateway_calls", callRows), ("gateway_events", eventRows)], pruning: ["gateway_calls", "gateway_events"],
                 before: .real(now - Double(keepDays * 86_400)))
    }

    /// What the calls to one backend were like over a span of time.
    package struct CallSummary: Sendable, Equatable {
        package var backend: String
        package var calls: Int
        /// Calls that did not end `ok` or `tool error`: refused, timed out, cancelled, unavailable.
        package var failures: Int
        package var p50: Double?
        package var p95: Double?
        package var p99: Double?
        package var lastTime: Double
        package var lastOutcome: String
    }

    /// A summary per backend of `profile` (every profile when nil) over `since`...`until`.
    func callSummaries(profile: String?, since: Double, until: Double) throws(Error) -> [CallSummary] {
        var sql = "SELECT backend, time, latency_ms, outcome FROM gateway_calls WHERE time >= ? AND time <= ?"
        var values: [SQLiteDatabase.Value] = [.real(since), .real(until)]
        if let profile {
            sql += " AND profile = ?"
            values.append(.text(profile))
        }
        sql += " ORDER BY backend, time"
        let rows = try select(sql, values)
        var summaries: [CallSummary] = []
        var latencies: [Double] = []
        func finish() {
            guard !summaries.isEmpty else { return }
            summaries[summaries.count - 1].p50 = Self.percentile(latencies, 50)
            summaries[summaries.count - 1].p95 = Self.percentile(latencies, 95)
            summaries[summaries.count - 1].p99 = Self.percentile(latencies, 99)
            latencies = []
        }
        for row in rows {
            let backend = row[0].text ?? "?"
            if summaries.last?.backend != backend {
                finish()
                summaries.append(CallSummary(backend: backend, calls: 0, failures: 0, lastTime: 0, lastOutcome: ""))
            }
            let outcome = row[3].text ?? ""
            summaries[summaries.count - 1].calls += 1
            if outcome != "ok" && outcome != "tool error" { summaries[summaries.count - 1].failures += 1 }
            summaries[summaries.count - 1].lastTime = row[1].real ?? 0
            summaries[summaries.count - 1].lastOutcome = outcome
            latencies.append(row[2].real ?? 0)
        }
        finish()
        return summaries
    }

    /// The events of `profile` (every profile when nil) since `since`, oldest first.
    func events(profile: String?, since: Double) throws(Error) -> [GatewayEvent] {
        var sql = "SELECT time, backend, event, detail FROM gateway_events WHERE time >= ?"
        var values: [SQLiteDatabase.Value] = [.real(since)]
        if let profile {
            sql += " AND profile = ?"
            values.append(.text(profile))
        }
        let rows = try select(sql + " ORDER BY time", values)
        return rows.compactMap { row in
            guard let kind = GatewayEvent.Kind(rawValue: row[2].text ?? "") else { return nil }
            return GatewayEvent(time: row[0].real ?? 0, backend: row[1].text ?? "?", kind: kind, detail: row[3].text ?? "")
        }
    }
}

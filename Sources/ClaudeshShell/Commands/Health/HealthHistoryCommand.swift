#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// health history: uptime, latency percentiles and a sparkline per checked thing.
extension HealthCommands {
    static let historyNames = Completion.custom { input in
        HealthHistory.exists(home: input.context.home) ? (try? HealthHistory(home: input.context.home, readOnly: true))?.names() ?? [] : []
    }

    static let history = Command(
        "history", group: group, summary: "Uptime, latency p50/p95 and a sparkline per server and check, from the recorded health checks",
        discussion: """
        Every health, health watch and scheduled health run is recorded. The sparkline cuts the
        span in 24 parts: each shows the median latency of its probes (higher is slower), ✗ where
        a check failed, a blank where none ran.
        """,
        arguments: [Argument("NAME", "one server or check (default: all)", completion: historyNames, optional: true)],
        flags: [Flag("since", value: "SPAN", "how far back: 30m, 24h (default), 7d, 2w"), .json],
        examples: ["health history", "health history time --since 7d", "health history --json"]
    ) { invocation in
        let sinceText = invocation.arguments.value("since") ?? "24h"
        guard let span = Units.span(parsing: sinceText) else { throw ShellError.usage("--since takes a span such as 30m, 24h, 7d or 2w, not '\(sinceText.clipped())'") }
        let (since, until, summaries) = try invocation.workspace.healthHistory(name: invocation.arguments.positional(0), span: span)
        let calls = try invocation.workspace.gatewayCallHistory(name: invocation.arguments.positional(0), span: span)
        if invocation.wantsJSON {
            invocation.output.json(.object([
                ("since", .int(since)), ("until", .int(until)),
                ("checks", .array(summaries.map { summary in
                    .object([
                        ("section", .string(summary.section)), ("name", .string(summary.name)), ("checks", .int(summary.checks)),
                        ("failures", .int(summary.failures)), ("uptime_percent", .double(summary.uptime)),
                        ("p50_ms", summary.p50.map(JSONValue.double) ?? .null), ("p95_ms", summary.p95.map(JSONValue.double) ?? .null),
                        ("last_state", .string(summary.lastState)), ("last_detail", .string(summary.lastDetail)), ("last_time", .int(summary.lastTime)),
                    ])
                })),
                ("gateway_calls", .array(calls.map { call in
                    .object([
                        ("backend", .string(call.backend)), ("calls", .int(call.calls)), ("failures", .int(call.failures)),
                        ("p50_ms", call.p50.map(JSONValue.double) ?? .null), ("p95_ms", call.p95.map(JSONValue.double) ?? .null),
                        ("p99_ms", call.p99.map(JSONValue.double) ?? .null), ("last_outcome", .string(call.lastOutcome)),
                    ])
                })),
            ]))
            return .success
        }
        guard !summaries.isEmpty || !calls.isEmpty else {
            invocation.output.line("No health checks recorded in the last \(sinceText)" + (invocation.arguments.positional(0).map { " for \($0)" } ?? "") + ". Run health (or schedule install).")
            return .success
        }
        let output = invocation.output
        let rows = summaries.map { summary in
            [
                summary.name, summary.section, String(summary.checks), percent(summary.uptime),
                summary.p50.map(HealthChecks.milliseconds) ?? "-", summary.p95.map(HealthChecks.milliseconds) ?? "-",
                sparkline(summary.buckets, output), summary.lastState,
            ]
        }
        if !rows.isEmpty {
            output.line(Table(headers: ["NAME", "SECTION", "CHECKS", "UPTIME", "P50", "P95", "LAST \(sinceText.uppercased())", "LAST"], rows: rows, width: invocation.terminalWidth).render())
        }
        if !calls.isEmpty {
            // Calls through the gateway beside the probes: the latency a client saw, per backend.
            func ms(_ value: Double?) -> String { value.map(HealthChecks.milliseconds) ?? "-" }
            let callRows = calls.map { [$0.backend, String($0.calls), String($0.failures), ms($0.p50), ms($0.p95), ms($0.p99), $0.lastOutcome] }
            if !rows.isEmpty { output.line("") }
            output.line("Calls through the gateway:")
            output.line(Table(headers: ["BACKEND", "CALLS", "FAILED", "P50", "P95", "P99", "LAST"], rows: callRows, width: invocation.terminalWidth).render())
        }
        return .success
    }

    /// "99.7%", never rounded up to 100 while a check failed.
    static func percent(_ value: Double) -> String {
        let tenths = value >= 100 ? 1000 : min(Int((value * 10).rounded(.down)), 999)
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// Eight heights between the fastest and the slowest bucket; ✗ a bucket with a failure.
    @MainActor
    static func sparkline(_ buckets: [HealthHistory.Bucket], _ output: Output) -> String {
        let levels = Array("▁▂▃▄▅▆▇█")
        let latencies = buckets.compactMap { $0.latency }
        let low = latencies.min() ?? 0
        let high = latencies.max() ?? 0
        return buckets.map { bucket -> String in
            guard let failed = bucket.failed else { return " " }
            if failed { return output.styled("✗", .red) }
            guard let latency = bucket.latency, high > low else { return String(levels[0]) }
            return String(levels[min(levels.count - 1, Int((latency - low) / (high - low) * Double(levels.count - 1) + 0.5))])
        }.joined()
    }
}

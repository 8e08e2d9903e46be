/// How a server's canary went: its own result beside the probe's, so that a server that starts
/// but does not work is told from one that does not start.
package struct CanaryResult: Sendable, Equatable {
    package var tool: String
    package var passed: Bool
    /// The call alone, request to answer.
    package var latency: Duration
    /// Why it failed: the call's error, the tool's own error text, the expected text missing.
    package var reason: String?

    package var latencyMilliseconds: Double { latency.milliseconds }

    package var json: JSONValue {
        .object([
            ("tool", .string(tool)), ("passed", .bool(passed)),
            ("latency_ms", .double((latencyMilliseconds * 10).rounded() / 10)),
            ("reason", reason.map(JSONValue.string) ?? .null),
        ])
    }
}

/// One server's probe: how it went, what the server said about itself, and why it failed.
package struct ProbeResult: Sendable {
    package var server: String
    package var transport: String
    package var failure: ProbeFailure? {
        didSet { reason = failure?.description }
    }
    /// The failure in words, with every secret the probe knew of masked: what is shown.
    package private(set) var reason: String?
    /// The handshake's time, initialize to the ping's answer, of the last attempt.
    var latency: Duration
    package var attempts: Int
    package var serverName: String?
    package var serverVersion: String?
    package var protocolVersion: String?
    package var toolCount: Int?
    /// The server's last stderr lines (redacted), shown when it failed.
    package var lastErrors: [String]
    package var logPath: String?

    package var passed: Bool { failure == nil }

    /// Masks what `redactor` knows in every string the server sent (a server may echo its token
    /// as its name, its version or in what it writes), before anything clips or escapes them.
    mutating func redact(with redactor: Redactor) {
        reason = reason.map { redactor.clean($0) }
        serverName = serverName.map { redactor.clean($0) }
        serverVersion = serverVersion.map { redactor.clean($0) }
        protocolVersion = protocolVersion.map { redactor.clean($0) }
        lastErrors = lastErrors.map { redactor.clean($0) }
    }

    init(server: String, transport: String) {
        self.server = server
        self.transport = transport
        latency = .zero
        attempts = 0
        lastErrors = []
    }

    /// Milliseconds, for tables and JSON.
    package var latencyMilliseconds: Double { latency.milliseconds }

    package var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("name", .string(server)), ("transport", .string(transport)),
            ("status", .string(passed ? "ok" : "failed")),
            ("latency_ms", .double((latencyMilliseconds * 10).rounded() / 10)),
            ("attempts", .int(attempts)),
        ]
        members.append(("server_name", serverName.map(JSONValue.string) ?? .null))
        members.append(("server_version", serverVersion.map(JSONValue.string) ?? .null))
        members.append(("protocol_version", protocolVersion.map(JSONValue.string) ?? .null))
        members.append(("tools", toolCount.map(JSONValue.int) ?? .null))
        members.append(("reason", reason.map(JSONValue.string) ?? .null))
        members.append(("permanent", .bool(failure?.isPermanent ?? false)))
        members.append(("log", logPath.map(JSONValue.string) ?? .null))
        return .object(members)
    }
}

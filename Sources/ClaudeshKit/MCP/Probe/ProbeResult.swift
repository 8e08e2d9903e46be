/// One server's probe: how it went, what the server said about itself, and why it failed.
package struct ProbeResult: Sendable {
    package var server: String
    /// The key of the server's config (`ConfigLocation.key`): its pin is kept by it.
    package var config = ""
    /// The server's name in its config (`server` may be a label such as `time@desktop`).
    package var entry = ""
    package var transport: String
    package var failure: ProbeFailure? {
        didSet { reason = failure?.description }
    }
    /// The failure in words, with every secret the probe knew of masked: what is shown.
    package private(set) var reason: String?
    /// The last attempt's time, start to its last answer.
    var latency: Duration
    package var attempts: Int
    package var serverName: String?
    package var serverVersion: String?
    package var serverTitle: String?
    package var era: ProtocolEra?
    package var protocolVersion: String?
    /// What the server says it speaks (its `server/discover`; a legacy server, its one version).
    package var supportedVersions: [String] = []
    package var capabilities: [String] = []
    package var extensions: [String] = []
    package var toolCount: Int?
    /// The tools as listed, canonicalised and hashed: what pins compare and context weight is.
    package var surface: ToolSurface?
    /// How `surface` compares with the server's pin; nil when not compared (the probe failed).
    package var pin: PinState?
    /// The canary's result, when the server has one and the handshake passed.
    package var canary: CanaryResult?
    /// What passed but is worth a look: tools changed since pinned, a heavy context weight.
    package var warnings: [String] = []
    /// The last attempt's steps and their times: start, discover or initialize, tools/list, ping.
    package var phases: [(name: String, duration: Duration)] = []
    /// The server's last stderr lines (redacted), shown when it failed.
    package var lastErrors: [String]
    package var logPath: String?

    package var passed: Bool { failure == nil }
    /// The canary ran and failed: the server starts but does not work.
    package var canaryFailed: Bool { canary.map { !$0.passed } ?? false }
    /// Up, and asking for an authorization claudesh does not hold: neither passed nor down.
    package var needsAuthorization: Bool {
        if case .needsAuthorization? = failure { return true }
        return false
    }
    /// Failed, as opposed to waiting for an authorization.
    package var isDown: Bool { !passed && !needsAuthorization }

    /// What a passing attempt learnt of the server.
    mutating func record(_ handshake: Handshake.Outcome) {
        serverName = handshake.serverName
        serverVersion = handshake.serverVersion
        serverTitle = handshake.serverTitle
        era = handshake.era
        protocolVersion = handshake.protocolVersion
        supportedVersions = handshake.supportedVersions
        capabilities = handshake.capabilities
        extensions = handshake.extensions
        toolCount = handshake.toolCount
        surface = ToolSurface(tools: handshake.tools)
        canary = handshake.canary
        phases = handshake.phases
    }

    /// Masks what `redactor` knows in every string the server sent (a server may echo its token
    /// as its name, its version or in what it writes), before anything clips or escapes them.
    mutating func redact(with redactor: Redactor) {
        reason = reason.map { redactor.clean($0) }
        serverName = serverName.map { redactor.clean($0) }
        serverVersion = serverVersion.map { redactor.clean($0) }
        serverTitle = serverTitle.map { redactor.clean($0) }
        protocolVersion = protocolVersion.map { redactor.clean($0) }
        supportedVersions = supportedVersions.map { redactor.clean($0) }
        capabilities = capabilities.map { redactor.clean($0) }
        extensions = extensions.map { redactor.clean($0) }
        lastErrors = lastErrors.map { redactor.clean($0) }
        surface = surface.map { ToolSurface(tools: $0.tools.map { tool in tool.redacted(by: redactor) }) }
        if let reason = canary?.reason { canary?.reason = redactor.clean(reason) }
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
            ("status", .string(passed ? "ok" : needsAuthorization ? "needs-authorization" : "failed")),
            ("latency_ms", .double((latencyMilliseconds * 10).rounded() / 10)),
            ("attempts", .int(attempts)),
        ]
        members.append(("server_name", serverName.map(JSONValue.string) ?? .null))
        members.append(("server_version", serverVersion.map(JSONValue.string) ?? .null))
        members.append(("server_title", serverTitle.map(JSONValue.string) ?? .null))
        members.append(("era", era.map { JSONValue.string($0.rawValue) } ?? .null))
        members.append(("protocol_version", protocolVersion.map(JSONValue.string) ?? .null))
        members.append(("supported_versions", .array(supportedVersions.map { JSONValue.string($0) })))
        members.append(("capabilities", .array(capabilities.map { JSONValue.string($0) })))
        members.append(("extensions", .array(extensions.map { JSONValue.string($0) })))
        members.append(("tools", toolCount.map(JSONValue.int) ?? .null))
        members.append(("tool_hash", surface.map { JSONValue.string($0.hash) } ?? .null))
        members.append(("pin", pin.map { JSONValue.string($0.rawValue) } ?? .null))
        members.append(("context_tokens", surface.map { JSONValue.int($0.contextTokens) } ?? .null))
        members.append(("canary", canary?.json ?? .null))
        members.append(("warnings", .array(warnings.map { JSONValue.string($0) })))
        members.append(("phases_ms", .object(phases.map { ($0.name, JSONValue.double(($0.duration.milliseconds * 10).rounded() / 10)) })))
        members.append(("reason", reason.map(JSONValue.string) ?? .null))
        members.append(("permanent", .bool(failure?.isPermanent ?? false)))
        members.append(("log", logPath.map(JSONValue.string) ?? .null))
        return .object(members)
    }
}

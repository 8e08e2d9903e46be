import Synchronization

/// The probe proper, as a client does it over any channel: the session opened in the server's
/// era (`EraNegotiation`), every page of `tools/list`, and for a legacy session
/// `notifications/initialized` before and `ping` after. A modern session sends neither: the
/// stateless revision has no handshake and no `ping`, and its `tools/list` proves it alive.
/// Then the server's canary, when it has one, on the same session: a call that proves it works.
struct Handshake {
    struct Outcome: Sendable {
        var era: ProtocolEra
        var protocolVersion: String
        var supportedVersions: [String]
        var serverName: String?
        var serverVersion: String?
        var serverTitle: String?
        /// The capabilities it declared (tools, resources, prompts, completions, logging...).
        var capabilities: [String]
        /// The extensions among them, by name (`io.modelcontextprotocol/ui`...).
        var extensions: [String]
        /// Every tool of every page, as the server listed it: the surface pins and context
        /// weight are computed from.
        var tools: [JSONValue]
        var toolCount: Int { tools.count }
        /// The canary's result; nil when the server has none (or the handshake failed).
        var canary: CanaryResult?
        /// Each step and its time: the discover or initialize, tools/list, ping.
        var phases: [(name: String, duration: Duration)]
    }

    /// Where the handshake is, for "timed out during tools/list".
    final class Phase: Sendable {
        private let current = Mutex("start-up")
        var name: String { current.withLock { $0 } }
        func set(_ name: String) { current.withLock { $0 = name } }
    }

    /// A server with more pages than this is looping on its cursor.
    static let pageLimit = 1000

    static func run(_ channel: MCPChannel, phase: Phase, mode: ProtocolMode = .auto, canary: Canary? = nil) async throws(ProbeFailure) -> Outcome {
        let conversation = Conversation(channel)
        var phases: [(name: String, duration: Duration)] = []
        var mark = ContinuousClock.now
        func lap(_ name: String) {
            let now = ContinuousClock.now
            phases.append((name, mark.duration(to: now)))
            mark = now
        }

        let session = try await EraNegotiation(conversation: conversation, mode: mode, phase: phase).open()
        lap(session.era == .modern ? "discover" : "initialize")
        let modern = session.era == .modern ? session.version : nil
        if modern == nil {
            phase.set("notifications/initialized")
            try await conversation.notify("notifications/initialized")
        }

        var tools: [JSONValue] = []
        // A server without the tools capability may rightly refuse tools/list.
        if session.capabilities?["tools"] != nil {
            var cursor: String?
            for _ in 0..<pageLimit {
                phase.set("tools/list")
                let params: JSONValue? = cursor.map { .object([("cursor", .string($0))]) }
                let page = try await conversation.call("tools/list", params, version: modern)
                guard case .array(let list)? = page["tools"] else { throw .protocolError("the tools/list answer has no tools array") }
                tools += list
                cursor = page["nextCursor"]?.stringValue
                if cursor == nil { break }
            }
            if cursor != nil { throw .protocolError("tools/list still had a next page after \(pageLimit) pages") }
            lap("tools/list")
        }
        if modern == nil {
            phase.set("ping")
            _ = try await conversation.call("ping", version: nil)
            lap("ping")
        }

        var capabilities: [String] = []
        var extensions: [String] = []
        if case .object(let members)? = session.capabilities {
            for (name, value) in members {
                if name == "extensions", case .object(let named) = value {
                    extensions = named.map { $0.0 }
                } else {
                    capabilities.append(name)
                }
            }
        }
        let info = session.serverInfo
        var outcome = Outcome(era: session.era, protocolVersion: session.version, supportedVersions: session.supportedVersions,
                              serverName: info?["name"]?.stringValue, serverVersion: info?["version"]?.stringValue,
                              serverTitle: info?["title"]?.stringValue, capabilities: capabilities, extensions: extensions,
                              tools: tools, phases: phases)
        if let canary {
            phase.set("canary \(canary.tool)")
            outcome.canary = await call(canary, on: conversation, version: modern)
        }
        return outcome
    }

    /// Calls the canary: its failure is its own, never the handshake's, which passed.
    static func call(_ canary: Canary, on conversation: Conversation, version: String?) async -> CanaryResult {
        let start = ContinuousClock.now
        var result = CanaryResult(tool: canary.tool, passed: false, latency: .zero, reason: nil)
        do {
            let answer = try await conversation.call("tools/call", canary.params, version: version)
            result.reason = canary.failure(of: answer)
            result.passed = result.reason == nil
        } catch {
            result.reason = error.description
        }
        result.latency = start.duration(to: .now)
        return result
    }
}

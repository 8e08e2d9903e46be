/// Finds a server's era as the 2026-07-28 transport bindings say, and opens the session in it:
/// `server/discover` first; a `DiscoverResult` or a modern error (-32020…-32022) proves the
/// server modern, anything else (any other error, an HTTP 4xx without a modern body, silence on
/// stdio) makes it legacy, and `initialize` follows. Never keyed to one error code.
struct EraNegotiation {
    /// What the server said about itself when the session was opened.
    struct Session {
        var era: ProtocolEra
        var version: String
        /// `supportedVersions` of its `DiscoverResult`; for a legacy server, the version it chose.
        var supportedVersions: [String]
        var serverInfo: JSONValue?
        var capabilities: JSONValue?
    }

    /// How long a stdio server may stay silent on `server/discover` before `initialize` goes out
    /// too. claudesh then takes whichever answer proves the era, so a modern server slow to start
    /// is not taken for a legacy one, and a silent legacy server costs this, not the timeout.
    static let silentServerWait: Duration = .seconds(2)

    let conversation: Conversation
    let mode: ProtocolMode
    let phase: Handshake.Phase

    nonisolated(nonsending) func open() async throws(ProbeFailure) -> Session {
        if conversation.channel.isHandshakeOnly {
            guard mode != .modern else { throw .legacyOnly("its transport, HTTP+SSE, belongs to the handshake era (2024-11-05)") }
            return try await initialize()
        }
        if mode == .legacy { return try await legacyOnly() }
        var version = MCPProtocol.modernVersions[0]
        for attempt in 0..<2 {
            switch try await probe(version: version) {
            case .session(let session):
                return session
            case .retry(let mutual) where attempt == 0:
                version = mutual
            case .retry:
                throw .protocolError("the server refused server/discover at \(version), the version it named")
            }
        }
        throw .protocolError("no protocol version agreed")
    }

    private enum Step {
        case session(Session)
        /// A modern server named a version both speak: ask again with it.
        case retry(String)
    }

    /// One `server/discover` at `version`, with the legacy fallback racing it on stdio.
    nonisolated(nonsending) private func probe(version: String) async throws(ProbeFailure) -> Step {
        phase.set("server/discover")
        let discoverID: Int
        do {
            discoverID = try await conversation.send("server/discover", version: version)
        } catch .http(let status, _, let body) where (400..<500).contains(status) && status != 401 && status != 403 {
            // The channel passes a modern error body on as the reply; this one had none.
            guard mode == .auto else { throw .legacyOnly("it answered server/discover with HTTP \(status)\(body.isEmpty ? "" : ": " + body)") }
            return .session(try await initialize())
        }
        var initializeID: Int?
        var until: ContinuousClock.Instant? = conversation.channel.canStaySilent && mode == .auto ? .now + Self.silentServerWait : nil
        while true {
            let awaited = [discoverID] + (initializeID.map { [$0] } ?? [])
            guard let (id, reply) = try await conversation.reply(to: awaited, until: until) else {
                phase.set("initialize")
                initializeID = try await conversation.send("initialize", MCPProtocol.initializeParams(), version: nil)
                until = nil
                continue
            }
            if id == discoverID {
                switch try discovered(reply, at: version) {
                case .some(let step): return step
                case .none:
                    // Legacy: wait for the initialize already sent, or send it now.
                    if initializeID == nil {
                        phase.set("initialize")
                        initializeID = try await conversation.send("initialize", MCPProtocol.initializeParams(), version: nil)
                    }
                    until = nil
                }
            } else {
                switch reply {
                case .result(let result):
                    return .session(try legacySession(result))
                case .error(let code, let message, let data):
                    // A modern server that took the discover first may refuse initialize by
                    // naming its versions: that is modern evidence, not a broken server.
                    if code == MCPProtocol.ModernError.unsupportedProtocolVersion, let mutual = Self.mutualModern(data) {
                        return .retry(mutual)
                    }
                    throw .rejected(method: "initialize", code: code, message: message)
                }
            }
        }
    }

    /// What the reply to `server/discover` says: a step, or nil for a legacy server (auto only).
    private func discovered(_ reply: Conversation.Reply, at version: String) throws(ProbeFailure) -> Step? {
        switch reply {
        case .result(let result):
            let supported = result["supportedVersions"]?.arrayValue?.compactMap { $0.stringValue } ?? []
            if MCPProtocol.modernVersions.contains(version), supported.contains(version) {
                return .session(Session(era: .modern, version: version, supportedVersions: supported,
                                        serverInfo: result["_meta"]?["io.modelcontextprotocol/serverInfo"], capabilities: result["capabilities"]))
            }
            if let mutual = MCPProtocol.modernVersions.first(where: { supported.contains($0) }) { return .retry(mutual) }
            // It answers discover but offers only handshake versions: a legacy advertisement.
            guard mode == .auto else { throw .legacyOnly("its server/discover offers only \(supported.joined(separator: ", "))") }
            return nil
        case .error(let code, let message, let data):
            if code == MCPProtocol.ModernError.unsupportedProtocolVersion {
                if let mutual = Self.mutualModern(data) { return .retry(mutual) }
                let supported = Self.supported(data)
                // Modern, and no version in common: falling back would be wrong.
                if !supported.contains(where: { MCPProtocol.legacyVersions.contains($0) }) {
                    throw .noCommonVersion(offered: supported)
                }
            } else if MCPProtocol.ModernError.codes.contains(code) {
                throw .rejected(method: "server/discover", code: code, message: message)
            }
            guard mode == .auto else { throw .legacyOnly("it answered server/discover with \"\(message)\" (JSON-RPC error \(code))") }
            return nil
        }
    }

    /// `initialize`, then the legacy session it opens.
    nonisolated(nonsending) private func initialize() async throws(ProbeFailure) -> Session {
        phase.set("initialize")
        return try legacySession(try await conversation.call("initialize", MCPProtocol.initializeParams(), version: nil))
    }

    private func legacySession(_ result: JSONValue) throws(ProbeFailure) -> Session {
        guard let version = result["protocolVersion"]?.stringValue else {
            throw .protocolError("the initialize answer has no protocolVersion")
        }
        guard MCPProtocol.legacyVersions.contains(version) else { throw .unsupportedVersion(version) }
        return Session(era: .legacy, version: version, supportedVersions: [version], serverInfo: result["serverInfo"], capabilities: result["capabilities"])
    }

    /// `--protocol legacy`: `initialize` only. When the server refuses it, one `server/discover`
    /// tells a modern-only server (the reason says so) from a broken one.
    nonisolated(nonsending) private func legacyOnly() async throws(ProbeFailure) -> Session {
        do {
            return try await initialize()
        } catch .rejected(let method, let code, let message) {
            let refusal = ProbeFailure.rejected(method: method, code: code, message: message)
            phase.set("server/discover")
            guard let id = try? await conversation.send("server/discover", version: MCPProtocol.modernVersions[0]),
                  let answer = try? await conversation.reply(to: [id]) else { throw refusal }
            switch answer.reply {
            case .result(let result):
                let supported = result["supportedVersions"]?.arrayValue?.compactMap { $0.stringValue } ?? []
                if !supported.isEmpty { throw .modernOnly(supported: supported) }
            case .error(let code, _, let data) where code == MCPProtocol.ModernError.unsupportedProtocolVersion:
                throw .modernOnly(supported: Self.supported(data))
            case .error:
                break
            }
            throw refusal
        }
    }

    /// The versions a -32022 error's `data.supported` lists.
    static func supported(_ data: JSONValue?) -> [String] {
        data?["supported"]?.arrayValue?.compactMap { $0.stringValue } ?? []
    }

    /// The newest modern version both speak, from a -32022 error's data.
    static func mutualModern(_ data: JSONValue?) -> String? {
        let supported = supported(data)
        return MCPProtocol.modernVersions.first { supported.contains($0) }
    }
}

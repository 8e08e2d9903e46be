import Synchronization

/// The probe proper: `initialize`, `notifications/initialized`, `tools/list` (every page) and
/// `ping`, as a client does it, over any channel.
struct Handshake {
    struct Outcome: Sendable {
        var serverName: String?
        var serverVersion: String?
        var protocolVersion: String
        var toolCount: Int
    }

    /// Where the handshake is, for "timed out during tools/list".
    final class Phase: Sendable {
        private let current = Mutex("start-up")
        var name: String { current.withLock { $0 } }
        func set(_ name: String) { current.withLock { $0 = name } }
    }

    /// A server with more pages than this is looping on its cursor.
    static let pageLimit = 1000
    /// A server that asks more of the client than this while it should be answering is flooding it.
    static let serverRequestLimit = 100

    static func run(_ channel: MCPChannel, phase: Phase) async throws(ProbeFailure) -> Outcome {
        var nextID = 0
        func call(_ method: String, _ params: JSONValue? = nil) async throws(ProbeFailure) -> JSONValue {
            nextID += 1
            phase.set(method)
            try await channel.send(MCPProtocol.request(id: nextID, method: method, params: params), expectsAnswer: true)
            return try await answer(to: nextID, method: method, over: channel)
        }

        let initialized = try await call("initialize", MCPProtocol.initializeParams())
        guard let version = initialized["protocolVersion"]?.stringValue else {
            throw .protocolError("the initialize answer has no protocolVersion")
        }
        guard MCPProtocol.supportedVersions.contains(version) else { throw .unsupportedVersion(version) }
        phase.set("notifications/initialized")
        try await channel.send(MCPProtocol.notification(method: "notifications/initialized"), expectsAnswer: false)

        var tools = 0
        // A server without the tools capability may rightly refuse tools/list.
        if initialized["capabilities"]?["tools"] != nil {
            var cursor: String?
            for _ in 0..<pageLimit {
                let params: JSONValue? = cursor.map { .object([("cursor", .string($0))]) }
                let page = try await call("tools/list", params)
                guard case .array(let list)? = page["tools"] else { throw .protocolError("the tools/list answer has no tools array") }
                tools += list.count
                cursor = page["nextCursor"]?.stringValue
                if cursor == nil { break }
            }
            if cursor != nil { throw .protocolError("tools/list still had a next page after \(pageLimit) pages") }
        }
        _ = try await call("ping")
        let info = initialized["serverInfo"]
        return Outcome(serverName: info?["name"]?.stringValue, serverVersion: info?["version"]?.stringValue, protocolVersion: version, toolCount: tools)
    }

    /// Reads until the answer to `id`, answering the server's own requests on the way.
    private static func answer(to id: Int, method: String, over channel: MCPChannel) async throws(ProbeFailure) -> JSONValue {
        var answered = 0
        while true {
            let message = try await channel.receive()
            switch MCPProtocol.classify(message) {
            case .response(let answered, let result)? where answered == .int(id):
                return result
            case .error(let answered, let code, let text)? where answered == .int(id) || answered == .null:
                throw .rejected(method: method, code: code, message: text)
            case .request(let requestID, let requested)?:
                answered += 1
                guard answered <= serverRequestLimit else {
                    throw .protocolError("the server sent \(serverRequestLimit) requests of its own instead of answering \(method)")
                }
                try await channel.send(MCPProtocol.answer(to: requestID, method: requested), expectsAnswer: false)
            case .response?, .error?, .notification?:
                continue // log messages, progress, answers to nothing we asked
            case nil:
                throw .protocolError("not a JSON-RPC message: \(message.serialized().clipped(80))")
            }
        }
    }
}

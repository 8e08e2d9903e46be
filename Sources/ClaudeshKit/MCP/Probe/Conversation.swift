/// Requests and their answers over one channel: ids, the `_meta` envelope of a modern request,
/// the server's own requests answered on the way, notifications handed to whoever waits.
final class Conversation {
    enum Reply {
        case result(JSONValue)
        case error(code: Int, message: String, data: JSONValue?)
    }

    let channel: MCPChannel
    private var lastID = 0
    private var serverRequests = 0

    /// A server that asks more of the client than this while it should be answering is flooding it.
    static let serverRequestLimit = 100

    init(_ channel: MCPChannel) { self.channel = channel }

    /// Sends a request, modern when `version` is given; returns its id.
    nonisolated(nonsending) func send(_ method: String, _ params: JSONValue? = nil, version: String?) async throws(ProbeFailure) -> Int {
        let id = reserveID()
        try await send(method, params, version: version, id: id)
        return id
    }

    /// The id the next request goes under: taken before it is sent by a client that must be
    /// ready for its answer first (a send may wait for room, and the answer come before it ends).
    func reserveID() -> Int {
        lastID += 1
        return lastID
    }

    /// Sends a request under an id from `reserveID`.
    nonisolated(nonsending) func send(_ method: String, _ params: JSONValue?, version: String?, id: Int) async throws(ProbeFailure) {
        serverRequests = 0 // the bound is per request the client waits on
        let message = if let version {
            MCPProtocol.modernRequest(id: id, method: method, params: params, version: version)
        } else {
            MCPProtocol.request(id: id, method: method, params: params)
        }
        try await channel.send(message, expectsAnswer: true)
    }

    nonisolated(nonsending) func notify(_ method: String, _ params: JSONValue? = nil) async throws(ProbeFailure) {
        try await channel.send(MCPProtocol.notification(method: method, params: params), expectsAnswer: false)
    }

    /// The reply to one of `ids`, or nil when `until` passes first. An error without an id (the
    /// server could not read the request's, JSON-RPC 2.0) is taken as the reply to the first. Notifications on the way go to `onNotification`.
    nonisolated(nonsending) func reply(to ids: [Int], until: ContinuousClock.Instant? = nil,
                                       onNotification: ((_ method: String, _ params: JSONValue?) -> Void)? = nil) async throws(ProbeFailure) -> (id: Int, reply: Reply)? {
        while true {
            let message: JSONValue
            if let until {
                guard let next = try await channel.receive(until: until) else { return nil }
                message = next
            } else {
                message = try await channel.receive()
            }
            switch MCPProtocol.classify(message) {
            case .response(.int(let id), let result)? where ids.contains(id):
                return (id, .result(result))
            case .error(let id, let code, let text, let data)?:
                if case .int(let number) = id, ids.contains(number) { return (number, .error(code: code, message: text, data: data)) }
                if id == .null, let first = ids.first { return (first, .error(code: code, message: text, data: data)) }
            case .request(let requestID, let requested)?:
                serverRequests += 1
                guard serverRequests <= Self.serverRequestLimit else {
                    throw .protocolError("the server sent \(Self.serverRequestLimit) requests of its own instead of answering")
                }
                try await channel.send(MCPProtocol.answer(to: requestID, method: requested), expectsAnswer: false)
            case .notification(let method)?:
                onNotification?(method, message["params"])
            case .response?:
                break // answers to what is no longer awaited
            case nil:
                throw .protocolError("not a JSON-RPC message: \(message.serialized().clipped(80))")
            }
        }
    }

    /// Sends `method` and waits for its result; a refusal is a failure, and so is a modern result
    /// that is not `complete`.
    nonisolated(nonsending) func call(_ method: String, _ params: JSONValue? = nil, version: String?) async throws(ProbeFailure) -> JSONValue {
        let id = try await send(method, params, version: version)
        guard let (_, reply) = try await reply(to: [id]) else { throw .protocolError("no answer to \(method)") }
        switch reply {
        case .error(let code, let message, _):
            throw .rejected(method: method, code: code, message: message)
        case .result(let result):
            try Self.checkResultType(result, of: method, modern: version != nil)
            return result
        }
    }

    /// A modern result is read by its `resultType`: `complete` is the answer, `input_required`
    /// the server asking for input, anything else not this revision.
    static func checkResultType(_ result: JSONValue, of method: String, modern: Bool) throws(ProbeFailure) {
        guard modern, let type = result["resultType"] else { return }
        switch type.stringValue {
        case "complete"?: break
        case "input_required"?: throw .inputRequired(method: method)
        default: throw .protocolError("\(method) answered with resultType \(type.serialized().clipped(40))")
        }
    }
}

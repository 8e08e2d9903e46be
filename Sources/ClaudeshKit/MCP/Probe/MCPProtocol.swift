/// The parts of the Model Context Protocol a client needs to prove a server works: the protocol
/// versions claudesh speaks and the JSON-RPC 2.0 messages of the handshake.
enum MCPProtocol {
    /// Newest first; `initialize` offers the first and accepts any of them back.
    static let supportedVersions = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]
    static var latestVersion: String { supportedVersions[0] }
    static let clientName = "claudesh"
    static var clientVersion: String { Claudesh.version }
    /// The longest message claudesh reads, on any transport: a tools/list of a few hundred tools
    /// is well under a megabyte, and a message this long parses within tens of megabytes.
    static let messageLimit = 4 << 20

    static func request(id: Int, method: String, params: JSONValue? = nil) -> JSONValue {
        var members: [(String, JSONValue)] = [("jsonrpc", .string("2.0")), ("id", .int(id)), ("method", .string(method))]
        if let params { members.append(("params", params)) }
        return .object(members)
    }

    static func notification(method: String) -> JSONValue {
        .object([("jsonrpc", .string("2.0")), ("method", .string(method))])
    }

    static func initializeParams() -> JSONValue {
        .object([
            ("protocolVersion", .string(latestVersion)),
            ("capabilities", .object([])),
            ("clientInfo", .object([("name", .string(clientName)), ("version", .string(clientVersion))])),
        ])
    }

    /// What a message from the server is.
    enum Incoming {
        case response(id: JSONValue, result: JSONValue)
        case error(id: JSONValue, code: Int, message: String)
        case request(id: JSONValue, method: String)
        case notification(method: String)
    }

    static func classify(_ message: JSONValue) -> Incoming? {
        guard case .object = message else { return nil }
        let method = message["method"]?.stringValue
        // An error may carry a null id: the server could not read the request's (JSON-RPC 2.0).
        if method == nil, let error = message["error"] {
            let code: Int
            if case .int(let value)? = error["code"] { code = value } else { code = 0 }
            return .error(id: message["id"] ?? .null, code: code, message: error["message"]?.stringValue ?? "no message")
        }
        if let id = message["id"], id != .null {
            if let method { return .request(id: id, method: method) }
            if let result = message["result"] { return .response(id: id, result: result) }
            return nil
        }
        if let method { return .notification(method: method) }
        return nil
    }

    /// The answer to a request the server sends the client during the probe: `ping` is answered,
    /// anything else (sampling, roots, elicitation) is declined, as a client without them must.
    static func answer(to id: JSONValue, method: String) -> JSONValue {
        if method == "ping" {
            return .object([("jsonrpc", .string("2.0")), ("id", id), ("result", .object([]))])
        }
        return .object([
            ("jsonrpc", .string("2.0")), ("id", id),
            ("error", .object([("code", .int(-32601)), ("message", .string("claudesh does not offer \(method)"))])),
        ])
    }
}

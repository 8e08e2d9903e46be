/// The parts of the Model Context Protocol a client needs to prove a server works: the protocol
/// versions claudesh speaks in each era and the JSON-RPC 2.0 messages of both.
enum MCPProtocol {
    /// The stateless revisions, newest first: each request names one in its `_meta`.
    static let modernVersions = ["2026-07-28"]
    /// The handshake revisions, newest first; `initialize` offers the first and accepts any back.
    static let legacyVersions = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]
    /// Every version claudesh speaks, newest first.
    static var supportedVersions: [String] { modernVersions + legacyVersions }
    static var latestVersion: String { legacyVersions[0] }
    static let clientName = "claudesh"
    static var clientVersion: String { Claudesh.version }
    /// The longest message claudesh reads, on any transport: a tools/list of a few hundred tools
    /// is well under a megabyte, and a message this long parses within tens of megabytes.
    static let messageLimit = 4 << 20

    /// The errors only a modern server answers with (2026-07-28, basic/index): a reply carrying
    /// one proves the server modern, whatever it refused.
    enum ModernError {
        static let headerMismatch = -32020
        static let missingRequiredClientCapability = -32021
        static let unsupportedProtocolVersion = -32022
        static let codes: Set<Int> = [headerMismatch, missingRequiredClientCapability, unsupportedProtocolVersion]
    }

    static var clientInfo: JSONValue {
        .object([("name", .string(clientName)), ("version", .string(clientVersion))])
    }

    /// What every modern request carries in `params._meta`: its version, the client's
    /// capabilities (none: claudesh offers no sampling, roots or elicitation) and the client.
    static func meta(version: String) -> JSONValue {
        .object([
            ("io.modelcontextprotocol/protocolVersion", .string(version)),
            ("io.modelcontextprotocol/clientCapabilities", .object([])),
            ("io.modelcontextprotocol/clientInfo", clientInfo),
        ])
    }

    /// A modern request: `params` with the `_meta` envelope first (what `params` has in its own
    /// `_meta`, such as a progress token, after the envelope's members).
    static func modernRequest(id: Int, method: String, params: JSONValue? = nil, version: String) -> JSONValue {
        guard case .object(var envelope) = meta(version: version) else { return request(id: id, method: method, params: params) }
        if case .object(let given)? = params?["_meta"] { envelope += given.filter { name, _ in !envelope.contains { $0.0 == name } } }
        var members: [(String, JSONValue)] = [("_meta", .object(envelope))]
        if case .object(let given)? = params { members += given.filter { $0.0 != "_meta" } }
        return request(id: id, method: method, params: .object(members))
    }

    /// The methods whose target a modern HTTP request mirrors in `Mcp-Name`, and the param
    /// that names it (2026-07-28, transports).
    static let namedTargets = ["tools/call": "name", "prompts/get": "name", "resources/read": "uri"]

    /// A value as an HTTP header carries it: printable ASCII without edge spaces as it is,
    /// anything else as `=?base64?...?=`, the transport's sentinel, so the bytes survive.
    static func headerValue(_ value: String) -> String {
        let printable = value.utf8.allSatisfy { (0x20...0x7E).contains($0) }
        let looksEncoded = value.hasPrefix("=?base64?") && value.hasSuffix("?=")
        if printable, value == value.trimmingWhitespace, !looksEncoded { return value }
        return "=?base64?" + Base64.encode(Array(value.utf8)) + "?="
    }

    /// The version a request names in its `_meta`, when it is a modern one.
    static func modernVersion(of message: JSONValue) -> String? {
        message["params"]?["_meta"]?["io.modelcontextprotocol/protocolVersion"]?.stringValue
    }

    static func request(id: Int, method: String, params: JSONValue? = nil) -> JSONValue {
        var members: [(String, JSONValue)] = [("jsonrpc", .string("2.0")), ("id", .int(id)), ("method", .string(method))]
        if let params { members.append(("params", params)) }
        return .object(members)
    }

    static func notification(method: String, params: JSONValue? = nil) -> JSONValue {
        var members: [(String, JSONValue)] = [("jsonrpc", .string("2.0")), ("method", .string(method))]
        if let params { members.append(("params", params)) }
        return .object(members)
    }

    /// The lists whose changes a server announces (`notifications/tools/list_changed`), as the
    /// capabilities and a listen stream's filter name them (`tools`, `toolsListChanged`).
    static let listKinds = ["tools", "prompts", "resources"]

    /// `tools` of `notifications/tools/list_changed`.
    static func listKind(ofChange method: String) -> String? {
        listKinds.first { method == "notifications/\($0)/list_changed" }
    }

    /// The `_meta` a `subscriptions/listen` stream's frames carry: the request's id.
    static func subscriptionMeta(_ id: JSONValue) -> JSONValue {
        .object([("io.modelcontextprotocol/subscriptionId", id)])
    }

    static func initializeParams() -> JSONValue {
        .object([
            ("protocolVersion", .string(latestVersion)),
            ("capabilities", .object([])),
            ("clientInfo", clientInfo),
        ])
    }

    /// What a message from the server is.
    enum Incoming {
        case response(id: JSONValue, result: JSONValue)
        case error(id: JSONValue, code: Int, message: String, data: JSONValue?)
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
            return .error(id: message["id"] ?? .null, code: code, message: error["message"]?.stringValue ?? "no message", data: error["data"])
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

/// One POST of a JSON-RPC message and what came back, as JSON or as an SSE stream.
struct HTTPExchange: Sendable {
    var status: Int
    var sessionID: String?
    var messages: [JSONValue]
    /// The start of an error body, for the failure message.
    var snippet: String
    /// An error status's body when it is one JSON-RPC error: how a modern server refuses.
    var errorReply: JSONValue?
    /// The challenge of a 401 or 403 (`WWW-Authenticate`): the server wants authorization.
    var challenge: String?

    /// Posts `message`. With `answerID`, reads the answer from the body (JSON, or an event stream
    /// until the answer to that id); without, only the status matters (202 for notifications).
    /// With `replyHeaders` (a handshake-era session), a request of the server's own on the stream
    /// (a ping, an elicitation) is answered at once in a POST of its own with those headers: the
    /// server waits for that answer before it finishes the stream, so it cannot wait for the end.
    static func post(_ message: JSONValue, to url: HTTPURL, headers: [(String, String)], answerID: JSONValue?, deadline: ContinuousClock.Instant, session: HTTPSession,
                     limit: Int = MCPProtocol.messageLimit, replyHeaders: [(String, String)]? = nil,
                     onNotification: (@Sendable (String, JSONValue?) -> Void)? = nil) async throws(ProbeFailure) -> HTTPExchange {
        let request = HTTPClient.Request("POST", url, headers: headers, body: message.serializedBytes())
        let outcome: Result<HTTPExchange, ProbeFailure>
        do {
            outcome = try await session.run { () throws(NetError) -> Result<HTTPExchange, ProbeFailure> in
                let response = try HTTPClient.send(request, deadline: deadline, session: session)
                // What is left of the body (often nothing, or the end of a stream whose answer
                // came) is read, so that the next request can reuse the connection.
                defer { response.finish(within: .milliseconds(100), deadline: deadline) }
                var exchange = HTTPExchange(status: response.status, sessionID: response.header("mcp-session-id"), messages: [], snippet: "")
                var answered = 0
                guard (200..<300).contains(response.status) else {
                    let body = try response.readAll(limit: errorBodyLimit, deadline: deadline)
                    exchange.snippet = snippet(body)
                    exchange.challenge = response.header("www-authenticate")
                    if let value = try? JSONParser.parse(body), case .error? = MCPProtocol.classify(value) { exchange.errorReply = value }
                    return .success(exchange)
                }
                guard answerID != nil else { return .success(exchange) }
                switch response.contentType {
                case "text/event-stream":
                    var parser = SSEParser(limit: limit)
                    reading: while let piece = try response.next(deadline: deadline) {
                        // An event with empty data primes the client for resumption (2025-11-25).
                        for event in parser.feed(piece) where event.type == "message" && !event.data.trimmingWhitespace.isEmpty {
                            guard let value = try? JSONParser.parse(event.data) else {
                                return .failure(.notMCP(firstBytes: ProbeFailure.printable(Array(event.data.utf8))))
                            }
                            // Notifications (log lines, progress) are handed on as they come, not
                            // kept: a server could send them without end.
                            if let method = value["method"]?.stringValue, value["id"] == nil {
                                onNotification?(method, value["params"])
                                continue
                            }
                            if let replyHeaders, let method = value["method"]?.stringValue, let id = value["id"] {
                                answered += 1
                                guard answered <= Conversation.serverRequestLimit else {
                                    return .failure(.protocolError("the server sent \(Conversation.serverRequestLimit) requests of its own instead of answering"))
                                }
                                // The session the server gave with this very response, when the
                                // request carried none yet (a server asking during initialize).
                                var headers = replyHeaders
                                if let given = exchange.sessionID, !headers.contains(where: { $0.0.lowercased() == "mcp-session-id" }) {
                                    headers.append(("Mcp-Session-Id", given))
                                }
                                // A reply that cannot be sent costs the server its answer, not the call:
                                // the stream goes on, bounded by the call's deadline.
                                try? reply(MCPProtocol.answer(to: id, method: method), to: url, headers: headers, deadline: deadline, session: session)
                                continue
                            }
                            exchange.messages.append(value)
                            if let answerID, value["id"] == answerID, value["method"] == nil { break reading }
                            guard exchange.messages.count <= Conversation.serverRequestLimit else {
                                return .failure(.protocolError("the server sent \(Conversation.serverRequestLimit) messages on one stream without the answer"))
                            }
                        }
                        if parser.isOverLimit { return .failure(.messageTooLarge(limit: limit)) }
                    }
                case "application/json":
                    var body: [UInt8] = []
                    while let piece = try response.next(deadline: deadline) {
                        body += piece
                        guard body.count <= limit else { return .failure(.messageTooLarge(limit: limit)) }
                    }
                    guard let value = try? JSONParser.parse(body) else { return .failure(.notMCP(firstBytes: ProbeFailure.printable(body))) }
                    if case .array(let batch) = value { exchange.messages = batch } else { exchange.messages = [value] }
                default:
                    let body = try response.readAll(limit: 400, deadline: deadline)
                    let shown = body.isEmpty ? "(an empty \(response.contentType.isEmpty ? "untyped" : response.contentType) body)" : ProbeFailure.printable(body)
                    return .failure(.notMCP(firstBytes: shown))
                }
                return .success(exchange)
            }
        } catch {
            throw ProbeFailure(error)
        }
        return try outcome.get()
    }

    /// Posts the client's answer to a server's request while the stream that carried the request
    /// is still being read: on a connection of its own. The server acknowledges it (202) or not;
    /// either way the call goes on, bounded by its deadline.
    private static func reply(_ answer: JSONValue, to url: HTTPURL, headers: [(String, String)], deadline: ContinuousClock.Instant, session: HTTPSession) throws(NetError) {
        let request = HTTPClient.Request("POST", url, headers: headers, body: answer.serializedBytes())
        let response = try HTTPClient.send(request, deadline: deadline, session: session, sharing: false)
        response.finish(within: .milliseconds(100), deadline: deadline)
    }

    /// A 401 or 403 with a `WWW-Authenticate` challenge to an entry that sends no credentials of
    /// its own: the server wants a sign-in (OAuth) that Claude does and claudesh does not. Nil
    /// for any other refusal.
    static func authorizationWanted(status: Int, challenge: String?, sent headers: [(String, String)]) -> ProbeFailure? {
        guard status == 401 || status == 403, let challenge, !headers.contains(where: { $0.0.lowercased() == "authorization" }) else { return nil }
        return .needsAuthorization(status: status, resourceMetadata: resourceMetadata(in: challenge))
    }

    /// The `resource_metadata` parameter of a `WWW-Authenticate` challenge (RFC 9728): where the
    /// server says how to get a token.
    static func resourceMetadata(in challenge: String) -> String? {
        // `Bearer realm="mcp", resource_metadata="https://…"`: parameters split at commas and at
        // the scheme's space; a URL holds neither.
        for part in challenge.split(whereSeparator: { $0 == "," || $0 == " " }) {
            guard let equals = part.firstIndex(of: "="), part[..<equals].lowercased() == "resource_metadata" else { continue }
            var value = part[part.index(after: equals)...]
            if value.first == "\"" { value = value.dropFirst() }
            if value.last == "\"" { value = value.dropLast() }
            return value.isEmpty ? nil : String(value)
        }
        return nil
    }

    /// Enough of an error body for a JSON-RPC error with a list of versions.
    static let errorBodyLimit = 16 << 10

    /// The first line of an error body, printable and short.
    static func snippet(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(400), as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.trimmingWhitespace.clipped(120)
    }
}

import Synchronization

/// MCP's streamable HTTP transport: each message is a POST; answers come back as JSON or as an
/// SSE stream. A server that refuses the first POST with 400, 404 or 405 is an older HTTP+SSE
/// server, and the channel falls back to that transport, as the spec tells clients to.
final class StreamableHTTPChannel: MCPChannel {
    private let url: HTTPURL
    private let headers: [(String, String)]
    private var deadline: ContinuousClock.Instant
    /// Replaced after an interruption stopped its transfers: the session goes on. Boxed, so an
    /// interruption stops the one in use when it comes, not the one of when it was asked for.
    private let sessions = CurrentSession()
    private var session: HTTPSession { sessions.value }
    private let aborted = Latch()
    private var sessionID: String?
    private var protocolVersion: String?
    private var inbox: [JSONValue] = []
    private var legacy: LegacySSEChannel?

    /// The longest answer read (a JSON body, or one event of a stream).
    private let messageLimit: Int

    init(url: HTTPURL, headers: [(String, String)], deadline: ContinuousClock.Instant, messageLimit: Int = MCPProtocol.messageLimit) {
        self.messageLimit = messageLimit
        self.url = url
        self.headers = headers
        self.deadline = deadline
    }

    /// The fallback channel shares the session, so this reaches it too.
    /// Stops the session for good: an aborted channel sends nothing more.
    var abort: @Sendable () -> Void {
        let sessions = self.sessions
        let aborted = self.aborted
        return {
            aborted.stop()
            sessions.value.stopAll()
        }
    }

    /// Closes the exchange in flight (the stateless revision's cancellation); the next request
    /// goes on a new connection.
    var interrupt: @Sendable () -> Void {
        if let legacy { return legacy.interrupt }
        let sessions = self.sessions
        return { sessions.value.stopAll() }
    }

    private var notificationHandler: (@Sendable (String, JSONValue?) -> Void)?
    private var extraHeaders: [(String, String)] = []

    func setRequestHeaders(_ headers: [(String, String)]) { extraHeaders = headers }

    func setNotificationHandler(_ handler: (@Sendable (_ method: String, _ params: JSONValue?) -> Void)?) {
        notificationHandler = handler
    }

    func setDeadline(_ instant: ContinuousClock.Instant) {
        deadline = instant
        legacy?.setDeadline(instant)
    }

    nonisolated(nonsending) func send(_ message: JSONValue, expectsAnswer: Bool) async throws(ProbeFailure) {
        if let legacy { return try await legacy.send(message, expectsAnswer: expectsAnswer) }
        if !aborted.isStopped { sessions.renewIfStopped() }
        let method = message["method"]?.stringValue ?? "an answer"
        var requestHeaders = [("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream")]
        let modern = MCPProtocol.modernVersion(of: message)
        if let modern {
            // 2026-07-28: the version, the method and its target mirrored into headers, and no session.
            requestHeaders += [("MCP-Protocol-Version", modern), ("Mcp-Method", method)]
            if let key = MCPProtocol.namedTargets[method], let target = message["params"]?[key]?.stringValue {
                requestHeaders.append(("Mcp-Name", MCPProtocol.headerValue(target)))
            }
            requestHeaders += extraHeaders
        } else {
            if let sessionID { requestHeaders.append(("Mcp-Session-Id", sessionID)) }
            if let protocolVersion { requestHeaders.append(("MCP-Protocol-Version", protocolVersion)) }
        }
        requestHeaders += headers
        // A handshake-era server may ask something of the client on the stream of a request
        // (2026-07-28 has no such requests: a server asks with an input_required result).
        let replyHeaders = modern == nil && expectsAnswer ? requestHeaders : nil
        let exchange = try await HTTPExchange.post(message, to: url, headers: requestHeaders, answerID: expectsAnswer ? message["id"] : nil, deadline: deadline, session: session, limit: messageLimit,
                                                 replyHeaders: replyHeaders, onNotification: notificationHandler)
        guard (200..<300).contains(exchange.status) else {
            // Asked to authorize, and the entry sends no credentials of its own: Claude signs in
            // with OAuth, which claudesh does not hold. The server is up, not down.
            if let failure = HTTPExchange.authorizationWanted(status: exchange.status, challenge: exchange.challenge, sent: headers) { throw failure }
            // A modern server refuses with 400 (or 404 for an unknown method) and a JSON-RPC
            // error in the body: that error is the reply. Any other refusal is the status.
            if let reply = exchange.errorReply, Self.isModernRefusal(reply, status: exchange.status, modernRequest: modern != nil) {
                inbox.append(reply)
                return
            }
            if method == "initialize" && [400, 404, 405].contains(exchange.status) {
                let fallback = LegacySSEChannel(url: url, headers: headers, deadline: deadline, session: session, messageLimit: messageLimit)
                legacy = fallback
                return try await fallback.send(message, expectsAnswer: expectsAnswer)
            }
            throw .http(status: exchange.status, method: method, body: exchange.snippet)
        }
        if method == "initialize" {
            sessionID = exchange.sessionID
            protocolVersion = exchange.messages.first { $0["id"] == message["id"] }?["result"]?["protocolVersion"]?.stringValue
        }
        if expectsAnswer && exchange.messages.isEmpty {
            throw .protocolError("HTTP \(exchange.status) to \(method) carried no answer")
        }
        inbox += exchange.messages
    }

    /// A JSON-RPC error only a modern server sends: a modern code (to any request: a modern-only
    /// server refuses `initialize` so), or "method not found" on a 404 to a modern request (which
    /// tells a modern endpoint from a path that is no MCP endpoint at all).
    static func isModernRefusal(_ reply: JSONValue, status: Int, modernRequest: Bool) -> Bool {
        guard case .error(_, let code, _, _)? = MCPProtocol.classify(reply) else { return false }
        return MCPProtocol.ModernError.codes.contains(code) || (modernRequest && code == -32601 && status == 404)
    }

    nonisolated(nonsending) func receive(until instant: ContinuousClock.Instant) async throws(ProbeFailure) -> JSONValue? {
        if let legacy { return try await legacy.receive(until: instant) }
        return try await receive()
    }

    nonisolated(nonsending) func receive() async throws(ProbeFailure) -> JSONValue {
        if let legacy { return try await legacy.receive() }
        guard !inbox.isEmpty else { throw .protocolError("the server sent no answer") }
        return inbox.removeFirst()
    }

    /// Ends the session with DELETE, as the spec asks; a server may refuse it (405), which is fine.
    nonisolated(nonsending) func close() async {
        if let legacy { return await legacy.close() }
        guard let sessionID else { return }
        var requestHeaders = [("Mcp-Session-Id", sessionID)] + headers
        if let protocolVersion { requestHeaders.append(("MCP-Protocol-Version", protocolVersion)) }
        let request = HTTPClient.Request("DELETE", url, headers: requestHeaders)
        // On the probe's connection, unless a deadline stopped the session.
        let session = self.session.isStopped ? HTTPSession() : self.session
        let until = ContinuousClock.now + .seconds(2)
        _ = try? await session.run { () throws(NetError) in
            _ = try HTTPClient.send(request, deadline: until, session: session).readAll(limit: 400, deadline: until)
        }
    }
}

/// The HTTP session a channel uses now: a new one after an interruption stopped the last.
final class CurrentSession: Sendable {
    private let current = Mutex(HTTPSession())

    var value: HTTPSession { current.withLock { $0 } }

    /// A new session when this one was stopped (its transfers can no longer run).
    func renewIfStopped() {
        current.withLock { session in
            if session.isStopped { session = HTTPSession() }
        }
    }
}

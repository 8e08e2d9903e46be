@preconcurrency import Dispatch

/// MCP's older HTTP+SSE transport (protocol 2024-11-05): a GET opens an event stream whose
/// first `endpoint` event names where to POST; answers come back on the stream.
final class LegacySSEChannel: MCPChannel {
    /// The 2024-11-05 transport: the handshake era only.
    var isHandshakeOnly: Bool { true }

    private let url: HTTPURL
    private let headers: [(String, String)]
    private let deadline: ContinuousClock.Instant
    private let session: HTTPSession
    private var events: BoundedStream<Result<SSEParser.Event, ProbeFailure>>.AsyncIterator?
    private var endpoint: HTTPURL?

    init(url: HTTPURL, headers: [(String, String)], deadline: ContinuousClock.Instant, session: HTTPSession = HTTPSession()) {
        self.url = url
        self.headers = headers
        self.deadline = deadline
        self.session = session
    }

    var abort: @Sendable () -> Void {
        let session = self.session
        return { session.stopAll() }
    }

    /// Opens the stream and waits for the endpoint.
    private func open() async throws(ProbeFailure) -> HTTPURL {
        let (stream, feeder) = BoundedStream<Result<SSEParser.Event, ProbeFailure>>.make(window: 64)
        let request = HTTPClient.Request("GET", url, headers: [("Accept", "text/event-stream")] + headers)
        let deadline = self.deadline
        let session = self.session
        let headers = self.headers
        let opened: Result<HTTPURL, ProbeFailure>
        do {
            opened = try await session.run { () throws(NetError) -> Result<HTTPURL, ProbeFailure> in
                // The stream stays open while the POSTs go: a connection of its own.
                let response = try HTTPClient.send(request, deadline: deadline, session: session, sharing: false)
                guard response.status == 200 else {
                    if let wanted = HTTPExchange.authorizationWanted(status: response.status, challenge: response.header("www-authenticate"), sent: headers) {
                        return .failure(wanted)
                    }
                    let body = HTTPExchange.snippet((try? response.readAll(limit: 400, deadline: deadline)) ?? [])
                    return .failure(.http(status: response.status, method: "GET (event stream)", body: body))
                }
                guard response.contentType == "text/event-stream" else {
                    let body = (try? response.readAll(limit: 400, deadline: deadline)) ?? []
                    return .failure(.notMCP(firstBytes: ProbeFailure.printable(body)))
                }
                // The stream is read for the channel's life by its own thread, events passed on
                // as they arrive.
                let streamURL = response.url
                let reader = UnsafeTransfer(response)
                Blocking.run("sse-reader") {
                    defer { feeder.finish() }
                    var parser = SSEParser(limit: MCPProtocol.messageLimit)
                    while let piece = try? reader.value.next(deadline: deadline) {
                        for event in parser.feed(piece) {
                            guard feeder.send(.success(event), unless: { session.isStopped }) else { return }
                        }
                        if parser.isOverLimit {
                            _ = feeder.send(.failure(.messageTooLarge(limit: MCPProtocol.messageLimit)), unless: { session.isStopped })
                            return
                        }
                    }
                }
                return .success(streamURL)
            }
        } catch {
            throw ProbeFailure(error)
        }
        // Where the stream came from, after any redirect: the endpoint is resolved against it.
        let streamURL = try opened.get()
        events = stream.makeAsyncIterator()
        while let next = await events?.next() {
            let event = try next.get()
            if event.type == "endpoint" {
                let endpoint: HTTPURL
                do { endpoint = try streamURL.resolving(event.data.trimmingWhitespace) } catch { throw .protocolError("a bad endpoint event: \(error)") }
                // The entry's headers (tokens) go to the stream's own origin only.
                guard endpoint.origin.lowercased() == streamURL.origin.lowercased() else {
                    throw .protocolError("the endpoint event names another origin (\(endpoint.origin), not \(streamURL.origin)); refusing to send it the entry's headers")
                }
                return endpoint
            }
        }
        throw .connection("the server closed its event stream before naming an endpoint")
    }

    func send(_ message: JSONValue, expectsAnswer: Bool) async throws(ProbeFailure) {
        if endpoint == nil { endpoint = try await open() }
        let method = message["method"]?.stringValue ?? "an answer"
        let exchange = try await HTTPExchange.post(message, to: endpoint!, headers: [("Content-Type", "application/json")] + headers, answerID: nil, deadline: deadline, session: session)
        guard (200..<300).contains(exchange.status) else { throw .http(status: exchange.status, method: method, body: exchange.snippet) }
    }

    func receive() async throws(ProbeFailure) -> JSONValue {
        while !session.isStopped, let next = await events?.next() {
            let event = try next.get()
            guard event.type == "message", !event.data.trimmingWhitespace.isEmpty else { continue }
            guard let value = try? JSONParser.parse(event.data) else { throw .notMCP(firstBytes: ProbeFailure.printable(Array(event.data.utf8))) }
            return value
        }
        throw .connection("the server closed its event stream")
    }

    func close() async { session.stopAll() }
}

/// Hands a value that is used by one thread at a time to another thread.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

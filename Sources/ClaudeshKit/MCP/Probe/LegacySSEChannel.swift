@preconcurrency import Dispatch

/// MCP's older HTTP+SSE transport (protocol 2024-11-05): a GET opens an event stream whose
/// first `endpoint` event names where to POST; answers come back on the stream.
final class LegacySSEChannel: MCPChannel {
    /// The 2024-11-05 transport: the handshake era only.
    var isHandshakeOnly: Bool { true }

    private let url: HTTPURL
    private let headers: [(String, String)]
    /// The event stream's: it stays open for the session's life.
    private let streamDeadline: ContinuousClock.Instant
    /// The POSTs': each request's own, once a client sets it.
    private var deadline: ContinuousClock.Instant
    private let session: HTTPSession
    private var events: BoundedStream<Result<SSEParser.Event, ProbeFailure>>.AsyncIterator?
    private var feeder: BoundedStream<Result<SSEParser.Event, ProbeFailure>>.Feeder?
    private var endpoint: HTTPURL?
    private let interruption = Signal()
    private var alarm: (instant: ContinuousClock.Instant, task: Task<Void, Never>)?
    /// What the alarm and `interrupt` hand the reader of events: it carries nothing.
    private static let wake = Result<SSEParser.Event, ProbeFailure>.success(SSEParser.Event(type: "", data: ""))

    /// The longest event read as one message.
    private let messageLimit: Int

    init(url: HTTPURL, headers: [(String, String)], deadline: ContinuousClock.Instant, session: HTTPSession = HTTPSession(), messageLimit: Int = MCPProtocol.messageLimit) {
        self.messageLimit = messageLimit
        self.url = url
        self.headers = headers
        self.deadline = deadline
        streamDeadline = deadline
        self.session = session
    }

    func setDeadline(_ instant: ContinuousClock.Instant) { deadline = instant }

    func clearInterruption() { _ = interruption.take() }

    /// Wakes the reader of events: the stream stays open (answers to other requests come on it).
    var interrupt: @Sendable () -> Void {
        let feeder = self.feeder
        let interruption = self.interruption
        return {
            interruption.raise()
            feeder?.wake(with: Self.wake)
        }
    }

    var abort: @Sendable () -> Void {
        let session = self.session
        return { session.stopAll() }
    }

    /// Opens the stream and waits for the endpoint.
    nonisolated(nonsending) private func open() async throws(ProbeFailure) -> HTTPURL {
        let (stream, feeder) = BoundedStream<Result<SSEParser.Event, ProbeFailure>>.make(window: 64)
        self.feeder = feeder
        let request = HTTPClient.Request("GET", url, headers: [("Accept", "text/event-stream")] + headers)
        let deadline = streamDeadline
        let session = self.session
        let headers = self.headers
        let limit = messageLimit
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
                    var parser = SSEParser(limit: limit)
                    while let piece = try? reader.value.next(deadline: deadline) {
                        for event in parser.feed(piece) {
                            guard feeder.send(.success(event), unless: { session.isStopped }) else { return }
                        }
                        if parser.isOverLimit {
                            _ = feeder.send(.failure(.messageTooLarge(limit: limit)), unless: { session.isStopped })
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
        while let next = await events?.next(isolation: #isolation) {
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

    nonisolated(nonsending) func send(_ message: JSONValue, expectsAnswer: Bool) async throws(ProbeFailure) {
        if endpoint == nil { endpoint = try await open() }
        let method = message["method"]?.stringValue ?? "an answer"
        let exchange = try await HTTPExchange.post(message, to: endpoint!, headers: [("Content-Type", "application/json")] + headers, answerID: nil, deadline: deadline, session: session)
        guard (200..<300).contains(exchange.status) else { throw .http(status: exchange.status, method: method, body: exchange.snippet) }
    }

    nonisolated(nonsending) func receive() async throws(ProbeFailure) -> JSONValue {
        try await next(until: nil)!
    }

    nonisolated(nonsending) func receive(until instant: ContinuousClock.Instant) async throws(ProbeFailure) -> JSONValue? {
        if alarm?.instant != instant {
            alarm?.task.cancel()
            alarm = (instant, Self.wake(feeder, at: instant))
        }
        return try await next(until: instant)
    }

    /// Wakes the reader of events at `instant`.
    private static func wake(_ feeder: BoundedStream<Result<SSEParser.Event, ProbeFailure>>.Feeder?, at instant: ContinuousClock.Instant) -> Task<Void, Never> {
        Task {
            try? await Task.sleep(until: instant, clock: .continuous)
            if !Task.isCancelled { feeder?.wake(with: wake) }
        }
    }

    /// The next message event; nil when `until` passed or an interruption came first.
    nonisolated(nonsending) private func next(until: ContinuousClock.Instant?) async throws(ProbeFailure) -> JSONValue? {
        // Looked at before each event: a flood of events (which fills the window, so no wake
        // gets in) does not hold off the end.
        while !session.isStopped {
            if let until, interruption.take() || ContinuousClock.now >= until { return nil }
            guard let next = await events?.next(isolation: #isolation) else { break }
            let event = try next.get()
            guard event.type == "message", !event.data.trimmingWhitespace.isEmpty else { continue }
            guard let value = try? JSONParser.parse(event.data) else { throw .notMCP(firstBytes: ProbeFailure.printable(Array(event.data.utf8))) }
            return value
        }
        throw .connection("the server closed its event stream")
    }

    nonisolated(nonsending) func close() async {
        alarm?.task.cancel()
        session.stopAll()
    }
}

/// Hands a value that is used by one thread at a time to another thread.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// A client session with one server, in the era found when it was opened: any number of
/// requests, each with its own timeout, cancelled as its era says when that passes or the
/// caller is cancelled (Ctrl-C), and the session goes on. Over stdio they are in flight
/// together, their answers matched by id (`MCPClient+Multiplexing`); over HTTP one at a time.
/// `mcp call` and its kin open one for a command; `mcp connect` keeps one for the shell's
/// life; the gateway one per backend for all its clients.
package actor MCPClient {
    package let server: String
    /// What the server said about itself: era, version, identity, capabilities (set once the
    /// session is open, before anyone else sees the client).
    private(set) var session = EraNegotiation.Session(era: .legacy, version: "", supportedVersions: [], serverInfo: nil, capabilities: nil)
    /// Masks what the server sends back: the session's secrets and this entry's own values.
    let redactor: Redactor
    /// The server's stderr and the log messages it sends.
    let log: ServerLog
    let channel: MCPChannel
    let conversation: Conversation
    private var isBusy = false
    /// Requests waiting for their turn, each with its ticket (how a cancelled one is found).
    private var waiting: [(ticket: Int, continuation: CheckedContinuation<Bool, Never>)] = []
    private var tickets = 0
    var progressTokens = 0
    var isClosed = false
    /// The requests in flight on a multiplexing channel and the task reading their answers.
    var multiplexing = Multiplexing()
    /// Told the kind (`tools`) of each list the server says changed (`followChanges`).
    var listChanged: (@Sendable (String) -> Void)?

    /// How far a request's progress is, as its server reports it.
    package struct Progress: Sendable {
        package var progress: Double
        package var total: Double?
        package var message: String?
    }

    private init(server: String, channel: sending MCPChannel, log: ServerLog, redactor: Redactor) {
        self.server = server
        self.channel = channel
        conversation = Conversation(channel)
        self.log = log
        self.redactor = redactor
    }

    /// Starts or reaches the server and opens the session in its era within `timeout`.
    /// `messageLimit`: the longest result read (the `mcp-result-limit` setting).
    static func open(server: String, launch: ServerLaunch, mode: ProtocolMode, log: ServerLog, redactor: Redactor, timeout: Duration,
                     messageLimit: Int = MCPProtocol.messageLimit) async throws(ProbeFailure) -> MCPClient {
        // The channel outlives the opening: an event stream stays up as long as a shell may.
        let channel = try ChannelFactory.channel(for: launch.target, log: log, timeout: timeout, lifetime: .seconds(86_400 * 365), messageLimit: messageLimit)
        channel.setDeadline(.now + timeout)
        let abort = channel.abort
        let client = MCPClient(server: server, channel: channel, log: log, redactor: redactor)
        let fired = Latch()
        let watchdog = Task {
            try? await Task.sleep(for: timeout)
            guard !Task.isCancelled else { return }
            fired.stop()
            abort()
        }
        defer { watchdog.cancel() }
        let phase = Handshake.Phase()
        let opened = await withTaskCancellationHandler {
            await client.negotiate(mode: mode, phase: phase)
        } onCancel: {
            abort() // a server given up on while it starts is stopped at once
        }
        if case .failure(let error) = opened {
            await client.close()
            throw fired.isStopped ? .timedOut(seconds: timeout.seconds, phase: phase.name) : error
        }
        return client
    }

    /// Finds the era and opens the session in it (`initialized` follows a legacy handshake).
    private func negotiate(mode: ProtocolMode, phase: Handshake.Phase) async -> Result<Void, ProbeFailure> {
        do throws(ProbeFailure) {
            let opened = try await EraNegotiation(conversation: conversation, mode: mode, phase: phase).open()
            if opened.era == .legacy { try await conversation.notify("notifications/initialized") }
            session = opened
            return .success(())
        } catch {
            return .failure(error)
        }
    }

    package var era: ProtocolEra { session.era }
    package var protocolVersion: String { session.version }
    package var serverName: String? { session.serverInfo?["name"]?.stringValue }
    package var capabilities: JSONValue? { session.capabilities }

    /// Why the server can answer no more, once it has ended (a child that exited).
    package var endedReason: String? { isClosed ? "the session was closed" : channel.endedReason }

    /// Sends `method` and returns its result. A result is checked for `resultType` in the
    /// modern era; `onProgress` asks the server for progress and gets each report.
    /// `headers` go with it over HTTP (a tool's `Mcp-Param-*`).
    package func request(_ method: String, _ params: JSONValue? = nil, timeout: Duration, headers: [(String, String)] = [],
                         onProgress: (@Sendable (Progress) -> Void)? = nil) async throws(ClientFailure) -> JSONValue {
        if channel.multiplexes { return try await multiplexedRequest(method, params, timeout: timeout, onProgress: onProgress) }
        // The time a request waits for its turn is its own: a request behind one that hangs
        // gives up at its own deadline, and one cancelled while it waits leaves the queue.
        let queued = ContinuousClock.now
        let asked = timeout
        guard await acquire(cancellable: true) else { throw .cancelled(method: method) }
        defer { release() }
        if Task.isCancelled { throw .cancelled(method: method) }
        if let reason = endedReason { throw .gone(reason) }
        let timeout = asked - queued.duration(to: .now)
        if timeout <= .zero { throw .timedOut(method: method, seconds: asked.seconds) }
        let (params, progressToken) = withProgressToken(params, if: onProgress != nil)
        let modern = session.era == .modern ? session.version : nil
        let deadline = ContinuousClock.now + timeout
        // An HTTP transfer, and a stdio write blocked on a server that stopped reading, give up
        // a second after the deadline: the wait ends first, and says why.
        channel.setDeadline(deadline + .seconds(1))
        // From here on, an interruption is this request's: the caller's Ctrl-C or the deadline.
        channel.clearInterruption()
        let interrupt = channel.interrupt
        let stopped = Latch()
        let timedOut = Latch()
        // A channel whose wait ends at its deadline by itself needs no timer of ours (one timer
        // a call, not two); one whose exchange blocks (HTTP) is interrupted at the deadline.
        let watchdog: Task<Void, Never>? = channel.wakesAtDeadline ? nil : Task {
            try? await Task.sleep(until: deadline, clock: .continuous)
            guard !Task.isCancelled else { return }
            timedOut.stop()
            stopped.stop()
            interrupt()
        }
        defer { watchdog?.cancel() }
        let log = self.log
        let redactor = self.redactor
        let token = progressToken
        let listChanged = self.listChanged
        let notice: @Sendable (String, JSONValue?) -> Void = { method, params in
            Self.take(method, params, progress: token.map { ($0, onProgress) }, log: log, redactor: redactor, listChanged: listChanged)
        }
        // Over streamable HTTP they come inside the request's own exchange.
        channel.setNotificationHandler(notice)
        channel.setRequestHeaders(session.era == .modern ? headers : [])
        defer {
            channel.setNotificationHandler(nil)
            channel.setRequestHeaders([])
        }
        // The exchange runs in a task of its own, which the caller's cancellation does not
        // reach: a cancelled task's read would end the server's output stream for good. Ctrl-C
        // interrupts the wait instead, and the session goes on.
        let exchange = Task { () -> (id: Int?, outcome: Result<Conversation.Reply?, ProbeFailure>) in
            var id: Int?
            do throws(ProbeFailure) {
                // Given up on before it went, or while it went: nothing more is waited for.
                guard !stopped.isStopped else { return (nil, .success(nil)) }
                let sent = try await self.conversation.send(method, params, version: modern)
                id = sent
                guard !stopped.isStopped else { return (id, .success(nil)) }
                return (id, .success(try await self.conversation.reply(to: [sent], until: deadline, onNotification: notice)?.reply))
            } catch {
                return (id, .failure(error))
            }
        }
        let (id, outcome) = await withTaskCancellationHandler {
            await exchange.value
        } onCancel: {
            stopped.stop()
            interrupt()
        }
        switch outcome {
        case .success(let reply?):
            switch reply {
            case .error(let code, let message, _):
                throw .rejected(method: method, code: code, message: redactor.redact(message))
            case .result(let result):
                do throws(ProbeFailure) {
                    try Conversation.checkResultType(result, of: method, modern: modern != nil)
                } catch {
                    throw ClientFailure(error)
                }
                return result
            }
        case .success(nil), .failure:
            // The wait ended without an answer: the caller gave up, the time ran out, or the
            // server or its connection went.
            if Task.isCancelled || timedOut.isStopped || ContinuousClock.now >= deadline {
                if let id { await cancel(id, reason: Task.isCancelled ? "cancelled by the user" : "timed out") }
                if Task.isCancelled { throw .cancelled(method: method) }
                throw .timedOut(method: method, seconds: asked.seconds)
            }
            if let reason = channel.endedReason { throw .gone(reason + (log.lastLines(1).first.map { "; its last line on stderr: \($0)" } ?? "")) }
            if case .failure(let failure) = outcome {
                if failure.endsTheSession {
                    isClosed = true
                    await channel.close()
                }
                throw ClientFailure(failure)
            }
            throw .timedOut(method: method, seconds: asked.seconds)
        }
    }

    /// Every page of a list (`tools/list`, `resources/list`...): the items under `key`.
    package func list(_ method: String, key: String, timeout: Duration) async throws(ClientFailure) -> [JSONValue] {
        var items: [JSONValue] = []
        var cursor: String?
        for _ in 0..<Handshake.pageLimit {
            let params: JSONValue? = cursor.map { .object([("cursor", .string($0))]) }
            let page = try await request(method, params, timeout: timeout)
            guard case .array(let list)? = page[key] else { throw .malformed("the \(method) answer has no \(key) array") }
            items += list
            cursor = page["nextCursor"]?.stringValue
            if cursor == nil { return items }
        }
        throw .malformed("\(method) still had a next page after \(Handshake.pageLimit) pages")
    }

    /// Ends the session as its transport says (stdin closed, then the signals; DELETE over HTTP).
    package func close() async {
        guard !isClosed else { return }
        _ = await acquire(cancellable: false)
        defer { release() }
        isClosed = true
        closeMultiplexed()
        // The follower's handler may hold what holds this client (a gateway's backend).
        listChanged = nil
        await channel.close()
    }

    /// Cancels request `id` as the era and transport say: over the stateless revision's HTTP
    /// the closed exchange was the cancellation; elsewhere `notifications/cancelled` follows.
    func cancel(_ id: Int, reason: String) async {
        if session.era == .modern && channel is StreamableHTTPChannel { return }
        let params: JSONValue = .object([("requestId", .int(id)), ("reason", .string(reason))])
        // Not in the cancelled task: its cancellation would stop this send too.
        await Task { try? await self.conversation.notify("notifications/cancelled", params) }.value
    }

    /// Requests one at a time: a conversation has one reader.
    private func acquire(cancellable: Bool) async -> Bool {
        guard isBusy else {
            isBusy = true
            return true
        }
        tickets += 1
        let ticket = tickets
        guard cancellable else { return await withCheckedContinuation { waiting.append((ticket, $0)) } }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiting.append((ticket, continuation))
                if Task.isCancelled { abandon(ticket) }
            }
        } onCancel: {
            Task { await self.abandon(ticket) }
        }
    }

    /// A request cancelled while it waited for its turn: out of the queue, told it has none.
    private func abandon(_ ticket: Int) {
        guard let index = waiting.firstIndex(where: { $0.ticket == ticket }) else { return }
        waiting.remove(at: index).continuation.resume(returning: false)
    }

    private func release() {
        if waiting.isEmpty { isBusy = false } else { waiting.removeFirst().continuation.resume(returning: true) }
    }

    /// `params` asking for progress under a token of this session's, when `asked`.
    func withProgressToken(_ params: JSONValue?, if asked: Bool) -> (JSONValue?, JSONValue?) {
        guard asked else { return (params, nil) }
        progressTokens += 1
        let token: JSONValue = .string("claudesh-\(progressTokens)")
        return (Self.adding(progressToken: token, to: params), token)
    }

    /// A notification of the server's: progress of the request that holds `progress`'s token
    /// goes to its handler, a log message to the server's log, the rest nowhere.
    static func take(_ method: String, _ params: JSONValue?, progress: (token: JSONValue, handler: (@Sendable (Progress) -> Void)?)?,
                     log: ServerLog, redactor: Redactor, listChanged: (@Sendable (String) -> Void)?) {
        if let kind = MCPProtocol.listKind(ofChange: method) {
            listChanged?(kind)
            return
        }
        switch method {
        case "notifications/progress":
            guard let progress, params?["progressToken"] == progress.token, let done = params?["progress"]?.numberValue else { return }
            // Shown on a terminal: masked, and no control character of the server's reaches it.
            let message = params?["message"]?.stringValue.map { redactor.clean($0) }
            progress.handler?(Progress(progress: done, total: params?["total"]?.numberValue, message: message))
        case "notifications/message":
            let level = params?["level"]?.stringValue ?? "info"
            let logger = params?["logger"]?.stringValue.map { " \($0):" } ?? ""
            let data = params?["data"].map { $0.stringValue ?? $0.serialized() } ?? ""
            log.note("[\(level)]\(logger) \(data)")
        default:
            break
        }
    }

    static func adding(progressToken token: JSONValue, to params: JSONValue?) -> JSONValue {
        var members: [(String, JSONValue)] = []
        if case .object(let given)? = params { members = given }
        var meta: [(String, JSONValue)] = []
        if let index = members.firstIndex(where: { $0.0 == "_meta" }) {
            if case .object(let given) = members[index].1 { meta = given }
            members.remove(at: index)
        }
        meta.append(("progressToken", token))
        return .object([("_meta", .object(meta))] + members)
    }
}

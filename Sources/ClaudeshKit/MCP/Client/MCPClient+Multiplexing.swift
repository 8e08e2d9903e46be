/// Requests in flight together on a channel whose answers are matched by id (stdio): each is
/// written when it is made, and one task reads for all of them while any waits, handing each
/// answer to its request. A gateway's clients share a backend's session this way: a slow call
/// holds up only itself.
extension MCPClient {
    /// What the session's reader and its waiting requests share (the actor's state).
    struct Multiplexing {
        struct Waiting {
            var deadline: ContinuousClock.Instant
            var progress: (token: JSONValue, handler: (@Sendable (Progress) -> Void)?)?
            var outcome: Outcome?
            var continuation: CheckedContinuation<Void, Never>?
            /// A `subscriptions/listen` stream, open while the session lasts.
            var isStream = false
        }

        enum Outcome {
            case reply(Conversation.Reply)
            case failed(ProbeFailure)
            case timedOut
            case cancelled
            /// The session was closed while it waited.
            case closed
        }

        var waiting: [Int: Waiting] = [:]
        /// Reads while a request waits, and on until the deadline of the last one made has
        /// passed; then ends (a new request starts another).
        var reader: Task<Void, Never>?
        /// The latest deadline of a request made: the reader reads until it.
        var lastDeadline: ContinuousClock.Instant?
        /// The instant the reader's wait ends at, unless a message comes first.
        var readerUntil: ContinuousClock.Instant?
        /// Why the channel can carry no more answers (it broke the protocol or ended).
        var failure: ProbeFailure?
        /// The server's own requests since it last answered one of ours.
        var serverRequests = 0
        /// Its list changes are followed (`followChanges`): the reader reads on while idle.
        var following = false
        /// A follower waiting for its listen stream's acknowledgement.
        var acknowledgement: CheckedContinuation<Void, Never>?

        /// The ids of the requests still waiting for an outcome (a loop, not a filtered copy:
        /// the reader asks after every message).
        var open: [Int] {
            var ids: [Int] = []
            for (id, entry) in waiting where entry.outcome == nil { ids.append(id) }
            return ids
        }
    }

    func multiplexedRequest(_ method: String, _ params: JSONValue?, timeout: Duration,
                            onProgress: (@Sendable (Progress) -> Void)?) async throws(ClientFailure) -> JSONValue {
        if Task.isCancelled { throw .cancelled(method: method) }
        if let reason = endedReason { throw .gone(reason) }
        if let failure = multiplexing.failure { throw ClientFailure(failure) }
        let deadline = ContinuousClock.now + timeout
        let isStream = method == "subscriptions/listen"
        let (params, token) = withProgressToken(params, if: onProgress != nil)
        // A write blocked on a server that stopped reading gives up a second after the deadline
        // (a stream's, whose deadline is the session's life, as a notice's would).
        channel.setDeadline(isStream ? .now + Self.noticeGrace : deadline + .seconds(1))
        // Waited for before it is sent: the send may wait for room in the pipe, and the answer
        // come while it does.
        let id = conversation.reserveID()
        multiplexing.waiting[id] = .init(deadline: deadline, progress: token.map { ($0, onProgress) }, isStream: isStream)
        if isStream {
            read(until: .now + Self.streamWake)
        } else {
            multiplexing.lastDeadline = max(multiplexing.lastDeadline ?? deadline, deadline)
            read(until: deadline)
        }
        do {
            try await conversation.send(method, params, version: session.era == .modern ? session.version : nil, id: id)
        } catch {
            // Cut off as it was written: the stream is out of step, and the session ends.
            multiplexing.waiting.removeValue(forKey: id)
            await broke(error)
            if Task.isCancelled { throw .cancelled(method: method) }
            if ContinuousClock.now >= deadline { throw .timedOut(method: method, seconds: timeout.seconds) }
            throw failure(error, method: method)
        }
        switch await outcome(of: id) {
        case .reply(.error(let code, let message, _)):
            throw .rejected(method: method, code: code, message: redactor.redact(message))
        case .reply(.result(let result)):
            do throws(ProbeFailure) {
                try Conversation.checkResultType(result, of: method, modern: session.era == .modern)
            } catch {
                throw ClientFailure(error)
            }
            return result
        case .timedOut:
            channel.setDeadline(.now + Self.noticeGrace)
            await cancel(id, reason: "timed out")
            throw .timedOut(method: method, seconds: timeout.seconds)
        case .cancelled:
            channel.setDeadline(.now + Self.noticeGrace)
            await cancel(id, reason: "cancelled by the user")
            throw .cancelled(method: method)
        case .closed:
            throw .gone("the session was closed")
        case .failed(let error):
            throw failure(error, method: method)
        }
    }

    /// How often a reader that reads only for a listen stream, or to follow changes, wakes: its
    /// wait is the channel's one alarm, which a request due sooner replaces, and a replaced
    /// sleeper holds its timer until its instant (a stream's deadline, the session's life,
    /// would hold it for a year).
    static let streamWake: Duration = .seconds(60)

    /// How long a write of the client's own (a cancellation, an answer to the server) may wait
    /// for a server that is not reading: the deadline a request set is not theirs.
    static let noticeGrace: Duration = .seconds(5)

    /// The session is being closed: every request still waiting is told so at once (the reader
    /// may stop before the server's output ends).
    func closeMultiplexed() {
        for id in multiplexing.open { settle(id, .closed) }
        streamAcknowledged()
    }

    /// A failure of the channel as the caller is told it: a server that went, with its last
    /// line on stderr, or what broke.
    private func failure(_ error: ProbeFailure, method: String) -> ClientFailure {
        if let reason = channel.endedReason { return .gone(reason + (log.lastLines(1).first.map { "; its last line on stderr: \($0)" } ?? "")) }
        return ClientFailure(error)
    }

    /// Waits until request `id` has its outcome; a cancelled caller has it at once.
    private func outcome(of id: Int) async -> Multiplexing.Outcome {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if multiplexing.waiting[id]?.outcome != nil || Task.isCancelled {
                    continuation.resume()
                } else {
                    multiplexing.waiting[id]?.continuation = continuation
                }
            }
            return multiplexing.waiting.removeValue(forKey: id)?.outcome ?? .cancelled
        } onCancel: {
            Task { await self.settle(id, .cancelled) }
        }
    }

    /// Gives request `id` its outcome (the first one it is given) and wakes it.
    private func settle(_ id: Int, _ outcome: Multiplexing.Outcome) {
        guard multiplexing.waiting[id] != nil, multiplexing.waiting[id]?.outcome == nil else { return }
        multiplexing.waiting[id]?.outcome = outcome
        multiplexing.waiting[id]?.continuation?.resume()
        multiplexing.waiting[id]?.continuation = nil
    }

    /// Makes sure a reader runs, and waits no longer than `deadline`: a reader waiting for a
    /// later instant is woken to wait for this one.
    func read(until deadline: ContinuousClock.Instant) {
        guard multiplexing.reader != nil else {
            multiplexing.reader = Task { await self.readWhileWaited() }
            return
        }
        if let until = multiplexing.readerUntil, deadline < until { channel.wakeReader() }
    }

    /// Reads the server's messages while a request waits, and on once none does until the
    /// deadline of the last one made has passed: answers to their requests, the server's own
    /// requests answered, notifications taken; requests past their deadline time out. A caller
    /// that makes its requests one after another (a gateway's client, a script) so finds it
    /// still reading: a task started for each request cost a thread's wake a call, a fifth of
    /// the gateway's CPU. Waiting until that deadline, not a nearer instant, keeps the one
    /// alarm of the channel as it is: a nearer one would replace it, and a sleeper replaced
    /// holds its timer until its instant. Runs in a task of its own, which no caller's
    /// cancellation reaches: a cancelled task's read would end the server's output for good.
    private func readWhileWaited() async {
        while true {
            let now = ContinuousClock.now
            var until: ContinuousClock.Instant?
            var expired: [Int] = []
            var streaming = false
            for (id, waiting) in multiplexing.waiting where waiting.outcome == nil {
                if waiting.isStream { streaming = true; continue } // open for the session's life: read on
                if waiting.deadline <= now { expired.append(id) } else if until.map({ waiting.deadline < $0 }) ?? true { until = waiting.deadline }
            }
            for id in expired { settle(id, .timedOut) }
            if isClosed { closeMultiplexed() }
            guard !isClosed else { break }
            if until == nil, let last = multiplexing.lastDeadline, now < last { until = last }
            if until == nil, streaming || multiplexing.following { until = now + Self.streamWake }
            guard let until else { break }
            multiplexing.readerUntil = until
            let message: JSONValue?
            do {
                message = try await conversation.channel.receive(until: until)
            } catch {
                // A session closed while its reader read on: its server's end is no failure.
                if !isClosed { await broke(error) }
                break
            }
            guard let message else { continue } // its deadline, or a nearer one to wait for
            do throws(ProbeFailure) {
                try await take(message)
            } catch {
                if !isClosed { await broke(error) }
                break
            }
        }
        multiplexing.reader = nil
        multiplexing.readerUntil = nil
    }

    private func take(_ message: JSONValue) async throws(ProbeFailure) {
        switch MCPProtocol.classify(message) {
        case .response(.int(let id), let result)?:
            multiplexing.serverRequests = 0
            settle(id, .reply(.result(result)))
        case .error(let id, let code, let text, let data)?:
            multiplexing.serverRequests = 0
            let reply = Multiplexing.Outcome.reply(.error(code: code, message: text, data: data))
            if case .int(let number) = id {
                settle(number, reply)
            } else if id == .null, let oldest = multiplexing.open.filter({ multiplexing.waiting[$0]?.isStream == false }).min() {
                // The server could not read a request's id (JSON-RPC 2.0): the oldest is taken as
                // it (not a listen stream, open since the session began).
                settle(oldest, reply)
            }
        case .request(let requestID, let requested)?:
            multiplexing.serverRequests += 1
            guard multiplexing.serverRequests <= Conversation.serverRequestLimit else {
                throw .protocolError("the server sent \(Conversation.serverRequestLimit) requests of its own instead of answering")
            }
            channel.setDeadline(.now + Self.noticeGrace)
            try await channel.send(MCPProtocol.answer(to: requestID, method: requested), expectsAnswer: false)
        case .notification("notifications/subscriptions/acknowledged")?:
            streamAcknowledged()
        case .notification(let method)?:
            let token = message["params"]?["progressToken"]
            let progress = token.flatMap { token in multiplexing.waiting.values.first { $0.outcome == nil && $0.progress?.token == token }?.progress }
            Self.take(method, message["params"], progress: progress, log: log, redactor: redactor, listChanged: listChanged)
        case .response?:
            break // answers to what is no longer awaited
        case nil:
            throw .protocolError("not a JSON-RPC message: \(message.serialized().clipped(80))")
        }
    }

    /// The channel can carry no more answers: every waiting request fails with why, and a
    /// stream no longer read in step (a message over the limit, a line that is not JSON-RPC)
    /// ends the session.
    private func broke(_ error: ProbeFailure) async {
        multiplexing.failure = error
        for id in multiplexing.open { settle(id, .failed(error)) }
        if error.endsTheSession {
            isClosed = true
            await channel.close()
        }
    }
}

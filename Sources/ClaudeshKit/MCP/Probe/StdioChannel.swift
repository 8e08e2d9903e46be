import Synchronization

/// A server started as a child, speaking newline-delimited JSON-RPC on its stdin and stdout.
final class StdioChannel: MCPChannel {
    let child: ChildProcess
    let log: ServerLog
    private var lines: BoundedStream<[UInt8]>.AsyncIterator
    private var buffer: LineBuffer
    private let stderrDone: Task<Void, Never>
    /// Set by `abort`: what is still on its way is not read.
    private let aborted = Latch()
    /// Set by `close`, which ends the server its own way: a reader that meets the end of its
    /// output then does not wait for the exit and kill the group itself (`ended`), which would
    /// cut short the grace that `close` gives after SIGTERM.
    private let closing = Latch()
    /// Raised by `interrupt`: the wait until an instant ends now.
    private let interruption = Signal()
    /// Raised by `wakeReader`: the wait until an instant ends now, and nothing is given up (a
    /// write goes on: `interruption` would cut it off).
    private let rewake = Signal()
    /// The wake of the wait until an instant (`receive(until:)`): one task that sleeps until
    /// the instant it is given, and, woken before it because the instant moved on (the next
    /// request's), sleeps again. Not a task per request: a sleeping task cancelled before its
    /// time holds its timer until that time comes, so a task per call kept a minute of calls'
    /// timers alive under load (seen: the gateway's memory grew 750 bytes a call).
    private let alarm = Alarm()

    /// The instant the reader is to be woken at, and whether a task sleeps toward it (and until
    /// when it was first told to sleep).
    private final class Alarm: Sendable {
        struct State {
            var instant: ContinuousClock.Instant?
            /// The sleeping task, the instant it sleeps until now, and its number (a replaced
            /// sleeper must not take the next one's place out).
            var sleeper: (until: ContinuousClock.Instant, task: Task<Void, Never>, number: Int)?
            var made = 0
        }
        let state = Mutex(State())
    }

    /// `messageLimit`: the longest line read as one message.
    init(_ spec: ProcessSpec, log: ServerLog, messageLimit: Int = MCPProtocol.messageLimit) throws(ProbeFailure) {
        buffer = LineBuffer(limit: messageLimit)
        do { child = try ChildProcess.start(spec) } catch { throw .cannotStart(error) }
        self.log = log
        lines = child.output.makeAsyncIterator()
        let errors = child.errors
        stderrDone = Task { await log.record(errors) }
    }

    var abort: @Sendable () -> Void {
        let child = self.child
        let aborted = self.aborted
        return {
            aborted.stop()
            Task { await child.terminate(grace: .zero) }
        }
    }

    var interrupt: @Sendable () -> Void {
        let child = self.child
        let interruption = self.interruption
        return {
            interruption.raise()
            child.wakeOutputReader()
        }
    }

    var endedReason: String? { child.termination.map { "the server \($0)" } }

    func clearInterruption() { _ = interruption.take() }

    func wakeReader() {
        rewake.raise()
        child.wakeOutputReader()
    }

    nonisolated(nonsending) func send(_ message: JSONValue, expectsAnswer: Bool) async throws(ProbeFailure) {
        // One line at a time: a line that waits for room in a full pipe is not cut into by the
        // next one, which waits its turn.
        if isWriting { await withCheckedContinuation { writers.append($0) } } else { isWriting = true }
        defer { if writers.isEmpty { isWriting = false } else { writers.removeFirst().resume() } }
        let interruption = self.interruption
        let deadline = self.deadline
        let givenUp = { interruption.isRaised || deadline.map { ContinuousClock.now >= $0 } == true }
        var line = message.serializedBytes()
        line.append(0x0A)
        guard await child.write(line, unless: givenUp) else {
            // Cut off while the server was not reading: what it got of the line is not a
            // message, and nothing written after it could be one. The session ends here.
            if givenUp() && child.termination == nil {
                let child = self.child
                Task { await child.terminate(grace: .zero) }
                throw .protocolError("the request could not be written before it was given up on (the server stopped reading)")
            }
            throw await stoppedReading()
        }
    }

    /// A legacy server may leave `server/discover` unanswered.
    var canStaySilent: Bool { true }

    var wakesAtDeadline: Bool { true }

    var multiplexes: Bool { true }

    /// Where a write blocked on a server that stopped reading gives up, when a client set one.
    private var deadline: ContinuousClock.Instant?
    /// Whether a line is being written, and the sends waiting to write theirs (the turn passes
    /// from one to the next).
    private var isWriting = false
    private var writers: [CheckedContinuation<Void, Never>] = []

    func setDeadline(_ instant: ContinuousClock.Instant) { deadline = instant }

    nonisolated(nonsending) func receive() async throws(ProbeFailure) -> JSONValue {
        // Without a time to stop, only a message or a failure ends the wait.
        try await next(until: nil)!
    }

    nonisolated(nonsending) func receive(until instant: ContinuousClock.Instant) async throws(ProbeFailure) -> JSONValue? {
        // One alarm for the channel, not per message nor per request: a server flooding
        // notifications while it is waited for must not cost a task for each. A late wake is an
        // empty chunk, harmless.
        let alarm = self.alarm
        let child = self.child
        let cancelled: Task<Void, Never>? = alarm.state.withLock { state in
            state.instant = instant
            // A sleeper due no later than this instant follows it on; one due later (a request
            // with a shorter timeout after a longer one) is replaced.
            if let sleeper = state.sleeper, sleeper.until <= instant { return nil }
            let replaced = state.sleeper?.task
            state.made += 1
            let number = state.made
            state.sleeper = (instant, Task {
                var target = instant
                while !Task.isCancelled {
                    try? await Task.sleep(until: target, clock: .continuous)
                    let next: ContinuousClock.Instant? = alarm.state.withLock { state in
                        guard !Task.isCancelled, state.sleeper?.number == number else { return nil }
                        if let moved = state.instant, moved > target {
                            state.sleeper?.until = moved // what a shorter deadline is weighed against
                            return moved
                        }
                        state.sleeper = nil // due: this sleeper is done
                        return nil
                    }
                    guard let next else { break }
                    target = next // moved on while it slept: sleep on until then
                }
                if !Task.isCancelled { child.wakeOutputReader() }
            }, number)
            return replaced
        }
        cancelled?.cancel()
        return try await next(until: instant)
    }

    /// The next message; nil when `until` passed first (looked at after each chunk and wake).
    nonisolated(nonsending) private func next(until: ContinuousClock.Instant?) async throws(ProbeFailure) -> JSONValue? {
        while !aborted.isStopped {
            // Before a line that is ready: a server flooding lines does not hold off the end.
            if until != nil, interruption.take() || rewake.take() { return nil }
            if var line = buffer.nextLine() {
                if line.last == 0x0D { line.removeLast() }
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                guard line.count <= buffer.limit else { throw .messageTooLarge(limit: buffer.limit) }
                do {
                    return try JSONParser.parse(line)
                } catch {
                    throw .notMCP(firstBytes: ProbeFailure.printable(line))
                }
            }
            guard !buffer.isOverLimit else { throw .messageTooLarge(limit: buffer.limit) }
            if until != nil, interruption.take() || rewake.take() { return nil }
            guard let chunk = await lines.next(isolation: #isolation) else {
                if closing.isStopped { throw .protocolError("the session was closed") }
                let rest = buffer.takeRest()
                if !rest.isEmpty, (try? JSONParser.parse(rest)) == nil { throw .notMCP(firstBytes: ProbeFailure.printable(rest)) }
                throw await ended()
            }
            buffer.append(chunk)
            if let until, ContinuousClock.now >= until, !buffer.hasLine { return nil }
        }
        throw .protocolError("the channel was stopped")
    }

    /// The failure for a server that no longer reads its input. When it has exited, what it
    /// left on stdout decides first, as when the request had gone in before it exited: text that
    /// is not JSON-RPC (a banner, a usage line) is the reason, whichever came first.
    nonisolated(nonsending) private func stoppedReading() async -> ProbeFailure {
        if await child.waitForExit(timeout: .seconds(2)) != nil {
            // The readers end within `ChildProcess.drainAfterExit` of the exit.
            while !buffer.isOverLimit, let chunk = await lines.next(isolation: #isolation) { buffer.append(chunk) }
            var firstLine: [UInt8]?
            while firstLine == nil, let line = buffer.nextLine() {
                if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { firstLine = line }
            }
            if firstLine == nil, !buffer.isOverLimit { firstLine = buffer.takeRest() }
            if let firstLine, !firstLine.isEmpty, (try? JSONParser.parse(firstLine)) == nil {
                return .notMCP(firstBytes: ProbeFailure.printable(firstLine))
            }
        }
        return await ended()
    }

    /// The failure for a server that closed its end: how it exited and its last word on stderr.
    nonisolated(nonsending) private func ended() async -> ProbeFailure {
        let termination = await child.waitForExit(timeout: .seconds(2))
        _ = await child.terminate(grace: .zero) // its group may keep stderr open
        await stderrDone.value
        guard let termination else { return .protocolError("the server closed stdout but kept running") }
        return .exited(termination, lastError: log.lastLines(1).first)
    }

    /// Ends the server as the spec says: close stdin, wait, SIGTERM, SIGKILL; the whole group.
    nonisolated(nonsending) func close() async {
        closing.stop()
        alarm.state.withLock { state in
            state.sleeper?.task.cancel()
            state.sleeper = nil
        }
        child.closeInput()
        if await child.waitForExit(timeout: .seconds(1)) == nil {
            _ = await child.terminate(grace: .seconds(2))
        }
        _ = await child.terminate(grace: .zero)
        await stderrDone.value
    }
}

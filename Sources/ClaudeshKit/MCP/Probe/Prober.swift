import Synchronization

/// Probes servers: each with retries and a deadline, many at once with bounded concurrency.
enum Prober {
    /// One server to probe: its launch, or the reason it cannot be launched.
    struct Target: Sendable {
        var name: String
        var transport: String
        var launch: Result<ServerLaunch, ProbeFailure>
        /// The era to speak: `--protocol`, else the server's own setting, else auto.
        var mode: ProtocolMode
        /// The tool called once the handshake passed (`mcp canary`); nil for none.
        var canary: Canary?
        /// The key of the config the server is of (`ConfigLocation.key`), handed to its result.
        var config = ""
        /// The server's name in its config, when `name` is a label: what its pin is kept by.
        var entry: String?

        init(name: String, transport: String, launch: Result<ServerLaunch, ProbeFailure>, mode: ProtocolMode = .auto, canary: Canary? = nil, config: String = "") {
            self.name = name
            self.config = config
            self.transport = transport
            self.launch = launch
            self.mode = mode
            self.canary = canary
        }
    }

    /// Probes every target, at most `options.concurrency` at a time. `onResult` sees each result
    /// as it finishes; the array comes back in the targets' order. `redactor` masks the logs and
    /// the results (each server's own env and header values are added to it).
    static func check(_ targets: [Target], options: ProbeOptions, redactor: Redactor, onResult: @Sendable (ProbeResult) async -> Void = { _ in }) async -> [ProbeResult] {
        let deadline = ContinuousClock.now + options.deadline
        var results = [ProbeResult?](repeating: nil, count: targets.count)
        await withTaskGroup(of: (Int, ProbeResult).self) { group in
            var next = 0
            func startNext() {
                guard next < targets.count else { return }
                let index = next
                next += 1
                group.addTask { (index, await probe(targets[index], options: options, redactor: redactor, deadline: deadline)) }
            }
            for _ in 0..<max(1, options.concurrency) { startNext() }
            while let (index, result) = await group.next() {
                results[index] = result
                await onResult(result)
                startNext()
            }
        }
        return results.map { $0! }
    }

    /// One server, retried with backoff until it passes, fails for good, or the deadline comes.
    static func probe(_ target: Target, options: ProbeOptions, redactor: Redactor, deadline: ContinuousClock.Instant) async -> ProbeResult {
        var result = ProbeResult(server: target.name, transport: target.transport)
        result.config = target.config
        result.entry = target.entry ?? target.name
        let launch: ServerLaunch
        switch target.launch {
        case .failure(let failure):
            result.failure = failure
            return result
        case .success(let value):
            launch = value
        }
        let redactor = redactor.adding(launch.sensitiveValues)
        // Only a child has a stderr to keep.
        let isProcess = if case .process = launch.target { true } else { false }
        let log = ServerLog(server: target.name, folder: isProcess ? options.logFolder : nil, redactor: redactor)
        result.logPath = log.path
        attempts: for attempt in 0...max(0, options.retries) {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero, !Task.isCancelled else {
                if result.failure == nil { result.failure = .deadline }
                break
            }
            log.beginAttempt(attempt + 1)
            let (outcome, latency) = await once(launch, mode: target.mode, canary: target.canary, log: log, timeout: min(options.attemptTimeout, remaining))
            result.attempts += 1
            result.latency = latency
            switch outcome {
            case .success(let handshake):
                result.failure = nil
                result.record(handshake)
                result.lastErrors = []
                break attempts
            case .failure(let failure):
                result.failure = failure
                result.lastErrors = log.lastLines(5)
            }
            guard !result.failure!.isPermanent, attempt < options.retries else { break }
            let wait = options.backoff.delay(afterAttempt: attempt)
            guard ContinuousClock.now + wait < deadline else { break }
            try? await Task.sleep(for: wait)
        }
        // A server may echo its token in what it wrote; the reason quotes that.
        result.redact(with: redactor)
        return result
    }

    /// One attempt: connect or start, handshake (and canary) under `timeout`, close. The latency
    /// is the handshake's: the canary has its own.
    static func once(_ launch: ServerLaunch, mode: ProtocolMode, canary: Canary? = nil, log: ServerLog, timeout: Duration) async -> (Result<Handshake.Outcome, ProbeFailure>, Duration) {
        let start = ContinuousClock.now
        let channel: MCPChannel
        do {
            channel = try ChannelFactory.channel(for: launch.target, log: log, timeout: timeout)
        } catch {
            return (.failure(error), start.duration(to: .now))
        }
        let started = start.duration(to: .now)
        let phase = Handshake.Phase()
        let fired = Latch()
        let abort = channel.abort
        let watchdog = Task {
            try? await Task.sleep(for: timeout)
            guard !Task.isCancelled else { return }
            fired.stop()
            abort()
        }
        var outcome: Result<Handshake.Outcome, ProbeFailure>
        do {
            var handshake = try await Handshake.run(channel, phase: phase, mode: mode, canary: canary)
            handshake.phases.insert(("start", started), at: 0)
            outcome = .success(handshake)
        } catch {
            outcome = .failure(error)
        }
        watchdog.cancel()
        var latency = start.duration(to: .now)
        if case .success(var handshake) = outcome, let result = handshake.canary {
            latency -= result.latency
            // The session was cut while the canary waited: that is the canary's reason.
            if fired.isStopped, !result.passed {
                handshake.canary?.reason = "timed out after \(ProbeFailure.seconds(timeout.seconds)) (--timeout raises it)"
                outcome = .success(handshake)
            }
        }
        if case .failure = outcome, fired.isStopped {
            var during = phase.name
            // Under --protocol modern nothing else is tried: say what silence may mean.
            if mode == .modern, during == "server/discover", channel.canStaySilent {
                during += ", which a legacy server may never answer (--protocol auto falls back to initialize)"
            }
            outcome = .failure(.timedOut(seconds: timeout.seconds, phase: during))
        }
        await channel.close()
        return (outcome, latency)
    }
}

import Synchronization

/// One server the gateway fronts: opened at the first request that needs it, opened again after
/// it died (the wait between openings grows with each failure in a row, up to `Backoff.cap`),
/// closed when the gateway stops. Its lists are kept until it is opened again or its server
/// says one changed.
package actor GatewayBackend {
    package enum State: Sendable, Equatable {
        /// Not started yet: no request has needed it.
        case idle
        case starting
        case ready
        /// The last opening failed: why, and when the next may be tried.
        case failed(String)
        case stopped
    }

    /// The name it has in the gateway's surface and its records.
    package let name: String
    /// Where it comes from, as `gateway status` says it (`stdio`, `http`, `compose`).
    package let kind: String
    private let open: @Sendable () async throws -> MCPClient
    private let backoff: Backoff
    private(set) var client: MCPClient?
    package private(set) var state = State.idle
    /// How many times it was opened again after it had been open.
    package private(set) var restarts = 0
    private var opening: Task<Result<MCPClient, ClientFailure>, Never>?
    private var failuresInARow = 0
    private var nextAttempt: ContinuousClock.Instant?
    private var lists: [String: [JSONValue]] = [:]
    /// The era and version of the open session, for the records.
    package private(set) var era: String?

    private let observe: @Sendable (GatewayEvent) -> Void
    private let changed: @Sendable (GatewayListChange) -> Void
    private var everOpened = false
    /// Why it was stopped, as a request that finds it stopped is told.
    private var stopReason = "the gateway is stopping"

    /// `observe` hears each opening, reopening and failed opening; `changed` each list the
    /// open session's server says changed.
    package init(name: String, kind: String, backoff: Backoff = Backoff(base: .milliseconds(250), cap: .seconds(30)),
                 observe: @escaping @Sendable (GatewayEvent) -> Void = { _ in },
                 changed: @escaping @Sendable (GatewayListChange) -> Void = { _ in },
                 open: @escaping @Sendable () async throws -> MCPClient) {
        self.name = name
        self.kind = kind
        self.backoff = backoff
        self.observe = observe
        self.changed = changed
        self.open = open
    }

    /// The open session, opening it (again) when there is none or it ended. Callers at the same
    /// time share one opening.
    func session() async throws(ClientFailure) -> MCPClient {
        if let client {
            guard await client.endedReason != nil else { return client }
            // Killed from outside, crashed, its connection gone: the next request opens it
            // again (once: a caller that waited on the same dead session finds it gone).
            if self.client === client {
                self.client = nil
                lists = [:]
                restarts += 1
                Task { await client.close() } // what it left running ends with it
            }
        }
        if state == .stopped { throw .gone(stopReason) }
        // Another caller opened it again while this one looked at the dead session.
        if let fresh = self.client { return fresh }
        let task: Task<Result<MCPClient, ClientFailure>, Never>
        if let opening {
            task = opening
        } else {
            let wait = nextAttempt
            let open = self.open
            let name = self.name
            task = Task {
                if let wait, wait > .now { try? await Task.sleep(until: wait, clock: .continuous) }
                // Stopped while it waited: nothing is started any more.
                if Task.isCancelled { return .failure(.gone("the gateway is stopping")) }
                do {
                    let opened = try await open()
                    // Followed before anyone has it: a change said from now on is heard.
                    await opened.followChanges(Self.coalescing { [weak self, weak opened] kind in
                        guard let self, let opened else { return }
                        await self.listChanged(kind, by: opened)
                    })
                    return .success(opened)
                } catch let failure as ClientFailure {
                    return .failure(failure)
                } catch {
                    return .failure(.gone("\(name): \(error)"))
                }
            }
            opening = task
            state = .starting
        }
        let result = await task.value
        if state == .stopped {
            // Stopped while it opened: what opened ends here, and nobody gets it.
            if case .success(let opened) = result { await opened.close() }
            throw .gone(stopReason)
        }
        if opening == task {
            opening = nil
            switch result {
            case .success(let opened):
                client = opened
                state = .ready
                failuresInARow = 0
                nextAttempt = nil
                era = "\(await opened.era.rawValue) \(await opened.protocolVersion)"
                observe(GatewayEvent(time: Timestamp.preciseNow, backend: name, kind: everOpened ? .restarted : .started, detail: era ?? ""))
                everOpened = true
            case .failure(let failure):
                state = .failed(failure.description)
                nextAttempt = .now + backoff.ceiling(afterAttempt: failuresInARow)
                failuresInARow += 1
                observe(GatewayEvent(time: Timestamp.preciseNow, backend: name, kind: .failed, detail: failure.description))
            }
        }
        return try result.get()
    }

    /// Sends one request through the open session; its answer masked by the session's
    /// redactor (the secrets decrypted for it, its entry's values and the session's).
    func request(_ method: String, _ params: JSONValue?, timeout: Duration, headers: [(String, String)] = []) async throws(ClientFailure) -> JSONValue {
        let client = try await session()
        do {
            return GatewayMasking.mask(try await client.request(method, params, timeout: timeout, headers: headers), by: client.redactor)
        } catch {
            // Stopped while it ran (taken out of the profile, the gateway stopping): that is why.
            if state == .stopped { throw .gone(stopReason) }
            throw error.redacted(by: client.redactor)
        }
    }

    /// Every item of a list method (`tools/list`: `tools`), kept until the session is opened
    /// again; a backend without the capability has none. A session found dead is opened again once.
    func list(_ method: String, key: String, timeout: Duration) async throws(ClientFailure) -> [JSONValue] {
        if let kept = lists[method], client != nil { return kept }
        let client = try await session()
        var items: [JSONValue]
        do {
            items = try await client.list(method, key: key, timeout: timeout).map { GatewayMasking.mask($0, by: client.redactor) }
        } catch {
            if error.isRefusal { items = [] } else { throw error.redacted(by: client.redactor) }
        }
        if self.client === client { lists[method] = items }
        return items
    }

    /// `work` for each kind told, with at most one waiting per kind: a change notice means "look
    /// again", so a server flooding the same one costs a task, not a task each.
    private static func coalescing(_ work: @escaping @Sendable (String) async -> Void) -> @Sendable (String) -> Void {
        let pending = Pending()
        return { kind in
            guard pending.kinds.withLock({ $0.insert(kind).inserted }) else { return }
            Task {
                _ = pending.kinds.withLock { $0.remove(kind) }
                await work(kind)
            }
        }
    }

    private final class Pending: Sendable {
        let kinds = Mutex<Set<String>>([])
    }

    /// The server of `client` said its list of `kind` changed: the kept list is forgotten (the
    /// next listing asks it again) and the gateway told, while that is the open session.
    private func listChanged(_ kind: String, by client: MCPClient) {
        guard self.client === client else { return }
        for method in lists.keys where method.hasPrefix(kind + "/") { lists[method] = nil }
        changed(GatewayListChange(backend: name, kind: kind))
    }

    /// Ends the session and refuses new ones (`reason` says why, as the records and a caller
    /// waiting for it have it).
    func stop(because reason: String? = nil) async {
        state = .stopped
        if let reason { stopReason = reason }
        opening?.cancel()
        opening = nil
        if let client {
            self.client = nil
            await client.close()
            observe(GatewayEvent(time: Timestamp.preciseNow, backend: name, kind: .stopped, detail: reason ?? "the gateway stopped"))
        }
    }
}

import Synchronization

/// One client of the gateway (its stdio, or one HTTP request's exchange): its requests in
/// flight, which a `notifications/cancelled` or its leaving cancels, the bound on how many it
/// may have at once, and what it hears of the gateway's changes.
package final class GatewayConnection: Sendable {
    /// `stdio` or `http`: what the records and the capabilities say.
    package let transport: String
    /// Requests in flight beyond this are refused at once (JSON-RPC -32000), not queued:
    /// a client flooding the gateway costs memory up to this and no more.
    package let limit: Int
    /// Where the gateway's own notifications to this client go (stdio: its stdout); nil where
    /// the transport carries none (HTTP: one answer to each POST).
    private let notify: (@Sendable (JSONValue) -> Void)?

    private struct State {
        var inFlight: [String: Task<Void, Never>] = [:]
        var closed = false
        /// Whether the client finished the handshake (`initialize`): that era is told of changes unasked.
        var handshake = false
        /// Its `subscriptions/listen` streams, by request id: the stateless revision is told of
        /// changes only on one it opened.
        var streams: [String: ListenStream] = [:]
        /// Its input ended: streams close, and one opened now closes at once.
        var inputEnded = false
    }
    private let state = Mutex(State())

    /// One `subscriptions/listen` request in flight: the kinds of list it asked to hear of.
    private struct ListenStream {
        var id: JSONValue
        var kinds: [String]
        var ended = false
        var end: CheckedContinuation<Void, Never>?
    }

    package init(transport: String, limit: Int = 64, notify: (@Sendable (JSONValue) -> Void)? = nil) {
        self.transport = transport
        self.limit = limit
        self.notify = notify
    }

    /// Whether the transport carries notifications of the gateway's own (list changed): the
    /// capabilities say so.
    var hearsChanges: Bool { notify != nil }

    /// Why a request was not started.
    package enum Refusal: Error {
        /// The client has `limit` requests in flight (or left).
        case full
        /// A request of the client's with this id is in flight: ids tell answers apart.
        case idInUse
    }

    /// Runs `work` for request `id` unless the client already has `limit` in flight or one
    /// with this id. `work` is cancelled by `cancel(id)` and by `close()`.
    package func start(_ id: JSONValue, _ work: @escaping @Sendable () async -> Void) -> Refusal? {
        let key = id.serialized()
        return state.withLock { state in
            guard !state.closed, state.inFlight.count < limit else { return .full }
            guard state.inFlight[key] == nil else { return .idInUse }
            // Registered before it runs, so that it can take itself out when it ends.
            let task = Task {
                await work()
                self.finished(key)
            }
            state.inFlight[key] = task
            return nil
        }
    }

    private func finished(_ key: String) {
        _ = state.withLock { $0.inFlight.removeValue(forKey: key) }
    }

    var inFlightCount: Int { state.withLock { $0.inFlight.count } }

    /// Cancels the request the client gave up on (`notifications/cancelled`).
    func cancel(_ id: JSONValue) {
        state.withLock { $0.inFlight[id.serialized()] }?.cancel()
    }

    /// The client left: what it asked for and still runs is cancelled.
    package func close() {
        let tasks = state.withLock { state in
            state.closed = true
            return Array(state.inFlight.values)
        }
        for task in tasks { task.cancel() }
    }

    // MARK: Changes

    /// The client finished the handshake (`notifications/initialized`): the handshake era.
    func openedWithHandshake() { state.withLock { $0.handshake = true } }

    /// One of the gateway's lists changed (`notifications/KIND/list_changed`): a client of the
    /// handshake era is told as it is, and each listen stream that asked for that kind is told
    /// with its id stamped on. A client of the stateless revision without a stream hears nothing,
    /// as that revision has it.
    func changed(_ message: JSONValue) {
        guard let notify, let method = message["method"]?.stringValue, let kind = MCPProtocol.listKind(ofChange: method) else { return }
        // Under the lock, as the acknowledgement is: it goes out before any change a stream hears.
        state.withLock { state in
            if state.handshake { notify(message) }
            for stream in state.streams.values where !stream.ended && stream.kinds.contains(kind) {
                notify(MCPProtocol.notification(method: method, params: .object([("_meta", MCPProtocol.subscriptionMeta(stream.id))])))
            }
        }
    }

    /// Serves one `subscriptions/listen` (2026-07-28): acknowledges what it will carry (the list
    /// changes `filter` asks for; no resource subscriptions, which the gateway does not offer),
    /// carries them until the client cancels it (then it has no answer) or its input ends, and
    /// returns its result, the graceful close. Where the transport carries no notifications (the
    /// gateway refuses it there first) it closes at once, nothing acknowledged.
    func listen(id: JSONValue, filter: JSONValue) async -> JSONValue {
        let meta = MCPProtocol.subscriptionMeta(id)
        let result: JSONValue = .object([("_meta", meta)])
        guard let notify else { return result }
        let kinds = MCPProtocol.listKinds.filter { filter["\($0)ListChanged"]?.boolValue == true }
        let key = id.serialized()
        state.withLock { state in
            state.streams[key] = ListenStream(id: id, kinds: kinds, ended: state.inputEnded)
            let honored = JSONValue.object(kinds.map { ("\($0)ListChanged", .bool(true)) })
            notify(MCPProtocol.notification(method: "notifications/subscriptions/acknowledged",
                                            params: .object([("notifications", honored), ("_meta", meta)])))
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let endsNow = state.withLock { state in
                    guard state.streams[key]?.ended == false, !Task.isCancelled else { return true }
                    state.streams[key]?.end = continuation
                    return false
                }
                if endsNow { continuation.resume() }
            }
        } onCancel: {
            endStream(key)
        }
        _ = state.withLock { $0.streams.removeValue(forKey: key) }
        return result
    }

    private func endStream(_ key: String) {
        let end = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.streams[key]?.ended = true
            defer { state.streams[key]?.end = nil }
            return state.streams[key]?.end
        }
        end?.resume()
    }

    /// The client's input ended: its listen streams close gracefully, each answering its result.
    func inputEnded() {
        let keys = state.withLock { state in
            state.inputEnded = true
            return Array(state.streams.keys)
        }
        for key in keys { endStream(key) }
    }
}

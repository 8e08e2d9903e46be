import Synchronization

/// One client of the gateway (its stdio, or one HTTP request's exchange): its requests in
/// flight, which a `notifications/cancelled` or its leaving cancels, and the bound on how many
/// it may have at once.
package final class GatewayConnection: Sendable {
    /// `stdio` or `http`: what the records and the capabilities say.
    package let transport: String
    /// Requests in flight beyond this are refused at once (JSON-RPC -32000), not queued:
    /// a client flooding the gateway costs memory up to this and no more.
    package let limit: Int
    /// Whether the transport carries notifications of the gateway's own (list changed): the
    /// capabilities say so.
    let hearsChanges: Bool

    private struct State {
        var inFlight: [String: Task<Void, Never>] = [:]
        var closed = false
    }
    private let state = Mutex(State())

    package init(transport: String, limit: Int = 64, hearsChanges: Bool = false) {
        self.transport = transport
        self.limit = limit
        self.hearsChanges = hearsChanges
    }

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
}

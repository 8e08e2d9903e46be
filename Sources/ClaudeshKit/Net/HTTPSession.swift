import Synchronization

/// The requests of one MCP channel: one libcurl share handle, so that the channel's requests
/// reuse one connection (keep-alive, or one HTTP/2 connection), and a way to stop them all at
/// once from any thread, which is how a probe's deadline or Ctrl-C ends a blocked request.
///
/// The share is used by one request at a time: a channel sends its POSTs one after another.
/// A request that runs alongside the others (HTTP+SSE's event stream) takes a connection of its
/// own (`HTTPClient.send(..., sharing: false)`): libcurl lists a connection cache shared by
/// transfers running at once on several threads as a known bug.
final class HTTPSession: Sendable {
    private struct State {
        var transfers: [ObjectIdentifier: TransferStop] = [:]
        var stopped = false
        var share: ConnectionShare?
    }

    private let state = Mutex(State())

    init() {}

    /// The share handle, made on the first request (libcurl is loaded by then, not before).
    func share() throws(NetError) -> ConnectionShare {
        if let share = state.withLock({ $0.share }) { return share }
        let made = try ConnectionShare()
        return state.withLock { state in
            if let share = state.share { return share }
            state.share = made
            return made
        }
    }

    var isStopped: Bool { state.withLock { $0.stopped } }

    /// Registers a transfer; one that starts after `stopAll` is stopped before it sends a byte.
    func enlist(_ stop: TransferStop) throws(NetError) {
        let stopped = state.withLock { state in
            if !state.stopped { state.transfers[ObjectIdentifier(stop)] = stop }
            return state.stopped
        }
        if stopped { throw .cancelled }
    }

    /// Forgets a transfer that is over.
    func dismiss(_ stop: TransferStop) {
        _ = state.withLock { $0.transfers.removeValue(forKey: ObjectIdentifier(stop)) }
    }

    /// Stops every transfer, now and from now on.
    func stopAll() {
        let transfers = state.withLock { state in
            state.stopped = true
            return Array(state.transfers.values)
        }
        transfers.forEach { $0.stop() }
    }

    /// Runs blocking network work on a thread of its own, off the cooperative pool; cancelling
    /// the calling task stops the session's transfers, which ends the work.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws(NetError) -> T) async throws(NetError) -> T {
        let result: Result<T, NetError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                Blocking.run("http") {
                    continuation.resume(returning: Result { () throws(NetError) -> T in try work() })
                }
            }
        } onCancel: {
            stopAll()
        }
        return try result.get()
    }
}

@preconcurrency import Dispatch
import Synchronization

/// The sockets of one HTTP channel: a deadline or Ctrl-C shuts them all, and nothing opens after.
final class SocketSet: Sendable {
    private let state = Mutex<(sockets: [Socket], aborted: Bool)>(([], false))

    /// Registers `socket`; shuts it at once when the channel was already aborted.
    func add(_ socket: Socket) {
        let aborted = state.withLock { state in
            state.sockets.append(socket)
            return state.aborted
        }
        if aborted { socket.shutdown() }
    }

    /// Ends `socket` and forgets it: an exchange that is over holds no descriptor.
    func release(_ socket: Socket) {
        socket.shutdown()
        state.withLock { state in state.sockets.removeAll { $0 === socket } }
    }

    func shutdownAll() {
        let sockets = state.withLock { state in
            state.aborted = true
            return state.sockets
        }
        sockets.forEach { $0.shutdown() }
    }

    /// Runs blocking network work on a dispatch thread, off the cooperative pool; cancelling the
    /// calling task shuts the sockets, which ends the work.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws(NetError) -> T) async throws(NetError) -> T {
        let result: Result<T, NetError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                Blocking.run("http") {
                    continuation.resume(returning: Result { () throws(NetError) -> T in try work() })
                }
            }
        } onCancel: {
            shutdownAll()
        }
        return try result.get()
    }
}

extension ProbeFailure {
    init(_ error: NetError) {
        switch error {
        case .invalidURL(let reason): self = .unsupportedURL(reason)
        case .tls(let reason): self = .tls(reason)
        default: self = .connection(error.description)
        }
    }
}

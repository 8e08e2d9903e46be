/// A server's list changes, followed for as long as the session lasts (the gateway's backends):
/// a server of the handshake era says them unasked; one of the stateless revision only on a
/// `subscriptions/listen` stream the client opens.
extension MCPClient {
    /// Follows the server's list changes from now on: `changed` is told the kind (`tools`) of
    /// each list it says changed. The session's reader reads on while idle, so a change said then
    /// is heard then; for a server of the stateless revision whose capabilities announce list
    /// changes, a listen stream is opened and kept open (`keepListening`), and this returns once
    /// it is acknowledged (or refused, or after `acknowledgementWait`). Over stdio only: an HTTP
    /// session takes one request at a time, which a stream held open would keep.
    package func followChanges(_ changed: @escaping @Sendable (String) -> Void) async {
        listChanged = changed
        guard channel.multiplexes, !isClosed else { return }
        multiplexing.following = true
        read(until: .now + Self.streamWake)
        let kinds = MCPProtocol.listKinds.filter { session.capabilities?[$0]?["listChanged"]?.boolValue == true }
        guard session.era == .modern, !kinds.isEmpty else { return }
        await withCheckedContinuation { continuation in
            multiplexing.acknowledgement = continuation
            Task { await self.keepListening(for: kinds) }
            Task {
                try? await Task.sleep(for: Self.acknowledgementWait)
                self.streamAcknowledged()
            }
        }
    }

    /// How long `followChanges` waits for a listen stream's acknowledgement.
    static let acknowledgementWait: Duration = .seconds(2)

    /// How long a listen stream may stay open: the session's own lifetime.
    static let streamLifetime: Duration = .seconds(86_400 * 365)

    /// The listen stream was acknowledged, or will not be: a follower waiting for it goes on.
    func streamAcknowledged() {
        multiplexing.acknowledgement?.resume()
        multiplexing.acknowledgement = nil
    }

    /// Keeps a listen stream for `kinds` open while the session lasts. One the server ends is
    /// opened again (nothing is replayed, so each kind is told changed: what changed meanwhile
    /// is looked at again), after a wait that grows while streams end soon after they open;
    /// one the server refuses is not.
    private func keepListening(for kinds: [String]) async {
        let filter = JSONValue.object(kinds.map { ("\($0)ListChanged", .bool(true)) })
        let backoff = Backoff(base: .seconds(1), cap: .seconds(60))
        var quickEnds = 0
        while true {
            let opened = ContinuousClock.now
            var refused = false
            do {
                // Its answer is the stream's end.
                _ = try await multiplexedRequest("subscriptions/listen", .object([("notifications", filter)]), timeout: Self.streamLifetime, onProgress: nil)
            } catch {
                if case .rejected = error { refused = true }
            }
            streamAcknowledged()
            guard !refused, !isClosed, multiplexing.failure == nil else { return }
            quickEnds = opened.duration(to: .now) > Self.streamWake ? 0 : quickEnds + 1
            try? await Task.sleep(for: backoff.ceiling(afterAttempt: quickEnds - 1))
            guard !isClosed else { return }
            for kind in kinds { listChanged?(kind) }
        }
    }
}

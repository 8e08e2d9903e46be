/// A way to exchange JSON-RPC messages with one server: a child's stdio, streamable HTTP or
/// legacy HTTP+SSE. The handshake and the client's calls are written once, against this.
///
/// The async requirements are `nonisolated(nonsending)`: they run where their caller runs, so
/// a client session (an actor) can own its channel and still wait on it.
protocol MCPChannel: AnyObject {
    /// Sends one message; `expectsAnswer` is false for notifications and answers.
    nonisolated(nonsending) func send(_ message: JSONValue, expectsAnswer: Bool) async throws(ProbeFailure)
    /// The next message from the server; throws when it is gone or broke the protocol.
    nonisolated(nonsending) func receive() async throws(ProbeFailure) -> JSONValue
    /// The next message, or nil when `instant` passes first or `interrupt` was called.
    nonisolated(nonsending) func receive(until instant: ContinuousClock.Instant) async throws(ProbeFailure) -> JSONValue?
    /// True when a request may go unanswered without the transport saying so (stdio: a legacy
    /// server may ignore `server/discover`); HTTP ends every request with a status.
    var canStaySilent: Bool { get }
    /// True when `receive(until:)` itself ends at its instant (a timer of the channel's own
    /// wakes the reader); false when a blocked exchange needs `interrupt` to end on time.
    var wakesAtDeadline: Bool { get }
    /// True when requests and answers share one stream, matched by id (stdio): any number of
    /// requests may be in flight, one reader hands each answer to its request.
    var multiplexes: Bool { get }
    /// True for a transport of the handshake era only (HTTP+SSE, 2024-11-05): the stateless
    /// revision defines no such transport, so nothing modern is tried over it.
    var isHandshakeOnly: Bool { get }
    /// Stops all waiting at once, from any thread: how a deadline ends a hung handshake.
    var abort: @Sendable () -> Void { get }
    /// Stops the wait for the request in flight, from any thread, and leaves the session open:
    /// how a call's timeout or Ctrl-C gives up on one answer. Over HTTP the request's own
    /// exchange is closed, which is how the stateless revision cancels a request.
    var interrupt: @Sendable () -> Void { get }
    /// Ends the current `receive(until:)` wait (it returns nil) without giving anything up: how
    /// a reader waiting for one deadline is turned to a nearer one.
    func wakeReader()
    /// Forgets an interruption that is over: a client calls it as each request begins.
    func clearInterruption()
    /// Headers the next requests carry beside the transport's own (HTTP: `Mcp-Param-*`).
    func setRequestHeaders(_ headers: [(String, String)])
    /// Where notifications go that come inside a request's own exchange (streamable HTTP's
    /// event stream) as they arrive, rather than after its answer; nil drops them.
    func setNotificationHandler(_ handler: (@Sendable (_ method: String, _ params: JSONValue?) -> Void)?)
    /// The instant the requests sent from now on give up at (HTTP's transfers).
    func setDeadline(_ instant: ContinuousClock.Instant)
    /// Why the server can answer no more (a child that exited), once that is known.
    var endedReason: String? { get }
    /// Ends the session as the spec says for the transport.
    nonisolated(nonsending) func close() async
}

extension MCPChannel {
    /// Each request's exchange ends with its answers or a status, so nothing waits here.
    nonisolated(nonsending) func receive(until instant: ContinuousClock.Instant) async throws(ProbeFailure) -> JSONValue? {
        try await receive()
    }

    var canStaySilent: Bool { false }

    var wakesAtDeadline: Bool { false }

    var isHandshakeOnly: Bool { false }

    var multiplexes: Bool { false }

    func setDeadline(_ instant: ContinuousClock.Instant) {}

    func clearInterruption() {}

    func wakeReader() { interrupt() }

    func setRequestHeaders(_ headers: [(String, String)]) {}

    func setNotificationHandler(_ handler: (@Sendable (_ method: String, _ params: JSONValue?) -> Void)?) {}

    var endedReason: String? { nil }
}

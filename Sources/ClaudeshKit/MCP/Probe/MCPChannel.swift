/// A way to exchange JSON-RPC messages with one server: a child's stdio, streamable HTTP or
/// legacy HTTP+SSE. The handshake is written once, against this.
protocol MCPChannel: AnyObject {
    /// Sends one message; `expectsAnswer` is false for notifications and answers.
    func send(_ message: JSONValue, expectsAnswer: Bool) async throws(ProbeFailure)
    /// The next message from the server; throws when it is gone or broke the protocol.
    func receive() async throws(ProbeFailure) -> JSONValue
    /// The next message, or nil when `instant` passes first.
    func receive(until instant: ContinuousClock.Instant) async throws(ProbeFailure) -> JSONValue?
    /// True when a request may go unanswered without the transport saying so (stdio: a legacy
    /// server may ignore `server/discover`); HTTP ends every request with a status.
    var canStaySilent: Bool { get }
    /// True for a transport of the handshake era only (HTTP+SSE, 2024-11-05): the stateless
    /// revision defines no such transport, so nothing modern is tried over it.
    var isHandshakeOnly: Bool { get }
    /// Stops all waiting at once, from any thread: how a deadline ends a hung handshake.
    var abort: @Sendable () -> Void { get }
    /// Ends the session as the spec says for the transport.
    func close() async
}

extension MCPChannel {
    /// Each request's exchange ends with its answers or a status, so nothing waits here.
    func receive(until instant: ContinuousClock.Instant) async throws(ProbeFailure) -> JSONValue? {
        try await receive()
    }

    var canStaySilent: Bool { false }

    var isHandshakeOnly: Bool { false }
}

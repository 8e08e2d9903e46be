/// A way to exchange JSON-RPC messages with one server: a child's stdio, streamable HTTP or
/// legacy HTTP+SSE. The handshake is written once, against this.
protocol MCPChannel: AnyObject {
    /// Sends one message; `expectsAnswer` is false for notifications and answers.
    func send(_ message: JSONValue, expectsAnswer: Bool) async throws(ProbeFailure)
    /// The next message from the server; throws when it is gone or broke the protocol.
    func receive() async throws(ProbeFailure) -> JSONValue
    /// Stops all waiting at once, from any thread: how a deadline ends a hung handshake.
    var abort: @Sendable () -> Void { get }
    /// Ends the session as the spec says for the transport.
    func close() async
}

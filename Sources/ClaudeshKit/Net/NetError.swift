/// A network operation failed; the message names the host and the cause.
enum NetError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidURL(String)
    case resolve(host: String, reason: String)
    case connect(host: String, port: Int, reason: String)
    case timedOut
    /// The peer closed the connection, or `shutdown` was called.
    case closed
    case io(String)
    case malformedResponse(String)
    /// The TLS handshake failed: an untrusted certificate, a wrong name, no libssl.
    case tls(String)

    var description: String {
        switch self {
        case .invalidURL(let reason): return reason
        case .resolve(let host, let reason): return "cannot resolve \(host): \(reason)"
        case .connect(let host, let port, let reason): return "cannot connect to \(host):\(port): \(reason) (is the server running?)"
        case .timedOut: return "the connection timed out"
        case .closed: return "the server closed the connection"
        case .io(let reason): return reason
        case .malformedResponse(let reason): return "not an HTTP response: \(reason)"
        case .tls(let reason): return reason
        }
    }
}

/// A network operation failed; the message names the host and the cause.
enum NetError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidURL(String)
    case resolve(host: String, reason: String)
    case connect(host: String, port: Int, reason: String)
    case timedOut
    /// The peer closed the connection before it answered.
    case closed
    case io(String)
    case malformedResponse(String)
    /// The certificate was refused (untrusted, another name) or the trusted ones cannot be read:
    /// trying again meets the same certificate.
    case tls(String)
    /// A redirect the client will not follow: to another origin (with the entry's headers), or
    /// one too many.
    case redirect(String)
    /// The request was stopped from another thread (a deadline, Ctrl-C, the channel's end).
    case cancelled
    /// libcurl cannot be loaded.
    case unavailable(String)
    /// A header or URL that would change the request's shape (a line break); refused unsent.
    case unsafeRequest(String)

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
        case .redirect(let reason): return reason
        case .cancelled: return "the request was cancelled"
        case .unavailable(let reason): return "cannot make HTTP requests: \(reason)"
        case .unsafeRequest(let reason): return reason
        }
    }
}

/// Why a request of a client session failed, for the person who made it.
package enum ClientFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The session could not be opened: the probe's own reason.
    case cannotOpen(server: String, ProbeFailure)
    /// The request's time ran out; it was cancelled as the era says and the session goes on.
    case timedOut(method: String, seconds: Double)
    /// Ctrl-C: the request was cancelled as the era says, and the session goes on.
    case cancelled(method: String)
    /// The server exited or its connection ended: why, with its last word on stderr.
    case gone(String)
    /// The server answered with a JSON-RPC error.
    case rejected(method: String, code: Int, message: String)
    /// A modern result asking the client for input (`input_required`), which claudesh does not give.
    case inputRequired(method: String)
    /// The answer is not what the protocol says it is.
    case malformed(String)
    /// What the caller asked for does not fit what the server offers (a tool it does not have,
    /// an argument not in the schema); the message names it.
    case invalidRequest(String)
    /// The transport failed in another way.
    case transport(ProbeFailure)
    /// A failure's words once masked (`redacted(by:)`).
    case masked(String)

    init(_ failure: ProbeFailure) {
        switch failure {
        case .rejected(let method, let code, let message): self = .rejected(method: method, code: code, message: message)
        case .inputRequired(let method): self = .inputRequired(method: method)
        case .protocolError(let reason): self = .malformed(reason)
        default: self = .transport(failure)
        }
    }

    /// The server refused the request (a JSON-RPC error): it does not offer what was asked.
    package var isRefusal: Bool {
        if case .rejected = self { return true }
        return false
    }

    /// Exit status 2 (the request was wrong) rather than 1.
    package var isUsage: Bool {
        if case .invalidRequest = self { return true }
        return false
    }

    package var description: String {
        switch self {
        case .cannotOpen(let server, let failure): return "\(server): \(failure)"
        case .timedOut(let method, let seconds):
            return "\(method) timed out after \(ProbeFailure.seconds(seconds)) and was cancelled (--timeout raises it)"
        case .cancelled(let method): return "\(method) cancelled"
        case .gone(let reason): return reason
        case .rejected(let method, let code, let message): return "\(method) failed: \(message) (JSON-RPC error \(code))"
        case .inputRequired(let method):
            return "the server asks for input during \(method) (resultType input_required), which claudesh does not give"
        case .malformed(let reason): return "protocol error: \(reason)"
        case .invalidRequest(let reason): return reason
        case .transport(let failure): return failure.description
        case .masked(let text): return text
        }
    }

    /// This failure with what a server or an entry put in its words masked; a cancellation, a
    /// wrong request and a refusal keep their kind (their exit status, and the code a gateway
    /// passes on, depend on it).
    package func redacted(by redactor: Redactor) -> ClientFailure {
        switch self {
        case .cancelled, .timedOut: return self
        case .rejected(let method, let code, let message): return .rejected(method: method, code: code, message: redactor.clean(message))
        case .invalidRequest(let text): return .invalidRequest(redactor.clean(text))
        default: return .masked(redactor.clean(description))
        }
    }
}

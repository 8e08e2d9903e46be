/// An error a command throws for the shell to report.
public enum ShellError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The command line is wrong (exit status 2).
    case usage(String)
    /// The command could not do its job (exit status 1).
    case failed(String)

    public var description: String {
        switch self {
        case .usage(let message), .failed(let message): return message
        }
    }

    public var status: ExitStatus {
        switch self {
        case .usage: return .usage
        case .failed: return .failure
        }
    }
}

extension String {
    /// The text cut to `limit` characters for quoting in a message (a 1 MB word stays readable).
    func clipped(_ limit: Int = 60) -> String {
        count <= limit ? self : String(prefix(limit)) + "…"
    }
}

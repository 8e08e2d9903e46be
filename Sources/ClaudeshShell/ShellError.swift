import ClaudeshKit

/// An error a command throws for the shell to report: the kit's, so that an operation's usage
/// error and a command line's are one kind.
typealias ShellError = OperationError

extension OperationError {
    var status: ExitStatus {
        switch self {
        case .usage: return .usage
        case .failed: return .failure
        }
    }
}

/// The session's application layer: every operation a command runs, with no terminal in sight.
///
/// A command makes one from the session context (`Invocation.workspace`), calls one operation,
/// and renders what comes back. The workspace hands out the services already wired to the
/// session: the client config and its servers, probe plans, the store and keyring with their
/// environment, compose with secrets, the backup set, health, the self-test, the recovery plan,
/// the scheduled jobs. It is a value: the session's mutable state (settings, the vault) stays
/// in the context, and the vault is shared by reference, so the redactor a workspace carries
/// masks a secret loaded after the workspace was made.
package struct Workspace: Sendable {
    let context: SessionContext

    package init(_ context: SessionContext) {
        self.context = context
    }

    /// The session's one redactor.
    var redactor: Redactor { context.redactor }
    package var environment: Environment { context.environment }
    package var settings: Settings { context.settings }
    var home: String { context.home }
    package var dryRun: Bool { context.dryRun }
    /// `HOME/logs`: the servers' stderr, the scheduled jobs' output.
    var logFolder: String { Path.join(home, "logs") }
    /// The time now, in seconds since 1970.
    var now: Int { Timestamp.now }
}

/// An operation's error for the person who asked: what went wrong and what to do.
package enum OperationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The request itself is wrong (exit status 2).
    case usage(String)
    /// The operation could not do its job (exit status 1).
    case failed(String)

    package var description: String {
        switch self {
        case .usage(let message), .failed(let message): return message
        }
    }
}

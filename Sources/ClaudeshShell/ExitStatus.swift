/// A command's, a script's or the process's exit status.
package struct ExitStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    package let rawValue: Int32
    package init(rawValue: Int32) { self.rawValue = rawValue }

    static let success = ExitStatus(rawValue: 0)
    /// A command failed, or something it checked is unhealthy.
    static let failure = ExitStatus(rawValue: 1)
    /// The command line was wrong: unknown command, bad flag, missing argument.
    static let usage = ExitStatus(rawValue: 2)
    /// A script stopped at a failed command.
    static let scriptStopped = ExitStatus(rawValue: 3)
    /// Ctrl-C, as shells report SIGINT.
    static let interrupted = ExitStatus(rawValue: 130)

    var isSuccess: Bool { rawValue == 0 }
    package var description: String { String(rawValue) }
}

/// A command's, a script's or the process's exit status.
public struct ExitStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let success = ExitStatus(rawValue: 0)
    /// A command failed, or something it checked is unhealthy.
    public static let failure = ExitStatus(rawValue: 1)
    /// The command line was wrong: unknown command, bad flag, missing argument.
    public static let usage = ExitStatus(rawValue: 2)
    /// A script stopped at a failed command.
    public static let scriptStopped = ExitStatus(rawValue: 3)
    /// Ctrl-C, as shells report SIGINT.
    public static let interrupted = ExitStatus(rawValue: 130)

    public var isSuccess: Bool { rawValue == 0 }
    public var description: String { String(rawValue) }
}

/// What to start: an argv array (never a shell string) and the child's environment.
///
/// Secrets reach a child through `environment` or standard input, never `arguments`:
/// `/proc/PID/cmdline` is readable by every user of the machine.
package struct ProcessSpec: Sendable, Equatable {
    /// A path, or a name looked up on the child's `PATH`.
    var executable: String
    var arguments: [String]
    var environment: [String: String]
    var directory: String?
    /// A descriptor the child reads as its standard input instead of a pipe from claudesh: the
    /// read end of a pipe from another child, so that a pipeline's data never passes through us.
    var standardInput: Int32?
    /// A descriptor the child writes as its standard output instead of a pipe to claudesh.
    var standardOutput: Int32?
    /// Whether the child leads a session of its own (and so its own process group). Linux's
    /// autogroup scheduling gives each session its own share of the CPU: MCP servers started
    /// together on a busy machine then compete with its other work as separate programs would,
    /// not as one program that shares a single share. No controlling terminal: only for programs
    /// that need none.
    var ownSession = false
    /// Whether the child, and what it leaves behind, must not outlive its use or claudesh: an
    /// MCP server. On Linux it dies with claudesh (a parent-death signal, which SIGKILL of
    /// claudesh sends too), and a daemon it starts in a session of its own is found by the
    /// environment it inherits (`ChildProcess.markerVariable`) and ended with it. macOS has no
    /// parent-death signal: there the group is ended when claudesh ends it, not on SIGKILL.
    var contained = false

    package init(_ executable: String, _ arguments: [String] = [], environment: [String: String], directory: String? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.directory = directory
    }

    /// The command line for messages: the program and its arguments, as typed.
    package var commandLine: String { ([executable] + arguments).joined(separator: " ") }
}

/// How a child ended.
package enum Termination: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    package var isSuccess: Bool { self == .exited(0) }

    package var description: String {
        switch self {
        case .exited(let status): return "exited with status \(status)"
        case .signaled(let signal): return "was killed by signal \(signal)"
        }
    }
}

/// A program could not be started.
package enum ProcessError: Error, CustomStringConvertible, Sendable, Equatable {
    case commandNotFound(String, path: String)
    case notExecutable(String)
    case spawnFailed(String, code: Int32)

    package var description: String {
        switch self {
        case .commandNotFound(let name, let path):
            return "command not found: \(name) (searched PATH=\(path.isEmpty ? "(empty)" : path)); install it or give its full path"
        case .notExecutable(let path):
            return "\(path) is not an executable file (check its mode: chmod +x)"
        case .spawnFailed(let name, let code):
            return "cannot start \(name): \(FileError("start", name, code: code).reason)"
        }
    }

}

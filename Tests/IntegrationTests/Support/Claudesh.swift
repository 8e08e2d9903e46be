import Foundation

/// The built `claudesh` binary and fresh homes to run it in.
enum Claudesh {
    /// `CLAUDESH_BIN`, else the `claudesh` next to the test bundle (SwiftPM builds it first).
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["CLAUDESH_BIN"] { return path }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if folder.lastPathComponent.hasSuffix(".xctest") || folder.path.contains(".xctest/") {
            while folder.path.contains(".xctest") { folder.deleteLastPathComponent() }
        }
        return folder.appendingPathComponent("claudesh").path
    }

    /// A new empty folder under /tmp, removed by the caller with `cleanUp`.
    static func temporaryFolder(_ name: String = "claudesh-test") -> String {
        let path = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// An environment for a test: its own claudesh home and HOME, no colour.
    static func environment(home: String, extra: [String: String] = [:]) -> [String: String] {
        var environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": home,
            "CLAUDESH_HOME": home + "/.claude",
            "TERM": "xterm",
            "NO_COLOR": "1",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "SWIFT_BACKTRACE": "enable=no",
            // The binary under test lives in the build folder, which claudesh refuses to record
            // into configs and jobs unless named explicitly; "" in `extra` takes this out.
            "CLAUDESH_PROGRAM": binary,
        ]
        environment.merge(extra) { $1 }
        return environment
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the binary without a terminal, `input` on its standard input.
    static func run(_ arguments: [String], home: String, input: String? = nil, directory: String? = nil, extra: [String: String] = [:]) throws -> Result {
        try runProgram(binary, arguments, environment: environment(home: home, extra: extra), input: input, directory: directory)
    }

    /// Runs any program without a terminal and collects its output and status.
    static func runProgram(_ program: String, _ arguments: [String], environment: [String: String], input: String? = nil, directory: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.environment = environment
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let stdout = Pipe()
        let stderr = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        // A program that exits before it has read all its input (a refusal) must not end the
        // whole test process by SIGPIPE: the write fails with EPIPE instead, and what the program
        // did is what the test checks.
        signal(SIGPIPE, SIG_IGN)
        try process.run()
        if let input { try? stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        // Read both pipes at once so a full one cannot block the child.
        let errors = LockedData()
        let errorReader = Thread { errors.set(stderr.fileHandleForReading.readDataToEndOfFile()) }
        errorReader.start()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errors.isSet { usleep(1000) }
        return Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: errors.value, as: UTF8.self))
    }

    static func cleanUp(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?
    func set(_ value: Data) { lock.lock(); data = value; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return data != nil }
    var value: Data { lock.lock(); defer { lock.unlock() }; return data ?? Data() }
}

import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real binary fed what a careless or hostile file, script or keystroke gives it: it
/// reports and carries on, or stops with a clear error; it never crashes or runs for ever.
@Suite(.serialized)
struct HostileInputTests {
    /// The standard signals a process ignores, from /proc/PID/status's SigIgn mask.
    static func ignoredSignals(of pid: pid_t) throws -> UInt64 {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("SigIgn:") } ?? ""
        return UInt64(line.dropFirst("SigIgn:".count).trimmingCharacters(in: .whitespaces), radix: 16) ?? 0
    }

    @Test func ctrlBackslashAtThePromptIsIgnored() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let terminal = try PseudoTerminal([Claudesh.binary], environment: Claudesh.environment(home: home))
        try terminal.expect("claudesh> ")
        #expect(try Self.ignoredSignals(of: terminal.pid) & (1 << (SIGQUIT - 1)) != 0)
        terminal.send("\u{1C}")
        terminal.send("echo still here\r")
        let seen = try terminal.expect("claudesh> ")
        #expect(seen.contains("still here"))
        #expect(!seen.contains("crashed"))
        terminal.send("exit\r")
        #expect(terminal.waitForExit() == 0)
    }

    @Test func aBlockIndicatorThatIsNotOneLeavesComposeHealthAndCompletionStanding() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let compose = home + "/compose.yaml"
        try "services:\n  web:\n    image: busybox\n    command: |½\n      x\n".write(toFile: compose, atomically: true, encoding: .utf8)
        let terminal = try PseudoTerminal([Claudesh.binary], environment: Claudesh.environment(home: home))
        try terminal.expect("claudesh> ")
        terminal.send("set compose-file \(compose)\r")
        try terminal.expect("claudesh")
        terminal.send("compose config\r")
        try terminal.expect("compose.yaml:4:15: ")
        terminal.send("health\r")
        try terminal.expect("compose.yaml:4:15")
        terminal.send("compose restart \t\t")
        terminal.send("\u{3}")
        terminal.send("echo alive\r")
        try terminal.expect("alive")
        terminal.send("exit\r")
        #expect(terminal.waitForExit() == 0)
    }

    @Test func secretsLoadedMeanNoCoreDump() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        try fixture.makeKeyAndStore()
        try fixture.insert("claude/one", "value-\(UUID().uuidString)")
        // The shell starts allowed a core file (this test's own soft limit may be 0).
        var inherited = rlimit()
        getrlimit(Int32(RLIMIT_CORE.rawValue), &inherited)
        var allowed = inherited
        allowed.rlim_cur = inherited.rlim_max
        setrlimit(Int32(RLIMIT_CORE.rawValue), &allowed)
        let started = Result { try PseudoTerminal([Claudesh.binary], environment: Claudesh.environment(home: fixture.home, extra: fixture.environment)) }
        setrlimit(Int32(RLIMIT_CORE.rawValue), &inherited)
        let terminal = try started.get()
        try terminal.expect("claudesh> ")
        func coreLimit() throws -> String {
            let limits = try String(contentsOfFile: "/proc/\(terminal.pid)/limits", encoding: .utf8)
            let line = limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") } ?? ""
            return line.dropFirst("Max core file size".count).split(separator: " ").first.map(String.init) ?? ""
        }
        let before = try coreLimit()
        #expect(before != "0")
        terminal.send("secrets load claude/\r")
        try terminal.expect("claudesh (1 secret")
        #expect(try coreLimit() == "0")
        terminal.send("secrets unload\r")
        try terminal.expect("claudesh> ")
        #expect(try coreLimit() == before)
        terminal.send("exit\r")
        #expect(terminal.waitForExit() == 0)
    }

    @Test func aScriptThatIsDevZeroStopsWithAnError() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let result = try Claudesh.run(["-f", "/dev/zero"], home: home)
        #expect(result.status == 3)
        #expect(result.stderr.contains("zero:1: a line longer than 1.0 MiB: is this a script?"), "\(result.stderr)")
    }

    @Test func endlessBackslashLinesStopWhereOneLineWould() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        // 300,000 short lines, each continued by the next: 2.4 MB of one command.
        let script = home + "/endless.claudesh"
        try String(repeating: "echo x \\\n", count: 300_000).write(toFile: script, atomically: true, encoding: .utf8)
        let result = try Claudesh.run(["-f", script], home: home)
        #expect(result.status == 3)
        #expect(result.stderr.contains("endless.claudesh:1001: a command continued over more than 1000 lines: is this a script?"), "\(result.stderr)")
        // Few lines, each long: the joined command is bounded as one line is.
        try String(repeating: String(repeating: "y", count: 20000) + " \\\n", count: 100).write(toFile: script, atomically: true, encoding: .utf8)
        let long = try Claudesh.run(["-f", script], home: home)
        #expect(long.status == 3)
        #expect(long.stderr.contains("a line longer than 1.0 MiB: is this a script?"), "\(long.stderr)")
    }

    @Test func standardInputOfZerosStopsWithAnError() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Claudesh.binary)
        process.environment = Claudesh.environment(home: home)
        process.standardInput = FileHandle(forReadingAtPath: "/dev/zero")
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 3)
        #expect(stderr.contains("a line longer than 1.0 MiB: is this a script?"), "\(stderr)")
    }

    @Test func aFileNameWithALineBreakIsNotTwoCandidatesForTheShells() throws {
        let home = Claudesh.temporaryFolder()
        defer { Claudesh.cleanUp(home) }
        let folder = home + "/scripts"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ["new\nline.claudesh", "plain.claudesh"] { try "help\n".write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
        let result = try Claudesh.run(["__complete", "-f", folder + "/"], home: home)
        #expect(result.stdout == folder + "/plain.claudesh\n", "\(result.stdout)")
    }
}

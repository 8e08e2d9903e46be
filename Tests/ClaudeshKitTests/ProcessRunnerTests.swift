import Foundation
import Testing
@testable import ClaudeshKit

/// Real programs (sh, cat, sleep) through the one process runner.
struct ProcessRunnerTests {
    let environment = ["PATH": "/usr/bin:/bin"]

    func spec(_ executable: String, _ arguments: [String] = [], extra: [String: String] = [:], directory: String? = nil) -> ProcessSpec {
        ProcessSpec(executable, arguments, environment: environment.merging(extra) { $1 }, directory: directory)
    }

    @Test func runsWithArgumentsInputAndStatus() async throws {
        let echoed = try await ProcessRunner.run(spec("cat"), input: Array("through stdin\n".utf8))
        #expect(echoed.termination == .exited(0))
        #expect(echoed.outputText == "through stdin\n")
        let failed = try await ProcessRunner.run(spec("sh", ["-c", "echo oops >&2; exit 3"]))
        #expect(failed.termination == .exited(3))
        #expect(failed.errorText == "oops\n")
    }

    @Test func environmentAndDirectoryReachTheChild() async throws {
        let result = try await ProcessRunner.run(spec("sh", ["-c", "printf '%s %s' \"$TOKEN\" \"$(pwd)\""], extra: ["TOKEN": "t0k3n"], directory: "/tmp"))
        #expect(result.outputText == "t0k3n /tmp")
    }

    /// A descriptor claudesh holds without close-on-exec (as one inherited from its own parent
    /// would be) must not reach a server, which could keep it open for ever.
    @Test func theChildGetsOnlyItsThreeStreams() async throws {
        let held = open("/dev/null", O_RDONLY)
        defer { close(held) }
        #expect(held > 2)
        let result = try await ProcessRunner.run(spec("sh", ["-c", "ls /proc/$$/fd"]))
        #expect(result.outputText.split(separator: "\n").sorted() == ["0", "1", "2"])
    }

    @Test func missingCommandFailsAtOnceNamingPath() async {
        let error = await #expect(throws: ProcessError.self) { try await ProcessRunner.run(spec("no-such-command-xyz")) }
        #expect(error == .commandNotFound("no-such-command-xyz", path: "/usr/bin:/bin"))
        #expect(error?.description.contains("PATH=/usr/bin:/bin") == true)
        let notExecutable = await #expect(throws: ProcessError.self) { try await ProcessRunner.run(spec("/etc/hostname")) }
        #expect(notExecutable == .notExecutable("/etc/hostname"))
    }

    @Test func deadlineEndsTheWholeGroup() async throws {
        // The grandchild would outlive a kill of the child alone; only the deadline ends the sleep.
        let result = try await ProcessRunner.run(spec("sh", ["-c", "sleep 311 & sleep 312"]), timeout: .milliseconds(300))
        #expect(result.timedOut)
        #expect(result.termination == .signaled(SIGTERM))
        try await Task.sleep(for: .milliseconds(100))
        #expect(Self.processes(matching: "sleep 31").isEmpty, "a sleep of the group is still running")
    }

    @Test func cancellingTheTaskEndsTheGroup() async throws {
        let task = Task { try await ProcessRunner.run(spec("sh", ["-c", "sleep 321 & sleep 322"])) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        try await Task.sleep(for: .milliseconds(300))
        #expect(Self.processes(matching: "sleep 32").isEmpty)
    }

    @Test func outputIsBoundedKeepingTheNewest() async throws {
        let result = try await ProcessRunner.run(spec("sh", ["-c", "yes line | head -n 100000; echo last"]), outputLimit: 1000)
        #expect(result.truncated)
        #expect(result.output.count == 1000)
        #expect(result.outputText.hasSuffix("line\nlast\n"))
    }

    @Test func secretsInTheEnvironmentAreNotInAnyCommandLine() async throws {
        let secret = "ghp_" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let child = try ChildProcess.start(spec("sh", ["-c", "read line"], extra: ["GITHUB_TOKEN": secret]))
        defer { Task { await child.terminate() } }
        try await Task.sleep(for: .milliseconds(100))
        for entry in try FileManager.default.contentsOfDirectory(atPath: "/proc") where Int(entry) != nil {
            guard let cmdline = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            #expect(!String(decoding: cmdline, as: UTF8.self).contains(secret), "the secret is in the argv of pid \(entry)")
        }
        let environ = try #require(FileManager.default.contents(atPath: "/proc/\(child.pid)/environ"))
        #expect(String(decoding: environ, as: UTF8.self).contains("GITHUB_TOKEN=\(secret)"))
    }

    /// Command lines of this user's processes that contain `text`.
    static func processes(matching text: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> String? in
            guard Int(entry) != nil, let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return line.contains(text) ? line : nil
        }
    }
}

/// A bounded stream is freed however much of it was read.
struct BoundedStreamTests {
    @Test func aStreamDroppedWithValuesUnreadOrAWakeUnreadIsFreedQuietly() {
        // libdispatch ended the whole process when the stream's semaphore was freed holding less
        // than it was made with: a value sent and never read, a wake never read.
        for _ in 0..<3 {
            let (stream, feeder) = BoundedStream<[UInt8]>.make(window: 4)
            #expect(feeder.send([1, 2, 3], unless: { false }))
            feeder.wake(with: [])
            _ = stream
        }
    }
}

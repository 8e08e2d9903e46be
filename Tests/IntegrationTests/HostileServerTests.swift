import Foundation
import Testing

/// `mcp check` against servers that flood, send too much, or leave processes behind
/// (Tests/Fixtures/hostile): the deadline holds, memory and the log stay bounded, and nothing
/// a server started outlives the check or claudesh.
@Suite
struct HostileServerTests {
    static let stdioScript = MCPFixtures.repository + "/Tests/Fixtures/hostile/hostile_server.py"
    static let httpScript = MCPFixtures.repository + "/Tests/Fixtures/hostile/hostile_http.py"
    /// What one check may take before the watchdog kills it: four times its timeout.
    static let timeout = 5
    /// Peak memory a check may reach, in KiB; a flood took 0.9 to 1.75 GB.
    static let memoryBound = 200 * 1024

    let home = Claudesh.temporaryFolder("claudesh-hostile")
    var config: String { home + "/claude_desktop_config.json" }

    struct Run {
        var status: Int32
        var servers: [String: [String: Any]]
        var peakKiB: Int
    }

    /// `mcp check --timeout 5` under a watchdog, its peak memory measured by GNU time.
    func check() throws -> Run {
        let peak = home + "/peak"
        // GNU time reports the largest of timeout's waited-for children: claudesh.
        let result = try Claudesh.runProgram("/usr/bin/time", ["-f", "%M", "-o", peak, "/usr/bin/timeout", "-s", "KILL", "\(4 * Self.timeout)",
                                                              Claudesh.binary, "mcp", "check", "--config", config, "--json", "--timeout", "\(Self.timeout)"],
                                             environment: Claudesh.environment(home: home))
        #expect(result.status != 137, "still running after \(4 * Self.timeout) s: the watchdog killed it")
        let kib = Int(((try? String(contentsOfFile: peak, encoding: .utf8)) ?? "").split(separator: "\n").last.map(String.init) ?? "") ?? Int.max
        let servers = result.status == 137 ? [:] : try MCPFixtures.servers(result.stdout)
        return Run(status: result.status, servers: servers, peakKiB: kib)
    }

    func stdio(_ mode: String, marker: String = "HOSTILE_FIXTURE") -> String {
        "{\"command\": \"\(MCPFixtures.venv)/bin/python\", \"args\": [\"\(Self.stdioScript)\", \"\(mode)\"], \"env\": {\"\(marker)\": \"1\"}}"
    }

    @Test(arguments: [
        ("notify-flood", "timed out after 5 s"),
        ("stderr-flood", "timed out after 5 s"),
        ("stderr-no-newline", "timed out after 5 s"),
        ("huge-line", "a message over 4 MiB"),
        ("wide-json", "a message over 4 MiB"),
    ])
    func aStdioServerThatFloodsEndsWithinTheDeadlineInBoundedMemory(mode: String, reason: String) throws {
        defer { Claudesh.cleanUp(home) }
        MCPFixtures.writeConfig(config, [("hostile", stdio(mode))])
        let run = try check()
        #expect(run.status == 1)
        let said = run.servers["hostile"]?["reason"] as? String ?? ""
        #expect(said.contains(reason), "\(said)")
        #expect(run.peakKiB < Self.memoryBound, "peak \(run.peakKiB) KiB")
    }

    @Test(arguments: [
        ("sse-flood", "http", "timed out after 5 s"),
        ("sse-flood", "sse", "timed out after 5 s"),
        ("sse-endless", "http", "a message over 4 MiB"),
        ("sse-endless", "sse", "a message over 4 MiB"),
        ("sse-huge-line", "http", "a message over 4 MiB"),
        ("sse-huge-line", "sse", "a message over 4 MiB"),
    ])
    func anHTTPServerThatFloodsItsEventStreamEndsWithinTheDeadlineInBoundedMemory(mode: String, type: String, reason: String) throws {
        defer { Claudesh.cleanUp(home) }
        let server = try HTTPFixture(mode, script: Self.httpScript)
        defer { server.stop() }
        MCPFixtures.writeConfig(config, [("hostile", MCPFixtures.remote(server.url + (type == "sse" ? "/sse" : "/mcp"), type: type))])
        let run = try check()
        #expect(run.status == 1)
        let said = run.servers["hostile"]?["reason"] as? String ?? ""
        #expect(said.contains(reason), "\(said)")
        #expect(run.peakKiB < Self.memoryBound, "peak \(run.peakKiB) KiB")
    }

    @Test func aServerThatFloodsStderrLeavesACappedLogAndOnePreviousFile() throws {
        defer { Claudesh.cleanUp(home) }
        MCPFixtures.writeConfig(config, [("hostile", stdio("stderr-flood"))])
        _ = try check()
        let log = home + "/.claude/logs/mcp-hostile.log"
        let sizes = [log, log + ".1"].map { ((try? FileManager.default.attributesOfItem(atPath: $0))?[.size] as? Int) ?? -1 }
        // 1 MiB a file, and a line more at most.
        #expect(sizes.allSatisfy { $0 > 0 && $0 <= (1 << 20) + (64 << 10) }, "\(sizes)")
        #expect(FileManager.default.fileExists(atPath: log + ".2") == false)
    }

    @Test func aDaemonThatAPassingServerLeftInASessionOfItsOwnDoesNotOutliveTheCheck() throws {
        defer { Claudesh.cleanUp(home) }
        let marker = "CLAUDESH_HOSTILE_\(UUID().uuidString.prefix(8))"
        defer { MCPFixtures.processes(marked: marker).forEach { kill($0, SIGKILL) } }
        MCPFixtures.writeConfig(config, [("daemon", stdio("daemon", marker: marker))])
        let run = try check()
        #expect(run.status == 0, "\(run.servers)")
        #expect(run.servers["daemon"]?["status"] as? String == "ok")
        #expect(MCPFixtures.processes(marked: marker).isEmpty)
    }

    /// SIGKILL of claudesh: the server dies by its parent-death signal, and the daemon it left in
    /// a session of its own by the guardian, which sees claudesh's end and ends what is marked.
    @Test(arguments: ["hang", "daemon-hang"])
    func nothingAServerStartedOutlivesSIGKILLOfClaudesh(_ mode: String) throws {
        defer { Claudesh.cleanUp(home) }
        let marker = "CLAUDESH_HOSTILE_\(UUID().uuidString.prefix(8))"
        defer { MCPFixtures.processes(marked: marker).forEach { kill($0, SIGKILL) } }
        MCPFixtures.writeConfig(config, [("hang", stdio(mode, marker: marker))])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Claudesh.binary)
        process.arguments = ["mcp", "check", "--config", config, "--json", "--timeout", "60"]
        process.environment = Claudesh.environment(home: home)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Waits for the server (and its daemon) to be up (it never answers), then kills claudesh outright.
        let expected = mode == "hang" ? 1 : 2
        var running = 0
        for _ in 0..<400 where running < expected {
            running = MCPFixtures.processes(marked: marker).count
            if running < expected { usleep(25_000) }
        }
        #expect(running >= expected, "the server never started")
        #expect(!Self.guardians(of: process.processIdentifier).isEmpty, "a guardian watches claudesh")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        var left = MCPFixtures.processes(marked: marker)
        for _ in 0..<200 where !left.isEmpty {
            usleep(25_000)
            left = MCPFixtures.processes(marked: marker)
        }
        #expect(left.isEmpty, "still running: \(left)")
        // The guardian ends too, its work done.
        var guardians = Self.guardians(of: process.processIdentifier)
        for _ in 0..<200 where !guardians.isEmpty {
            usleep(25_000)
            guardians = Self.guardians(of: process.processIdentifier)
        }
        #expect(guardians.isEmpty, "a guardian is still running: \(guardians)")
    }

    /// A server whose exec fails after its file was found (a `#!` interpreter that is not there)
    /// cannot start, said at once and not retried: not "exited with status 127".
    @Test func aServerWhoseInterpreterIsMissingCannotStartAndIsNotRetried() throws {
        defer { Claudesh.cleanUp(home) }
        let script = home + "/server.sh"
        try "#!/nonexistent/interpreter\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        MCPFixtures.writeConfig(config, [("broken", "{\"command\": \"\(script)\"}")])
        let result = try Claudesh.run(["mcp", "check", "--config", config, "--json", "--retries", "3"], home: home)
        #expect(result.status == 1)
        let server = try #require(try MCPFixtures.servers(result.stdout)["broken"])
        #expect((server["reason"] as? String ?? "").hasPrefix("cannot start \(script)"), "\(server)")
        #expect(server["permanent"] as? Bool == true)
        #expect(server["attempts"] as? Int == 1)
    }

    /// The guardians (`claudesh __guard PID-`) of the claudesh `pid`.
    static func guardians(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { candidate in
            guard let data = FileManager.default.contents(atPath: "/proc/\(candidate)/cmdline") else { return false }
            let words = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard words.contains("__guard \(pid)-") || (words.count >= 3 && words[words.count - 2] == "__guard" && words.last == "\(pid)-") else { return false }
            let status = (try? String(contentsOfFile: "/proc/\(candidate)/stat", encoding: .utf8)) ?? ""
            return !status.contains(") Z ")
        }
    }
}

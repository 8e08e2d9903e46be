import Foundation
import Testing

/// Canaries on a real server (mcp-server-time): one tool call after the handshake that tells a
/// server that works from one that only starts, in mcp check, health and the health history.
@Suite
struct CanaryTests {
    let home = Claudesh.temporaryFolder("claudesh-canary")
    /// The desktop config, which health reads as mcp check does.
    var config: String { home + "/.config/Claude/claude_desktop_config.json" }
    var canaries: String { home + "/.claude/canaries.json" }

    init() throws {
        try FileManager.default.createDirectory(atPath: home + "/.config/Claude", withIntermediateDirectories: true)
        MCPFixtures.writeConfig(config, [("time", "{\"command\": \"\(MCPFixtures.timeServer)\"}")])
    }

    func run(_ arguments: [String]) throws -> Claudesh.Result {
        try Claudesh.run(arguments, home: home)
    }

    func json(_ result: Claudesh.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)\(result.stderr)")
    }

    /// The health check `name` of `section` in `health --json`.
    func healthCheck(_ health: [String: Any], _ section: String, _ name: String) -> [String: Any]? {
        ((health["sections"] as? [String: Any])?[section] as? [[String: Any]])?.first { $0["name"] as? String == name }
    }

    @Test func aCanaryThatPassesIsReportedAndRecordedApartFromTheHandshake() throws {
        defer { Claudesh.cleanUp(home) }
        let add = try run(["mcp", "canary", "add", "time", "get_current_time", "timezone=UTC", "--expect", "UTC"])
        #expect(add.status == 0, "\(add.stderr)")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(try run(["mcp", "canary", "list", "--json"]).stdout.utf8)) as? [[String: Any]])
        let kept = try #require(list.first)
        #expect(list.count == 1 && kept["server"] as? String == "time" && kept["config"] as? String == config)
        #expect(kept["tool"] as? String == "get_current_time" && kept["expect"] as? String == "UTC")
        #expect((kept["arguments"] as? [String: Any])?["timezone"] as? String == "UTC")

        let check = try run(["mcp", "check"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("time  canary get_current_time  ok "), "\(check.stdout)")
        let server = try #require(try MCPFixtures.servers(try run(["mcp", "check", "--json"]).stdout)["time"])
        let canary = try #require(server["canary"] as? [String: Any])
        #expect(canary["tool"] as? String == "get_current_time" && canary["passed"] as? Bool == true && canary["reason"] is NSNull)
        #expect((canary["latency_ms"] as? Double ?? -1) >= 0)

        let health = try run(["health", "--json"])
        #expect(health.status == 0, "\(health.stdout)\(health.stderr)")
        let report = try json(health)
        #expect(healthCheck(report, "mcp", "time")?["state"] as? String == "ok")
        let works = try #require(healthCheck(report, "canary", "time"))
        #expect(works["state"] as? String == "ok" && works["latency_ms"] is Double)
        #expect((works["detail"] as? String)?.hasPrefix("get_current_time ok") == true, "\(works)")

        // The history keeps "starts" and "works" apart, each with its latency.
        let history = try json(try run(["health", "history", "time", "--json"]))
        let checks = try #require(history["checks"] as? [[String: Any]])
        let sections = Set(checks.compactMap { $0["section"] as? String })
        #expect(sections == ["mcp", "canary"], "\(checks)")
        #expect(checks.allSatisfy { $0["p50_ms"] is Double && $0["uptime_percent"] as? Double == 100 })
        let table = try run(["health", "history", "time"])
        #expect(table.stdout.contains("canary") && table.stdout.contains("mcp"), "\(table.stdout)")
    }

    @Test func aFailedCanaryMakesHealthUnhealthyAndNamesItWhileTheHandshakePasses() throws {
        defer { Claudesh.cleanUp(home) }
        // The answer does not hold the text expected.
        #expect(try run(["mcp", "canary", "add", "time", "get_current_time", "timezone=UTC", "--expect", "Atlantis"]).status == 0)
        let box = try run(["health"])
        #expect(box.status == 1, "\(box.stdout)\(box.stderr)")
        #expect(box.stdout.contains("UNHEALTHY: time canary failed"), "\(box.stdout)")
        let report = try json(try run(["health", "--json"]))
        #expect(healthCheck(report, "mcp", "time")?["state"] as? String == "ok", "the handshake passed")
        let failed = try #require(healthCheck(report, "canary", "time"))
        #expect(failed["state"] as? String == "failed")
        #expect((failed["detail"] as? String)?.contains("get_current_time failed: \"Atlantis\" not in the answer") == true, "\(failed)")

        let check = try run(["mcp", "check"])
        #expect(check.status == 1, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("time  canary get_current_time  FAIL \"Atlantis\" not in the answer"), "\(check.stdout)")
        let server = try #require(try MCPFixtures.servers(try run(["mcp", "check", "--json"]).stdout)["time"])
        #expect(server["status"] as? String == "ok")
        #expect((server["canary"] as? [String: Any])?["passed"] as? Bool == false)

        // The tool's own error (isError): a time zone that does not exist.
        #expect(try run(["mcp", "canary", "add", "time", "get_current_time", "timezone=Nowhere/Atlantis"]).status == 0)
        let errorReport = try run(["health", "--json"])
        #expect(errorReport.status == 1)
        let reported = try #require(healthCheck(try json(errorReport), "canary", "time"))
        #expect((reported["detail"] as? String)?.contains("the tool reported an error") == true, "\(reported)")
        #expect(healthCheck(try json(errorReport), "mcp", "time")?["state"] as? String == "ok")

        // --no-canary: the handshake alone, healthy.
        let skipped = try run(["health", "--no-canary", "--json"])
        #expect(skipped.status == 0, "\(skipped.stdout)")
        #expect(healthCheck(try json(skipped), "canary", "time") == nil)
        let unchecked = try run(["mcp", "check", "--no-canary"])
        #expect(unchecked.status == 0 && !unchecked.stdout.contains("canary"), "\(unchecked.stdout)")
        #expect(try run(["mcp", "retry", "--no-canary"]).status == 0)

        #expect(try run(["mcp", "canary", "remove", "time"]).status == 0)
        #expect(try run(["mcp", "check"]).status == 0)
        #expect(try run(["mcp", "canary", "remove", "time"]).status == 2)
    }

    @Test func aCanaryWithABadArgumentIsRefusedAndWritesNothing() throws {
        defer { Claudesh.cleanUp(home) }
        let unknown = try run(["mcp", "canary", "add", "time", "get_current_time", "timezon=UTC"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("has no argument timezon (did you mean timezone?)"), "\(unknown.stderr)")
        let missing = try run(["mcp", "canary", "add", "time", "get_current_time"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("missing required argument timezone"), "\(missing.stderr)")
        let noTool = try run(["mcp", "canary", "add", "time", "get_time", "timezone=UTC"])
        #expect(noTool.status == 2 && noTool.stderr.contains("has no tool get_time"), "\(noTool.stderr)")
        #expect(!FileManager.default.fileExists(atPath: canaries))

        #expect(try run(["mcp", "canary", "add", "time", "get_current_time", "timezone=UTC"]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: canaries))
        #expect(try run(["mcp", "canary", "add", "time", "convert_time", "time=12:00"]).status == 2)
        #expect(try Data(contentsOf: URL(fileURLWithPath: canaries)) == before)
    }

    @Test func aMalformedCanariesFileIsReportedAtItsLineAndColumnAndChangesNothing() throws {
        defer { Claudesh.cleanUp(home) }
        try FileManager.default.createDirectory(atPath: home + "/.claude", withIntermediateDirectories: true)
        let broken = "{\n  \"time\": {\"tool\": \"get_current_time\",\n}\n"
        try broken.write(toFile: canaries, atomically: true, encoding: .utf8)
        for command in [["mcp", "canary", "list"], ["mcp", "check"], ["mcp", "canary", "add", "time", "get_current_time", "timezone=UTC"], ["mcp", "canary", "remove", "time"]] {
            let result = try run(command)
            #expect(result.status == 1, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("\(canaries):3:1: "), "\(command): \(result.stderr)")
        }
        let health = try run(["health", "--json"])
        #expect(health.status == 1)
        #expect((healthCheck(try json(health), "mcp", "canaries")?["detail"] as? String)?.contains("\(canaries):3:1: ") == true)
        #expect(try String(contentsOfFile: canaries, encoding: .utf8) == broken)
    }
}

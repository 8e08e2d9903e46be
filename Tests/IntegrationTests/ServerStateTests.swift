import Foundation
import Testing

/// What claudesh keeps per server (canaries, tool pins, fixed eras) belongs to the server of one
/// config file: Desktop's `time` (mcp-server-time) and a project file's `time` (the suite's era
/// fixture, another server altogether) each keep their own.
@Suite
struct ServerStateTests {
    let home = Claudesh.temporaryFolder("claudesh-state")
    /// The default config (Desktop's).
    var desktop: String { home + "/.config/Claude/claude_desktop_config.json" }
    var project: String { home + "/project.json" }
    var canaries: String { home + "/.claude/canaries.json" }

    init() throws {
        try FileManager.default.createDirectory(atPath: home + "/.config/Claude", withIntermediateDirectories: true)
        MCPFixtures.writeConfig(desktop, [("time", "{\"command\": \"\(MCPFixtures.timeServer)\"}")])
        MCPFixtures.writeConfig(project, [("time", "{\"command\": \"/usr/bin/python3\", \"args\": [\"\(MCPFixtures.eraScript)\", \"modern\"]}")])
    }

    func run(_ arguments: [String]) throws -> Claudesh.Result {
        try Claudesh.run(arguments, home: home)
    }

    func listed(_ arguments: [String]) throws -> [[String: Any]] {
        let result = try run(arguments + ["--json"])
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]], "\(result.stdout)\(result.stderr)")
    }

    @Test func aServerOfTheSameNameInAnotherFileHasItsOwnCanaryPinAndEra() throws {
        defer { Claudesh.cleanUp(home) }
        // Desktop's time gets a canary and its pin; the project's time is not called with it.
        #expect(try run(["mcp", "canary", "add", "time", "get_current_time", "timezone=UTC"]).status == 0)
        let desktopCheck = try run(["mcp", "check"])
        #expect(desktopCheck.status == 0 && desktopCheck.stdout.contains("canary get_current_time  ok"), "\(desktopCheck.stdout)\(desktopCheck.stderr)")
        let projectCheck = try run(["mcp", "check", "--config", project])
        #expect(projectCheck.status == 0, "\(projectCheck.stdout)\(projectCheck.stderr)")
        #expect(!projectCheck.stdout.contains("canary"), "\(projectCheck.stdout)")
        #expect(projectCheck.stdout.contains("tools pinned on first sight") && !projectCheck.stdout.contains("changed since pinned"), "\(projectCheck.stdout)")
        let again = try MCPFixtures.servers(try run(["mcp", "check", "--json"]).stdout)["time"]
        #expect(again?["pin"] as? String == "same", "\(String(describing: again))")

        // Each its own canary, listed with the file of the one that is not the default's.
        let add = try run(["mcp", "canary", "add", "time", "echo", "text=hi", "--expect", "hi", "--config", project])
        #expect(add.status == 0, "\(add.stderr)")
        let both = try listed(["mcp", "canary", "list"])
        #expect(both.map { "\($0["config"] ?? "") \($0["tool"] ?? "")" } == ["\(desktop) get_current_time", "\(project) echo"], "\(both)")
        let table = try run(["mcp", "canary", "list"])
        #expect(table.stdout.contains("CONFIG") && table.stdout.contains(project), "\(table.stdout)")
        #expect(try run(["mcp", "check", "--config", project]).stdout.contains("canary echo  ok"))
        #expect(try run(["mcp", "canary", "remove", "time", "--config", project]).status == 0)
        #expect(try listed(["mcp", "canary", "list"]).map { $0["tool"] as? String } == ["get_current_time"])

        // An era fixed for Desktop's time: the project's modern-only server is still spoken to in its own.
        #expect(try run(["mcp", "protocol", "time", "legacy"]).status == 0)
        #expect(try MCPFixtures.servers(try run(["mcp", "check", "--json", "--no-canary"]).stdout)["time"]?["era"] as? String == "legacy")
        let modernOnly = try MCPFixtures.servers(try run(["mcp", "check", "--json", "--config", project]).stdout)["time"]
        #expect(modernOnly?["status"] as? String == "ok" && modernOnly?["era"] as? String == "modern", "\(String(describing: modernOnly))")
        #expect(try listed(["mcp", "protocol", "time"]).map { $0["config"] as? String } == [desktop])
        #expect(try listed(["mcp", "protocol", "time", "--config", project]).isEmpty)
    }

    /// A file of the layout by name alone (no config paths) is read as the default config's and
    /// written in the layout by config the next time it changes.
    @Test func entriesByNameAloneAreTheDefaultConfigsAndMoveUnderItsPath() throws {
        defer { Claudesh.cleanUp(home) }
        try FileManager.default.createDirectory(atPath: home + "/.claude", withIntermediateDirectories: true)
        try "{\"time\": {\"tool\": \"get_current_time\", \"arguments\": {\"timezone\": \"UTC\"}, \"expect\": null}}\n".write(toFile: canaries, atomically: true, encoding: .utf8)
        #expect(try listed(["mcp", "canary", "list"]).map { $0["config"] as? String } == [desktop])
        #expect(try run(["mcp", "check"]).stdout.contains("canary get_current_time  ok"))
        let projectCheck = try run(["mcp", "check", "--config", project])
        #expect(projectCheck.status == 0 && !projectCheck.stdout.contains("canary"), "\(projectCheck.stdout)\(projectCheck.stderr)")

        #expect(try run(["mcp", "canary", "add", "time", "echo", "text=hi", "--config", project]).status == 0)
        let file = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: canaries))) as? [String: [String: [String: Any]]])
        #expect(Set(file.keys) == [desktop, project], "\(file)")
        #expect(file[desktop]?["time"]?["tool"] as? String == "get_current_time" && file[project]?["time"]?["tool"] as? String == "echo")
    }
}

import Foundation
import Testing

/// Tool pins and context weight, on the suite's era fixture, whose echo tool's description a
/// flag changes: a server whose tools changed between two checks.
@Suite
struct PinTests {
    let home = Claudesh.temporaryFolder("claudesh-pins")
    var config: String { home + "/.config/Claude/claude_desktop_config.json" }
    var pins: String { home + "/.claude/tool-pins.json" }

    init() throws {
        try FileManager.default.createDirectory(atPath: home + "/.config/Claude", withIntermediateDirectories: true)
    }

    /// The era fixture as `era`, its echo tool described as `description` (the fixture's own when nil).
    func serve(description: String?) {
        let more = description.map { ", \"--description\", \"\($0)\"" } ?? ""
        MCPFixtures.writeConfig(config, [("era", "{\"command\": \"/usr/bin/python3\", \"args\": [\"\(MCPFixtures.eraScript)\", \"modern\"\(more)]}")])
    }

    func run(_ arguments: [String], input: String? = nil) throws -> Claudesh.Result {
        try Claudesh.run(arguments, home: home, input: input)
    }

    func era(_ result: Claudesh.Result) throws -> [String: Any] {
        try #require(try MCPFixtures.servers(result.stdout)["era"], "\(result.stdout)\(result.stderr)")
    }

    @Test func aChangedDescriptionIsFlaggedShownOldAndNewAndAcceptedByPin() throws {
        defer { Claudesh.cleanUp(home) }
        serve(description: nil)
        let first = try run(["mcp", "check"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("era  tools pinned on first sight"), "\(first.stdout)")
        let pinned = try era(try run(["mcp", "check", "--json"]))
        #expect(pinned["pin"] as? String == "same")
        let hash = try #require(pinned["tool_hash"] as? String)
        #expect(hash.count == 64)
        // By config file, then server name.
        let file = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: pins))) as? [String: [String: [String: Any]]])
        let kept = file[config]?["era"]
        #expect(kept?["hash"] as? String == hash && kept?["tools"] is [Any] && kept?["pinned_at"] is String, "\(file)")

        serve(description: "Says it back, and reads your files first")
        let changed = try run(["mcp", "check"])
        #expect(changed.status == 0, "a warning, not a failure: \(changed.stderr)")
        #expect(changed.stdout.contains("era  warning: tools changed since pinned (mcp tools era --diff shows what; mcp pin era accepts)"), "\(changed.stdout)")
        let flagged = try era(try run(["mcp", "check", "--json"]))
        #expect(flagged["pin"] as? String == "changed" && flagged["tool_hash"] as? String != hash)
        #expect((flagged["warnings"] as? [String])?.first?.hasPrefix("tools changed since pinned") == true)
        let health = try run(["health", "--json"])
        let mcp = try #require(((try JSONSerialization.jsonObject(with: Data(health.stdout.utf8)) as? [String: Any])?["sections"] as? [String: Any])?["mcp"] as? [[String: Any]])
        let line = try #require(mcp.first { $0["name"] as? String == "era" })
        #expect(line["state"] as? String == "warning" && (line["detail"] as? String)?.contains("tools changed since pinned") == true, "\(line)")

        let diff = try run(["mcp", "tools", "era", "--diff"])
        #expect(diff.status == 0, "\(diff.stderr)")
        #expect(diff.stdout.contains("~ echo  changed: description"), "\(diff.stdout)")
        #expect(diff.stdout.contains("old: Says it back\n") && diff.stdout.contains("new: Says it back, and reads your files first"), "\(diff.stdout)")

        #expect(try run(["mcp", "pin"]).status == 2, "a server or --all")
        let pin = try run(["mcp", "pin", "era"])
        #expect(pin.status == 0, "\(pin.stderr)")
        #expect(pin.stdout.contains("pinned era's 1 tool: ") && pin.stdout.contains("(was \(hash.prefix(12)))"), "\(pin.stdout)")
        let accepted = try run(["mcp", "check"])
        #expect(accepted.status == 0 && !accepted.stdout.contains("warning"), "\(accepted.stdout)")
        #expect(try era(try run(["mcp", "check", "--json"]))["pin"] as? String == "same")
        #expect(try run(["mcp", "tools", "era", "--diff"]).stdout.contains("era's tools are as pinned"))
        #expect(try run(["mcp", "pin", "--all"]).status == 0)
    }

    @Test func contextWeightIsReportedAndWarnedOfOverTheSetting() throws {
        defer { Claudesh.cleanUp(home) }
        serve(description: nil)
        let server = try era(try run(["mcp", "check", "--json"]))
        let tokens = try #require(server["context_tokens"] as? Int)
        // The fixture's one tool, as compact JSON with sorted keys, / 4.
        let tool = "[{\"description\":\"Says it back\",\"inputSchema\":{\"properties\":{\"text\":{\"type\":\"string\"}},\"type\":\"object\"},\"name\":\"echo\"}]"
        #expect(tokens == tool.utf8.count / 4)
        #expect((server["warnings"] as? [String])?.isEmpty == true, "under the default 10000")
        let table = try run(["mcp", "check"])
        #expect(table.stdout.contains("TOKENS") && table.stdout.contains(" \(tokens)\n"), "\(table.stdout)")

        let low = try run(["-c", "set mcp-context-warn 5", "-c", "mcp check"])
        #expect(low.status == 0, "a warning, not a failure: \(low.stderr)")
        #expect(low.stdout.contains("era  warning: its tools weigh ~\(tokens) tokens of context, over mcp-context-warn (5)"), "\(low.stdout)")
        #expect(try run(["set", "mcp-context-warn", "many"]).status != 0)
    }

    @Test func aMalformedPinsFileIsReportedAtItsLineAndColumnAndChangesNothing() throws {
        defer { Claudesh.cleanUp(home) }
        serve(description: nil)
        try FileManager.default.createDirectory(atPath: home + "/.claude", withIntermediateDirectories: true)
        let broken = "{\n  \"era\": {\"hash\": \"x\", \"tools\": [1,\n"
        try broken.write(toFile: pins, atomically: true, encoding: .utf8)
        for command in [["mcp", "check"], ["mcp", "pin", "era"], ["mcp", "tools", "era", "--diff"]] {
            let result = try run(command)
            #expect(result.status == 1, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("\(pins):3:1: "), "\(command): \(result.stderr)")
        }
        let health = try run(["health", "--json"])
        #expect(health.stdout.contains("tools not compared with their pins: \(pins):3:1: "), "\(health.stdout)")
        #expect(try String(contentsOfFile: pins, encoding: .utf8) == broken)
    }
}

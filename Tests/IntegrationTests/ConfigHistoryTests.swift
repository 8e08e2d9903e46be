import Foundation
import Testing

/// The config history: a client file claudesh read is kept when it changed; one wiped by
/// another program is listed, compared, flagged by health and put back.
@Suite
struct ConfigHistoryTests {
    let home = Claudesh.temporaryFolder("claudesh-history")
    var desktop: String { home + "/.config/Claude/claude_desktop_config.json" }
    var claudeJSON: String { home + "/.claude.json" }
    var history: String { home + "/.claude/config-history" }

    let desktopText = """
        {
          "globalShortcut": "Ctrl+Space",
          "mcpServers": {
            "time": {"command": "uvx", "args": ["mcp-server-time"]},
            "github": {"command": "npx", "env": {"GITHUB_TOKEN": "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "BIG": 12345678901234567890}}
          }
        }

        """

    init() throws {
        try FileManager.default.createDirectory(atPath: home + "/.config/Claude", withIntermediateDirectories: true)
        try desktopText.write(toFile: desktop, atomically: true, encoding: .utf8)
    }

    func run(_ arguments: [String]) throws -> Claudesh.Result {
        try Claudesh.run(arguments, home: home, directory: home, extra: ["CLAUDESH_MANAGED_DIR": home + "/no-managed"])
    }

    func versions(_ file: String) throws -> [[String: Any]] {
        let result = try run(["mcp", "history", file, "--json"])
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]], "\(result.stdout)\(result.stderr)")
    }

    @Test func aConfigWipedByAnotherProgramIsListedComparedFlaggedAndPutBack() throws {
        defer { Claudesh.cleanUp(home) }
        #expect(try run(["mcp", "list"]).status == 0)
        let kept = try versions("desktop")
        #expect(kept.count == 1 && kept[0]["servers"] as? [String] == ["time", "github"], "\(kept)")
        let id = try #require(kept[0]["id"] as? String)
        // Kept once, mode 0600; reading it again keeps nothing new.
        let stored = try FileManager.default.contentsOfDirectory(atPath: history + "/versions")
        #expect(stored.count == 1)
        let mode = (try FileManager.default.attributesOfItem(atPath: history + "/versions/" + stored[0])[.posixPermissions] as! NSNumber).intValue
        #expect(mode == 0o600)
        #expect(try run(["mcp", "list"]).status == 0)
        #expect(try versions("desktop").count == 1)

        // Another program wipes it.
        try "{\"globalShortcut\": \"Ctrl+Space\"}\n".write(toFile: desktop, atomically: true, encoding: .utf8)
        let listed = try versions("desktop")
        #expect(listed.count == 2 && listed[0]["removed"] as? [String] == ["time", "github"], "\(listed)")
        let diff = try run(["mcp", "diff", "--config", "desktop"])
        #expect(diff.status == 0, "\(diff.stderr)")
        #expect(diff.stdout.contains("- time  (mcpServers)") && diff.stdout.contains("- github  (mcpServers)"), "\(diff.stdout)")
        #expect(!diff.stdout.contains("ghp_abcdefghijklmnopqrstuvwxyz0123456789"), "values are masked")
        let health = try run(["health", "--json"])
        #expect(health.stdout.contains("mcp restore \(id) puts back the 2 servers \(desktop) had"), "\(health.stdout)")

        // Its servers put back; the other keys as they are now; the token and the big number exact.
        let restored = try run(["mcp", "restore", id])
        #expect(restored.status == 0 && restored.stdout.contains("+ time") && restored.stdout.contains("Restored its servers"), "\(restored.stdout)\(restored.stderr)")
        let text = try String(contentsOfFile: desktop, encoding: .utf8)
        #expect(text.contains("\"BIG\": 12345678901234567890") && text.contains("ghp_abcdefghijklmnopqrstuvwxyz0123456789") && text.contains("Ctrl+Space"), "\(text)")
        #expect(!(try run(["health", "--json"])).stdout.contains("mcp restore"))
        #expect(try run(["mcp", "restore", id]).stdout.contains("nothing written"))
        // The whole file, byte for byte.
        try "".write(toFile: desktop, atomically: true, encoding: .utf8)
        #expect(try run(["mcp", "restore", id, "--whole"]).status == 0)
        #expect(try String(contentsOfFile: desktop, encoding: .utf8) == desktopText)

        // Emptied by claudesh's own removes: meant, so no warning.
        #expect(try run(["mcp", "remove", "time", "--config", "desktop"]).status == 0)
        #expect(try run(["mcp", "remove", "github", "--config", "desktop"]).status == 0)
        #expect(!(try run(["health", "--json"])).stdout.contains("mcp restore"))

        #expect(try run(["mcp", "restore", "zz"]).status == 2)
        #expect(try run(["mcp", "restore", "000000000000"]).status == 2)
    }

    /// Claude Code's file: each project's servers compared and put back, its other keys left as
    /// Claude Code wrote them since.
    @Test func claudeJSONsProjectServersAreComparedAndPutBackAndItsOtherKeysKept() throws {
        defer { Claudesh.cleanUp(home) }
        try """
            {"numStartups": 1, "projects": {"/p": {"mcpServers": {"db": {"command": "db"}}, "allowedTools": []}}, "mcpServers": {"time": {"command": "t"}}}
            """.write(toFile: claudeJSON, atomically: true, encoding: .utf8)
        #expect(try run(["mcp", "list", "--all"]).status == 0)
        let id = try #require(try versions("user").first?["id"] as? String)
        #expect(try versions("user").first?["servers"] as? [String] == ["time", "db (local /p)"])
        // Claude Code rewrites it: a project's server gone, another key changed.
        try """
            {"numStartups": 2, "projects": {"/p": {"mcpServers": {}, "allowedTools": ["Bash"]}}, "mcpServers": {"time": {"command": "t2"}}}
            """.write(toFile: claudeJSON, atomically: true, encoding: .utf8)
        let diff = try run(["mcp", "diff", id, "--json"])
        let changes = try #require((try JSONSerialization.jsonObject(with: Data(diff.stdout.utf8)) as? [String: Any])?["changes"] as? [[String: Any]], "\(diff.stdout)\(diff.stderr)")
        #expect(changes.map { "\($0["kind"]!) \($0["name"]!) \($0["object"]!)" } == ["changed time mcpServers", "removed db projects[/p].mcpServers"], "\(changes)")
        #expect(try run(["mcp", "restore", id]).status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: claudeJSON))) as? [String: Any])
        #expect(document["numStartups"] as? Int == 2)
        let project = (document["projects"] as? [String: Any])?["/p"] as? [String: Any]
        #expect(project?["allowedTools"] as? [String] == ["Bash"] && (project?["mcpServers"] as? [String: Any])?["db"] != nil, "\(String(describing: project))")
        #expect(((document["mcpServers"] as? [String: Any])?["time"] as? [String: Any])?["command"] as? String == "t")
    }
}

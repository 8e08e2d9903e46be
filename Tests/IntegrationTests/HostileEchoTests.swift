import Foundation
import Testing

/// `mcp check` and `health` against a server that echoes its secret back in every form and sends
/// terminal escapes (`Tests/Fixtures/hostile/mcp_echo_secret_encodings.py`), with the real binary.
@Suite
struct HostileEchoTests {
    static let script = MCPFixtures.repository + "/Tests/Fixtures/hostile/mcp_echo_secret_encodings.py"
    let home = Claudesh.temporaryFolder("claudesh-hostile")

    /// The default Claude Desktop config (what `mcp check` and `health` read) holding one entry
    /// per (name, mode), each given `secret` as API_KEY.
    func writeConfig(_ entries: [(String, String)], secret: String) throws {
        let folder = home + "/.config/Claude"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var servers: [String: Any] = [:]
        for (name, mode) in entries {
            servers[name] = ["command": MCPFixtures.venv + "/bin/python", "args": [Self.script, mode], "env": ["API_KEY": secret]]
        }
        let data = try JSONSerialization.data(withJSONObject: ["mcpServers": servers])
        try data.write(to: URL(fileURLWithPath: folder + "/claude_desktop_config.json"))
    }

    func run(_ arguments: [String]) throws -> Claudesh.Result { try Claudesh.run(arguments, home: home) }

    @Test func aTokenReportedAsTheServersVersionIsMaskedInTheTableAndInJSON() throws {
        defer { Claudesh.cleanUp(home) }
        // Longer than the table's 40-character SERVER column: clipped first, its start would show.
        let secret = "Vq7ZmR2xLp9TnW4kHs8dJf3gBc6yXe1uQa5oPi0rNt7vMz2wKl4hGj9sDb3cFe8a"
        try writeConfig([("info", "server-info")], secret: secret)
        let table = try run(["mcp", "check"])
        #expect(table.status == 0, "\(table.stdout)\(table.stderr)")
        #expect(!(table.stdout + table.stderr).contains(secret.prefix(12)), "\(table.stdout)")
        let json = try run(["mcp", "check", "--json"])
        #expect(!(json.stdout + json.stderr).contains(secret.prefix(12)), "\(json.stdout)")
        let servers = try MCPFixtures.servers(json.stdout)
        #expect(servers["info"]?["server_version"] as? String == "‹redacted›")
    }

    @Test func aSecretEchoedEscapedEncodedOrWrappedIsMaskedOnScreenInTheLogAndInTheHealthHistory() throws {
        defer { Claudesh.cleanUp(home) }
        let secret = "pä\"ss\\wörd-Zk4mQ8xTr2Lb7NcV"
        try writeConfig([("leaky", "stderr")], secret: secret)
        let half = secret.count / 2
        // What must not get out: the secret, each half of it (the fixture splits it there), and
        // each form the fixture sends it in.
        let forms = [
            secret, String(secret.prefix(half)), String(secret.suffix(secret.count - half)),
            "p\\u00e4\\\"ss\\\\w\\u00f6rd-Zk4mQ8xTr2Lb7NcV", // json.dumps
            "p\u{e4}\\\"ss\\\\w\u{f6}rd-Zk4mQ8xTr2Lb7NcV", // claudesh's own JSON
            "p%C3%A4%22ss%5Cw%C3%B6rd-Zk4mQ8xTr2Lb7NcV", // urllib.parse.quote
            String(Data("user:\(secret)".utf8).base64EncodedString().dropFirst(8).dropLast(4)),
        ]
        func leaks(_ text: String) -> [String] { forms.filter { text.contains($0) } }

        let table = try run(["mcp", "check"])
        #expect(table.status == 1 && table.stdout.contains("‹redacted›"), "\(table.stdout)\(table.stderr)")
        #expect(leaks(table.stdout + table.stderr).isEmpty, "\(table.stdout)\(table.stderr)")
        let json = try run(["mcp", "check", "--json"])
        #expect(leaks(json.stdout + json.stderr).isEmpty, "\(json.stdout)")
        let reason = try MCPFixtures.servers(json.stdout)["leaky"]?["reason"] as? String ?? ""
        #expect(reason.contains("raw ‹redacted›") && leaks(reason).isEmpty, "\(reason)")
        let log = try String(contentsOfFile: home + "/.claude/logs/mcp-leaky.log", encoding: .utf8)
        #expect(log.contains("wrapped ‹redacted›") && leaks(log).isEmpty, "\(log)")

        let health = try run(["health", "--json", "--timeout", "10"])
        #expect(health.status == 1 && leaks(health.stdout + health.stderr).isEmpty, "\(health.stdout)\(health.stderr)")
        let database = try Data(contentsOf: URL(fileURLWithPath: home + "/.claude/health.sqlite"))
        let stored = String(decoding: database, as: UTF8.self)
        #expect(stored.contains("raw ‹redacted›") && leaks(stored).isEmpty)
    }

    @Test func escapeSequencesFromServersAndConfigEntryNamesReachTheTerminalNeutralised() throws {
        defer { Claudesh.cleanUp(home) }
        try writeConfig([("info", "server-info"), ("error", "error"), ("stderr", "stderr"), ("evil\u{1B}]0;title\u{07}", "server-info")], secret: "escape-test-secret-0042")
        for arguments in [["mcp", "check"], ["mcp", "list"], ["health", "--timeout", "10"]] {
            let result = try run(arguments)
            let shown = result.stdout + result.stderr
            #expect(shown.contains("^[]52;c;") || arguments[1] == "list", "\(arguments): the attempt is shown, not obeyed: \(shown)")
            #expect(!shown.contains("\u{1B}") && !shown.contains("\u{07}"), "\(arguments): \(shown.debugDescription)")
        }
    }
}

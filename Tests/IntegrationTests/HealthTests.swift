@testable import ClaudeshKit
import Foundation
import Testing

/// health and health history on real servers, gpg, pass, git and backups.
@Suite
struct HealthTests {
    func sections(_ stdout: String) throws -> [String: [[String: Any]]] {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any], "\(stdout)")
        return try #require(json["sections"] as? [String: [[String: Any]]])
    }

    func state(_ sections: [String: [[String: Any]]], _ section: String, _ name: String) -> String? {
        sections[section]?.first { $0["name"] as? String == name }?["state"] as? String
    }

    @Test func theDashboardCoversEverySectionFailsOnAFailedServerAndIsRecorded() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        try fixture.makeKeyAndStore()
        try fixture.insert("claude/token", "s3cret-in-the-store")
        // A server that prints its token and fails: the reason would carry it.
        let add = try fixture.run(["mcp", "add", "leaky", "--secret", "TOKEN=claude/token", "--", "/bin/sh", "-c", "echo \"token is $TOKEN\" >&2; exit 3"])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(try fixture.run(["mcp", "add", "time", "--", MCPFixtures.timeServer]).status == 0)
        #expect(try fixture.run(["backup", "create"]).status == 0)

        let box = try fixture.run(["health"])
        #expect(box.status == 1, "\(box.stdout)\(box.stderr)")
        #expect(box.stdout.contains("UNHEALTHY: leaky failed"), "\(box.stdout)")
        #expect(box.stdout.contains("┌─ claudesh health") && box.stdout.contains("MCP servers") && box.stdout.contains("Backups"))
        #expect(!box.stdout.contains("\u{1B}["), "no colour off a terminal")
        #expect(!box.stdout.contains("s3cret-in-the-store"))

        let json = try fixture.run(["health", "--json"])
        #expect(json.status == 1)
        let found = try sections(json.stdout)
        #expect(state(found, "mcp", "time") == "ok")
        #expect(state(found, "mcp", "leaky") == "failed")
        #expect(state(found, "containers", "compose") == "off", "no compose file: nothing to check")
        #expect(state(found, "store", "store") == "ok", "\(found["store"] ?? [])")
        #expect(state(found, "gnupg", "key") == "ok", "\(found["gnupg"] ?? [])")
        #expect(state(found, "backups", "newest") == "ok", "\(found["backups"] ?? [])")

        // The checks were recorded: two runs so far, a third now.
        #expect(try fixture.run(["health", "--json"]).status == 1)
        let history = try fixture.run(["health", "history", "--json"])
        #expect(history.status == 0, "\(history.stderr)")
        let checks = try #require((try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any])?["checks"] as? [[String: Any]])
        let time = try #require(checks.first { $0["name"] as? String == "time" })
        let leaky = try #require(checks.first { $0["name"] as? String == "leaky" })
        #expect(time["checks"] as? Int == 3 && time["uptime_percent"] as? Double == 100)
        #expect(time["p50_ms"] is Double && time["p95_ms"] is Double)
        #expect(leaky["uptime_percent"] as? Double == 0 && leaky["last_state"] as? String == "failed")
        let table = try fixture.run(["health", "history", "time", "--since", "1h"])
        #expect(table.stdout.contains("time") && table.stdout.contains("100.0%") && !table.stdout.contains("leaky"), "\(table.stdout)")
        #expect(try fixture.run(["health", "history", "--since", "soon"]).status == 2)

        // The database holds the reasons, masked; and only its owner reads it.
        let database = fixture.home + "/.claude/health.sqlite"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: database))
        #expect(String(decoding: bytes, as: UTF8.self).contains("token is"), "the reason is kept")
        #expect(!String(decoding: bytes, as: UTF8.self).contains("s3cret-in-the-store"), "the secret is not")
        #expect((try FileManager.default.attributesOfItem(atPath: database)[.posixPermissions] as? Int) == 0o600)
    }

    @Test func partsNeverSetUpAreShownWithoutFailingUnlessAServerNeedsThem() throws {
        // No pass store and no GnuPG key: a machine that only runs MCP servers.
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        #expect(try fixture.run(["mcp", "add-json", "instant", MCPFixtures.stdio("instant")]).status == 0)
        let json = try fixture.run(["health", "--json", "--timeout", "10"])
        #expect(json.status == 0, "\(json.stdout)\(json.stderr)")
        let found = try sections(json.stdout)
        #expect(state(found, "mcp", "instant") == "ok")
        #expect(state(found, "store", "store") == "off")
        #expect(state(found, "gnupg", "key") == "off")
        let box = try fixture.run(["health", "--timeout", "10"])
        #expect(box.status == 0, "\(box.stdout)\(box.stderr)")
        #expect(box.stdout.contains("not set up"), "\(box.stdout)")

        // A server started with a secret from the store needs the store and a key.
        let entry = #"{"command": "/usr/local/bin/claudesh", "args": ["exec", "--secret", "TOKEN=claude/token", "--", "/bin/true"]}"#
        #expect(try fixture.run(["mcp", "add-json", "needy", entry]).status == 0)
        let needed = try fixture.run(["health", "--json", "--timeout", "10"])
        #expect(needed.status == 1)
        let after = try sections(needed.stdout)
        #expect(state(after, "store", "store") == "failed")
        #expect(state(after, "gnupg", "key") == "failed")
    }

    @Test func aHealthySetupExitsZeroAndWatchRedrawsUntilCtrlC() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        try fixture.makeKeyAndStore()
        #expect(try fixture.run(["mcp", "add", "time", "--", MCPFixtures.timeServer]).status == 0)
        #expect(try fixture.run(["backup", "create"]).status == 0)
        let healthy = try fixture.run(["health"])
        #expect(healthy.status == 0, "\(healthy.stdout)\(healthy.stderr)")
        #expect(healthy.stdout.contains("Healthy: "), "\(healthy.stdout)")

        let terminal = try PseudoTerminal([Claudesh.binary], environment: Claudesh.environment(home: fixture.home, extra: fixture.environment))
        try terminal.expect("claudesh> ")
        terminal.send("health watch --interval 0.5\r")
        try terminal.expect("Ctrl-C stops", timeout: 60)
        try terminal.expect("Ctrl-C stops", timeout: 60) // drawn again
        terminal.send("\u{03}")
        try terminal.expect("claudesh", timeout: 30)
        terminal.send("exit\r")
        #expect(terminal.waitForExit() == 0)
    }
}

import Foundation
import Testing

/// `secrets audit` over a scratch home with planted tokens, and `--fix` on a real store with a
/// real server that needs the moved value.
@Suite
struct SecretsAuditIntegrationTests {
    static let github = "ghp_" + String(repeating: "a1B2", count: 9)
    static let anthropic = "sk-ant-api03-" + String(repeating: "Qw", count: 20)
    static let random = "Zq8xV2mP9kL4nR7tY1wB5cD3fG6hJ0sA"
    static let slack = "xoxb-123456789012-abcdefABCDEF"
    static let aws = "AKIAIOSFODNN7EXAMPLE"

    /// Plants tokens in the desktop config, ~/.claude.json, the compose file, a .env file and .bashrc.
    func plant(in fixture: SecretsFixture) throws {
        let home = fixture.home
        let desktop = home + "/.config/Claude/claude_desktop_config.json"
        try FileManager.default.createDirectory(atPath: home + "/.config/Claude", withIntermediateDirectories: true)
        MCPFixtures.writeConfig(desktop, [
            // `x-api-key` is an env name no shell would take; the moved entry must still start.
            ("needs", MCPFixtures.stdio("needs-env", env: ["API_KEY": Self.anthropic, "LOG_LEVEL": "debug", "x-api-key": Self.random + "Q"])),
            ("docs", MCPFixtures.remote("https://docs.example/mcp", headers: ["Authorization": "Bearer \(Self.github)"])),
        ])
        try "{\"mcpServers\": {\"s\": {\"command\": \"x\", \"env\": {\"SERVICE_SECRET\": \"\(Self.random)\"}}}}\n".write(toFile: home + "/.claude.json", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: home + "/.claude/docker", withIntermediateDirectories: true)
        try "services:\n  github:\n    image: mcp/github\n    environment:\n      - SLACK_TOKEN=\(Self.slack)\n".write(toFile: home + "/.claude/docker/docker-compose.yml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: home + "/work/app", withIntermediateDirectories: true)
        try "AWS_ACCESS_KEY_ID=\(Self.aws)\n".write(toFile: home + "/work/app/.env", atomically: true, encoding: .utf8)
        try "alias ll='ls -l'\nexport PATH=$HOME/bin:$PATH\n".write(toFile: home + "/.bashrc", atomically: true, encoding: .utf8)
    }

    @Test func everyPlantedTokenIsFoundMaskedAndACleanHomeHasNone() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        let clean = try fixture.run(["secrets", "audit"])
        #expect(clean.status == 0, "\(clean.stdout)")
        #expect(clean.stdout.contains("No clear-text secrets found"))
        try plant(in: fixture)
        let audit = try fixture.run(["secrets", "audit", "--json"])
        #expect(audit.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as! [String: Any]
        let findings = object["findings"] as! [[String: Any]]
        let keys = Set(findings.map { $0["key"] as! String })
        #expect(keys == ["mcpServers.needs.env.API_KEY", "mcpServers.needs.env.x-api-key", "mcpServers.docs.headers.Authorization", "mcpServers.s.env.SERVICE_SECRET", "SLACK_TOKEN", "AWS_ACCESS_KEY_ID"], "\(keys)")
        for token in [Self.github, Self.anthropic, Self.random, Self.slack, Self.aws] {
            #expect(!audit.stdout.contains(token), "the report shows a value")
        }
        let table = try fixture.run(["secrets", "audit"])
        #expect(table.stdout.contains("/work/app/.env:1:19"))
        #expect(table.stdout.contains("Anthropic API key"))
    }

    @Test func fixMovesServerValuesIntoTheStoreAndTheServerStillPasses() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        try fixture.makeKeyAndStore()
        try plant(in: fixture)
        let desktop = fixture.home + "/.config/Claude/claude_desktop_config.json"
        let dryRun = try fixture.run(["--dry-run", "secrets", "audit", "--fix"])
        #expect(dryRun.stdout.contains("nothing changed (dry run)"))
        #expect(try String(contentsOfFile: desktop, encoding: .utf8).contains(Self.anthropic))
        let refused = try fixture.run(["secrets", "audit", "--fix"])
        #expect(refused.status == 1 && refused.stderr.contains("--yes"))
        #expect(try String(contentsOfFile: desktop, encoding: .utf8).contains(Self.anthropic))

        let fixed = try fixture.run(["--yes", "secrets", "audit", "--fix"])
        #expect(fixed.status == 1, "the header, compose and .env values are left to fix by hand")
        #expect(fixed.stdout.contains("fix by hand: \(fixture.home)/work/app/.env:1:19 AWS_ACCESS_KEY_ID"))
        let text = try String(contentsOfFile: desktop, encoding: .utf8)
        #expect(!text.contains(Self.anthropic))
        #expect(text.contains("API_KEY=claude/needs/API_KEY"))
        #expect(text.contains("x-api-key=claude/needs/x-api-key") && !text.contains(Self.random))
        #expect(text.contains("\"LOG_LEVEL\": \"debug\""))
        #expect(try fixture.run(["secrets", "show", "claude/needs/API_KEY", "--reveal"]).stdout == Self.anthropic + "\n")
        // The moved server still starts and gets its key.
        let check = try fixture.run(["mcp", "check", "needs", "--config", desktop, "--json"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        // A second fix finds nothing more to move in that config.
        let again = try fixture.run(["secrets", "audit", "--json"])
        #expect(!again.stdout.contains("mcpServers.needs.env.API_KEY"))
    }

    /// Every file Claude reads servers from is audited: a local-scope server's value is moved
    /// in its project's entry, and an extension's setting kept in clear is reported.
    @Test func aLocalScopeServerIsFixedInItsProjectAndAnExtensionsClearSettingIsReported() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        try fixture.makeKeyAndStore()
        let home = fixture.home
        let claudeJSON = home + "/.claude.json"
        try """
            {"numStartups": 3, "projects": {"\(home)/proj": {"mcpServers": {"db": {"type": "stdio", "command": "\(MCPFixtures.stdioScript)", "args": ["needs-env"], "env": {"API_KEY": "\(Self.anthropic)"}}}, "allowedTools": []}}}
            """.write(toFile: claudeJSON, atomically: true, encoding: .utf8)
        let settings = home + "/.config/Claude/Claude Extensions Settings"
        try FileManager.default.createDirectory(atPath: settings, withIntermediateDirectories: true)
        try "{\"isEnabled\": true, \"userConfig\": {\"api_key\": \"\(Self.github)\"}}".write(toFile: settings + "/local.mcpb.me.files.json", atomically: true, encoding: .utf8)

        let audit = try fixture.run(["secrets", "audit", "--json"])
        let findings = try #require((try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])?["findings"] as? [[String: Any]], "\(audit.stdout)")
        #expect(Set(findings.map { $0["key"] as! String }) == ["projects.\(home)/proj.mcpServers.db.env.API_KEY", "userConfig.api_key"], "\(findings)")
        #expect(!audit.stdout.contains(Self.github) && !audit.stdout.contains(Self.anthropic))

        let fixed = try fixture.run(["--yes", "secrets", "audit", "--fix"])
        #expect(fixed.stdout.contains("fix by hand: \(settings)/local.mcpb.me.files.json"), "an extension's file is Desktop's: \(fixed.stdout)")
        let text = try String(contentsOfFile: claudeJSON, encoding: .utf8)
        #expect(!text.contains(Self.anthropic) && text.contains("API_KEY=claude/db/API_KEY") && text.contains("\"numStartups\": 3"), "\(text)")
        let local = try fixture.run(["mcp", "check", "db", "--config", "local:\(home)/proj", "--json"])
        #expect(local.status == 0, "the moved server still starts and gets its key: \(local.stdout)\(local.stderr)")
    }
}

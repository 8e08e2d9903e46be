import Foundation
import Testing
@testable import ClaudeshKit

/// The detector and the scanners of `secrets audit`, on planted and on clean text.
struct SecretAuditTests {
    static let random = "Zq8xV2mP9kL4nR7tY1wB5cD3fG6hJ0sA"

    @Test func randomValuesCountOnlyWhereSecretsLive() {
        #expect(SecretDetector.classify(Self.random, place: .tokenName) == "high-entropy value")
        #expect(SecretDetector.classify(Self.random, place: .setting) == "high-entropy value")
        #expect(SecretDetector.classify("Bearer " + Self.random, place: .tokenName) == "high-entropy value")
        #expect(SecretDetector.classify(Self.random, place: .other) == nil)
        // A token shape, or a password in a URL, counts anywhere.
        #expect(SecretDetector.classify("ghp_" + String(repeating: "a1B2", count: 9), place: .other) == "GitHub token")
        #expect(SecretDetector.classify("postgres://app:Hunter2pw@db.internal:5432/app", place: .other) == "password in a URL")
        #expect(SecretDetector.classify("postgres://app:${DB_PASSWORD}@db.internal/app", place: .other) == nil)
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
        #expect(SecretDetector.classify(jwt, place: .setting) == "JSON Web Token")
    }

    @Test func ordinaryValuesAreNotSecrets() {
        for value in ["${GITHUB_TOKEN}", "${API_KEY:-}", "/home/ada/projects/claude-desktop-config", "https://mcp.example.com/v1/servers/sse",
                      "production", "true", "8080", "debug,info,warning,error", "my-filesystem-server-name", "Ada Lovelace <ada@example.com>",
                      "API_KEY=claude/github-token", "0000000000000000000000000000",
                      // What settings hold that is long and varied without being secret.
                      "3f2b8c1e-9d4a-4b7e-8f6a-2c1d0e9b8a7f", #"C:\Users\ada\AppData\Roaming\npm\node_modules"#,
                      "claude-3-5-sonnet-20241022", "ghcr.io/github/github-mcp-server:v0.5.1", "config/Production.settings.json",
                      "1f4e2d3c5b6a79808f7e6d5c4b3a2918"] {
            #expect(SecretDetector.classify(value, place: .setting) == nil, "\(value)")
        }
        for key in ["GITHUB_TOKEN", "apiKey", "Authorization", "DB_PASSWORD", "OPENAI_API_KEY", "client_secret"] {
            #expect(SecretDetector.isTokenLikeKey(key), "\(key)")
        }
        for key in ["PATH", "HOME", "LOG_LEVEL", "command", "url"] {
            #expect(!SecretDetector.isTokenLikeKey(key), "\(key)")
        }
    }

    @Test func jsonFindingsNameTheKeyPathThePositionAndTheFixablePlace() throws {
        let text = """
        {
          "mcpServers": {
            "github": {"command": "npx", "args": ["--api-key", "\(Self.random)"], "env": {"GITHUB_TOKEN": "ghp_\(String(repeating: "a1B2", count: 9))", "LOG": "debug"}},
            "db": {"command": "db", "args": ["--token=\(Self.random)z", "postgres://app:Hunter2pw@db/app"], "env": {"NOTE": "\(Self.random)"}},
            "docs": {"url": "https://docs.example/mcp", "headers": {"Authorization": "Bearer \(Self.random)x"}}
          },
          "projects": {"/p": {"mcpServers": {"db": {"command": "db", "env": {"DB_PASSWORD": "\(Self.random)y"}}}}}
        }
        """
        let bytes = Array(text.utf8)
        let findings = SecretAudit.scanJSON(try JSONParser.parse(bytes), file: "f.json", bytes: bytes)
        #expect(findings.map(\.key) == [
            "mcpServers.github.args.1", "mcpServers.github.env.GITHUB_TOKEN",
            "mcpServers.db.args.0", "mcpServers.db.args.1", "mcpServers.db.env.NOTE",
            "mcpServers.docs.headers.Authorization", "projects./p.mcpServers.db.env.DB_PASSWORD",
        ])
        #expect(findings[1].place == .serverEnvironment(server: "github", key: "GITHUB_TOKEN", project: nil))
        // A local-scope server's env is fixable too, in its project's entry.
        #expect(findings[6].place == .serverEnvironment(server: "db", key: "DB_PASSWORD", project: "/p"))
        #expect(findings[1].kind == "GitHub token")
        #expect(findings[1].line == 3)
        #expect(findings[3].kind == "password in a URL")
        // The same value stands twice (args and env): each finding is placed at its own key.
        #expect(findings[0].line == 3 && findings[4].line == 4)
        #expect(findings[0].place == .elsewhere && findings[5].place == .elsewhere)
        #expect(findings[5].masked == "Bearer Zq…Ax")
        #expect(!findings.contains { $0.masked.contains(Self.random) })
    }

    @Test func textFindingsCoverRcDotEnvAndComposeLines() {
        let text = """
        # my settings
        export PATH=$HOME/bin:$PATH
        export GITHUB_TOKEN=ghp_\(String(repeating: "a1B2", count: 9))
        DB_PASSWORD='\(Self.random)'
        set -gx ANTHROPIC_API_KEY sk-ant-api03-\(String(repeating: "Q", count: 40))
              - SLACK_TOKEN=xoxb-123456789012-abcdefABCDEF
              API_SECRET: \(Self.random)
        LOG_LEVEL=\(Self.random)
        alias gh='GH_TOKEN=glpat-\(String(repeating: "k", count: 20)) gh'
        JWT_SECRET = "\(Self.random)"
        DATABASE_URL=postgres://app:Hunter2pw@db/app
        """
        let findings = SecretAudit.scanText(text, file: "rc")
        #expect(findings.map(\.line) == [3, 4, 5, 6, 7, 9, 10, 11])
        #expect(findings.map(\.key) == ["GITHUB_TOKEN", "DB_PASSWORD", "ANTHROPIC_API_KEY", "SLACK_TOKEN", "API_SECRET", "alias", "JWT_SECRET", "DATABASE_URL"])
        #expect(findings[1].value == Self.random) // quotes are not part of the value
        #expect(findings[0].column == 21)
    }

    @Test func aCleanConfigHasNoFindings() throws {
        let text = """
        {"mcpServers": {
          "time": {"command": "uvx", "args": ["mcp-server-time", "--local-timezone", "Europe/Paris"]},
          "github": {"command": "/usr/local/bin/claudesh", "args": ["exec", "--secret", "GITHUB_PERSONAL_ACCESS_TOKEN=claude/github-token", "--", "npx", "-y", "@modelcontextprotocol/server-github"], "env": {"PASSWORD_STORE_DIR": "/home/ada/.password-store"}},
          "docs": {"type": "http", "url": "https://docs.example/mcp", "headers": {"Authorization": "Bearer ${DOCS_TOKEN}"}}
        }}
        """
        let bytes = Array(text.utf8)
        #expect(SecretAudit.scanJSON(try JSONParser.parse(bytes), file: "f", bytes: bytes).isEmpty)
    }

    @Test func onlyServerEnvValuesOfClientConfigsAreMovedAndNamesStayPassNames() {
        let findings = [
            AuditFinding(file: "c.json", line: 1, column: 1, key: "mcpServers.my server.env.API_KEY", kind: "k", value: "v1", place: .serverEnvironment(server: "my server", key: "API_KEY", project: nil)),
            AuditFinding(file: "c.json", line: 2, column: 1, key: "mcpServers.docs.headers.Authorization", kind: "k", value: "v2", place: .elsewhere),
            AuditFinding(file: "other.json", line: 1, column: 1, key: "mcpServers.x.env.K", kind: "k", value: "v3", place: .serverEnvironment(server: "x", key: "K", project: nil)),
        ]
        let fix = AuditFix(findings: findings, clientConfigs: ["c.json"])
        #expect(fix.moves.map(\.secret) == ["claude/my-server/API_KEY"])
        #expect(fix.manual.map(\.value) == ["v2", "v3"])
        #expect(throws: Never.self) { try PasswordStore.validate(AuditFix.secretName(server: ".-weird/name", variable: "K")) }
    }
}

import Foundation
import Testing

/// Both protocol eras against real servers: dual-era ones from PyPI (SDK 2.x), legacy-only ones
/// (SDK 1.x: FastMCP and mcp-server-time's release built on it), and the suite's modern-only and
/// silent fixture (`mcp_era_server.py`), over stdio and streamable HTTP.
@Suite
struct MCPEraTests {
    let home = Claudesh.temporaryFolder("claudesh-era")
    var config: String { home + "/claude_desktop_config.json" }

    func check(_ arguments: [String] = []) throws -> (Claudesh.Result, [String: [String: Any]]) {
        let result = try Claudesh.run(["mcp", "check"] + arguments + ["--config", config, "--json"], home: home)
        return (result, try MCPFixtures.servers(result.stdout))
    }

    func value(_ servers: [String: [String: Any]], _ name: String, _ key: String) -> String { servers[name]?[key] as? String ?? "" }

    @Test func dualEraServersFromPyPIAreSpokenToInTheStatelessEraWithoutHandshakePingOrSession() throws {
        defer { Claudesh.cleanUp(home) }
        let repository = home + "/repo"
        try FileManager.default.createDirectory(atPath: repository, withIntermediateDirectories: true)
        _ = try Claudesh.runProgram("/usr/bin/git", ["init", "-q", repository], environment: ProcessInfo.processInfo.environment)
        let http = try HTTPFixture("streamable-http", log: home + "/http.log")
        defer { http.stop() }
        MCPFixtures.writeConfig(config, [
            ("time", "{\"command\": \"\(MCPFixtures.timeServer)\"}"),
            ("git", "{\"command\": \"\(MCPFixtures.venv)/bin/mcp-server-git\", \"args\": [\"--repository\", \"\(repository)\"]}"),
            ("http", MCPFixtures.remote("\(http.url)/mcp")),
        ])
        let (result, servers) = try check()
        #expect(result.status == 0, "\(result.stdout)")
        for name in ["time", "git", "http"] {
            #expect(value(servers, name, "era") == "modern", "\(name): \(servers[name] ?? [:])")
            #expect(value(servers, name, "protocol_version") == "2026-07-28")
            #expect((servers[name]?["supported_versions"] as? [String])?.contains("2026-07-28") == true)
            #expect((servers[name]?["capabilities"] as? [String])?.contains("tools") == true)
            let phases = servers[name]?["phases_ms"] as? [String: Any] ?? [:]
            #expect(Set(phases.keys) == ["start", "discover", "tools/list"], "\(name): no initialize, no ping")
        }
        #expect(value(servers, "git", "server_name") == "mcp-git")
        // Over HTTP: the version and the method in headers on every POST, and no session.
        let requests = http.requests()
        #expect(requests.map { $0.headers["mcp-method"] ?? "" } == ["server/discover", "tools/list"])
        #expect(requests.allSatisfy { $0.headers["mcp-protocol-version"] == "2026-07-28" && $0.headers["mcp-session-id"] == nil })
    }

    @Test func legacyOnlyServersAreFoundOutAndSpokenToWithTheHandshake() throws {
        defer { Claudesh.cleanUp(home) }
        let python = MCPFixtures.legacyVenv + "/bin/python"
        #expect(FileManager.default.isExecutableFile(atPath: MCPFixtures.legacyTimeServer), "scripts/test installs the legacy venv")
        let http = try HTTPFixture("streamable-http", script: MCPFixtures.legacyScript, python: python)
        defer { http.stop() }
        MCPFixtures.writeConfig(config, [
            ("time-1x", "{\"command\": \"\(MCPFixtures.legacyTimeServer)\"}"),
            ("fastmcp", MCPFixtures.python(MCPFixtures.legacyScript, ["stdio"], python: python)),
            ("fastmcp-http", MCPFixtures.remote("\(http.url)/mcp")),
        ])
        let (result, servers) = try check()
        #expect(result.status == 0, "\(result.stdout)")
        for name in ["time-1x", "fastmcp", "fastmcp-http"] {
            #expect(value(servers, name, "era") == "legacy", "\(name): \(servers[name] ?? [:])")
            #expect(["2025-11-25", "2025-06-18", "2025-03-26"].contains(value(servers, name, "protocol_version")))
            let phases = servers[name]?["phases_ms"] as? [String: Any] ?? [:]
            #expect(Set(phases.keys) == ["start", "initialize", "tools/list", "ping"], "\(name)")
        }
        #expect(value(servers, "fastmcp", "server_name") == "legacy-fastmcp")

        // --protocol modern against them: a reason that says what they are, not a timeout.
        let (modern, refused) = try check(["--protocol", "modern"])
        #expect(modern.status == 1)
        for name in ["time-1x", "fastmcp", "fastmcp-http"] {
            #expect(value(refused, name, "reason").hasPrefix("the server is legacy-only (initialize handshake)"), "\(name): \(value(refused, name, "reason"))")
            #expect(refused[name]?["permanent"] as? Bool == true)
        }
    }

    @Test func aModernOnlyServerPassesAndTheLegacyEraSaysItIsModernOnly() throws {
        defer { Claudesh.cleanUp(home) }
        let http = try HTTPFixture("modern", script: MCPFixtures.eraScript, python: "/usr/bin/python3", more: ["--http"])
        defer { http.stop() }
        MCPFixtures.writeConfig(config, [
            ("stdio", MCPFixtures.python(MCPFixtures.eraScript, ["modern"], python: "/usr/bin/python3")),
            ("http", MCPFixtures.remote("\(http.url)/mcp")),
        ])
        let (result, servers) = try check()
        #expect(result.status == 0, "\(result.stdout)")
        for name in ["stdio", "http"] {
            #expect(value(servers, name, "era") == "modern")
            #expect(value(servers, name, "server_title") == "Era fixture")
            #expect(servers[name]?["extensions"] as? [String] == ["io.example/demo"])
            #expect(servers[name]?["tools"] as? Int == 1)
        }
        let (legacy, refused) = try check(["--protocol", "legacy"])
        #expect(legacy.status == 1)
        for name in ["stdio", "http"] {
            #expect(value(refused, name, "reason") == "the server is modern-only: it refused initialize and speaks 2026-07-28; check it with --protocol auto or modern", "\(name)")
        }
    }

    @Test func aSilentLegacyServerIsFallenBackFromWithinTheBoundAndASlowModernOneIsNotMistakenForIt() throws {
        defer { Claudesh.cleanUp(home) }
        MCPFixtures.writeConfig(config, [
            ("silent", MCPFixtures.python(MCPFixtures.eraScript, ["silent-legacy"], python: "/usr/bin/python3")),
            ("slow", MCPFixtures.python(MCPFixtures.eraScript, ["slow-modern"], python: "/usr/bin/python3")),
        ])
        let (result, servers) = try check(["--timeout", "20"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(value(servers, "silent", "era") == "legacy")
        // It answers initialize at once: the fallback came after the 2 s bound, not at the 20 s timeout.
        let latency = servers["silent"]?["latency_ms"] as? Double ?? 0
        #expect(latency >= 2000 && latency < 10_000, "\(latency) ms")
        // Quiet for 4 s, then it answers server/discover: modern, though initialize went out too.
        #expect(value(servers, "slow", "era") == "modern")
    }

    @Test func aModernRefusalNamingASupportedVersionIsRetriedWithIt() throws {
        defer { Claudesh.cleanUp(home) }
        let http = try HTTPFixture("refuse-first", script: MCPFixtures.eraScript, python: "/usr/bin/python3", more: ["--http"])
        defer { http.stop() }
        MCPFixtures.writeConfig(config, [
            ("stdio", MCPFixtures.python(MCPFixtures.eraScript, ["refuse-first"], python: "/usr/bin/python3")),
            ("http", MCPFixtures.remote("\(http.url)/mcp")),
        ])
        let (result, servers) = try check()
        #expect(result.status == 0, "\(result.stdout)")
        #expect(value(servers, "stdio", "era") == "modern" && value(servers, "http", "era") == "modern")
    }

    @Test func aResultAskingForInputIsReportedAsSuchNotAsABrokenServer() throws {
        defer { Claudesh.cleanUp(home) }
        MCPFixtures.writeConfig(config, [("asks", MCPFixtures.python(MCPFixtures.eraScript, ["input-required"], python: "/usr/bin/python3"))])
        let (result, servers) = try check()
        #expect(result.status == 1)
        #expect(value(servers, "asks", "reason") == "the server asks for input during tools/list (resultType input_required), which a check does not give")
    }

    @Test func aServersFixedEraIsKeptByClaudeshAndTheFlagOverridesIt() throws {
        defer { Claudesh.cleanUp(home) }
        MCPFixtures.writeConfig(config, [("time", "{\"command\": \"\(MCPFixtures.timeServer)\"}")])
        let before = try String(contentsOfFile: config, encoding: .utf8)
        let set = try Claudesh.run(["mcp", "protocol", "time", "legacy", "--config", config], home: home)
        #expect(set.status == 0, "\(set.stderr)")
        #expect(try String(contentsOfFile: config, encoding: .utf8) == before, "the client's file is not touched")
        let listed = try Claudesh.run(["mcp", "protocol", "--json"], home: home)
        let eras = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: String]]
        #expect(eras == [["server": "time", "config": config, "era": "legacy"]], "\(listed.stdout)")
        let (_, fixed) = try check()
        #expect(value(fixed, "time", "era") == "legacy")
        let (_, flagged) = try check(["--protocol", "auto"])
        #expect(value(flagged, "time", "era") == "modern")
        _ = try Claudesh.run(["mcp", "protocol", "time", "auto", "--config", config], home: home)
        let (_, back) = try check()
        #expect(value(back, "time", "era") == "modern")
        // A file of eras that cannot be read fails the probes that need it, saying where; not
        // those told their era on the command line.
        try "not json\n".write(toFile: home + "/.claude/server-protocols.json", atomically: true, encoding: .utf8)
        let (unreadable, failed) = try check()
        #expect(unreadable.status == 1)
        #expect(value(failed, "time", "reason") == home + "/.claude/server-protocols.json:1:1: unexpected 'n': expected a value", "\(failed)")
        let (told, _) = try check(["--protocol", "auto"])
        #expect(told.status == 0)
        let bad = try Claudesh.run(["mcp", "check", "--protocol", "newest", "--config", config], home: home)
        #expect(bad.status == 2 && bad.stderr.contains("--protocol takes auto, modern or legacy, not 'newest'"), "\(bad.stderr)")
    }
}

/// A server that asks for an OAuth sign-in is up, not down.
@Suite
struct MCPAuthorizationTests {
    let home = Claudesh.temporaryFolder("claudesh-auth")
    var config: String { home + "/claude_desktop_config.json" }

    @Test func a401WithAChallengeIsNeedsAuthorizationWithItsMetadataNotAFailureNorRetried() throws {
        defer { Claudesh.cleanUp(home) }
        let guarded = try HTTPFixture("streamable-http", token: "right-token", more: ["--challenge"])
        defer { guarded.stop() }
        MCPFixtures.writeConfig(config, [("oauth", MCPFixtures.remote("\(guarded.url)/mcp"))])
        let result = try Claudesh.run(["mcp", "check", "--retries", "3", "--config", config, "--json"], home: home)
        #expect(result.status == 0, "up and asking for a sign-in is not a failed check: \(result.stdout)")
        let server = try #require(try MCPFixtures.servers(result.stdout)["oauth"])
        #expect(server["status"] as? String == "needs-authorization")
        #expect(server["attempts"] as? Int == 1)
        #expect((server["reason"] as? String ?? "").contains("\(guarded.url)/.well-known/oauth-protected-resource"), "\(server)")
        let table = try Claudesh.run(["mcp", "check", "--config", config], home: home)
        #expect(table.stdout.contains("AUTH"), "\(table.stdout)")

        // The entry's own token is refused: that is a failure.
        MCPFixtures.writeConfig(config, [("oauth", MCPFixtures.remote("\(guarded.url)/mcp", headers: ["Authorization": "Bearer wrong-token"]))])
        let wrong = try Claudesh.run(["mcp", "check", "--config", config, "--json"], home: home)
        #expect(wrong.status == 1)
        #expect(try MCPFixtures.servers(wrong.stdout)["oauth"]?["status"] as? String == "failed")
    }
}

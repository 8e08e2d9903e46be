import Foundation
import Testing

/// `mcp check` and `mcp retry` against real servers: mcp-server-time from PyPI, the Python SDK's
/// HTTP servers, and sh fixtures that fail in every way a server can.
@Suite
struct MCPCheckTests {
    /// The reason a server's check gave, or "" (a plain value for #expect to show).
    func reason(_ servers: [String: [String: Any]], _ name: String) -> String { servers[name]?["reason"] as? String ?? "" }

    let home = Claudesh.temporaryFolder("claudesh-mcp")
    var config: String { home + "/claude_desktop_config.json" }

    func check(_ arguments: [String], extra: [String: String] = [:]) throws -> (Claudesh.Result, [String: [String: Any]]) {
        let result = try Claudesh.run(["mcp"] + arguments + ["--config", config, "--json"], home: home, extra: extra)
        return (result, try MCPFixtures.servers(result.stdout))
    }

    @Test func timeServerFromPyPIPassesTheHandshakeOverStdio() throws {
        defer { Claudesh.cleanUp(home) }
        #expect(FileManager.default.isExecutableFile(atPath: MCPFixtures.timeServer), "scripts/test installs mcp-server-time")
        MCPFixtures.writeConfig(config, [("time", "{\"command\": \"\(MCPFixtures.timeServer)\", \"args\": []}")])
        let (result, servers) = try check(["check"])
        #expect(result.status == 0, "\(result.stderr)")
        let time = try #require(servers["time"])
        #expect(time["status"] as? String == "ok")
        #expect(time["server_name"] as? String == "mcp-time")
        #expect((time["tools"] as? Int ?? 0) >= 1)
        // Built on the SDK 2.x, it speaks both eras: claudesh picks the stateless one.
        #expect(time["era"] as? String == "modern")
        #expect(time["protocol_version"] as? String == "2026-07-28")
        // Every server passed: the config is the last known good now.
        let good = try String(contentsOfFile: home + "/.claude/backups/mcp-config-good.json", encoding: .utf8)
        #expect(good == (try String(contentsOfFile: config, encoding: .utf8)))
    }

    @Test func streamableHTTPJSONAndLegacySSEServersPassAndAnSSEServerIsFoundFromAnHTTPEntry() throws {
        defer { Claudesh.cleanUp(home) }
        let streaming = try HTTPFixture("streamable-http")
        defer { streaming.stop() }
        let json = try HTTPFixture("json")
        defer { json.stop() }
        let sse = try HTTPFixture("sse")
        defer { sse.stop() }
        MCPFixtures.writeConfig(config, [
            ("streaming", MCPFixtures.remote("\(streaming.url)/mcp")),
            ("json", MCPFixtures.remote("\(json.url)/mcp")),
            ("sse", MCPFixtures.remote("\(sse.url)/sse", type: "sse")),
            // The spec's fallback: a POST refused with 405, then the old GET stream.
            ("fallback", MCPFixtures.remote("\(sse.url)/sse")),
        ])
        let (result, servers) = try check(["check"])
        #expect(result.status == 0, "\(result.stdout)")
        for (name, expected) in [("streaming", "fixture-streamable-http"), ("json", "fixture-json"), ("sse", "fixture-sse"), ("fallback", "fixture-sse")] {
            #expect(servers[name]?["status"] as? String == "ok", "\(name): \(servers[name]?["reason"] ?? "")")
            #expect(servers[name]?["server_name"] as? String == expected)
            #expect(servers[name]?["tools"] as? Int == 3)
        }
    }

    @Test func anHTTPServerWantingATokenGets401AndPassesWithTheHeader() throws {
        defer { Claudesh.cleanUp(home) }
        let guarded = try HTTPFixture("streamable-http", token: "s3cret-fixture-token")
        defer { guarded.stop() }
        MCPFixtures.writeConfig(config, [
            ("bare", MCPFixtures.remote("\(guarded.url)/mcp")),
            ("token", MCPFixtures.remote("\(guarded.url)/mcp", headers: ["Authorization": "Bearer ${FIXTURE_TOKEN}"])),
        ])
        let (result, servers) = try check(["check", "--retries", "3"], extra: ["FIXTURE_TOKEN": "s3cret-fixture-token"])
        #expect(result.status == 1)
        #expect(reason(servers, "bare").hasPrefix("HTTP 401 on server/discover"))
        #expect(servers["bare"]?["permanent"] as? Bool == true)
        #expect(servers["bare"]?["attempts"] as? Int == 1, "a 401 is not retried")
        #expect(servers["token"]?["status"] as? String == "ok")
        #expect(!result.stdout.contains("s3cret-fixture-token"))
    }

    @Test func httpsServersAreVerifiedAgainstTheTrustStoreAndTheirName() throws {
        defer { Claudesh.cleanUp(home) }
        let tls = try HTTPFixture.certificate(in: home, names: ["localhost", "127.0.0.1"])
        let secure = try HTTPFixture("streamable-http", tls: tls)
        defer { secure.stop() }
        MCPFixtures.writeConfig(config, [
            ("by-name", MCPFixtures.remote("https://localhost:\(secure.port)/mcp")),
            ("by-address", MCPFixtures.remote("https://127.0.0.1:\(secure.port)/mcp")),
        ])
        // A self-signed certificate is refused, for good, and the reason says how to trust it.
        let (untrusted, refused) = try check(["check", "--retries", "2"])
        #expect(untrusted.status == 1)
        for name in ["by-name", "by-address"] {
            #expect(reason(refused, name).hasPrefix("the server's certificate is not trusted: self-signed certificate"), "\(refused[name] ?? [:])")
            #expect(refused[name]?["attempts"] as? Int == 1)
        }
        // Trusted through SSL_CERT_FILE, as OpenSSL tools do.
        let (trusted, servers) = try check(["check"], extra: ["SSL_CERT_FILE": tls.certificate])
        #expect(trusted.status == 0, "\(trusted.stdout)")
        #expect(servers["by-name"]?["server_name"] as? String == "fixture-streamable-http")
        #expect(servers["by-address"]?["tools"] as? Int == 3)
        // A certificate for another name is refused even when trusted.
        try FileManager.default.createDirectory(atPath: home + "/other", withIntermediateDirectories: true)
        let otherTLS = try HTTPFixture.certificate(in: home + "/other", names: ["mcp.example.invalid"])
        let impostor = try HTTPFixture("streamable-http", tls: otherTLS)
        defer { impostor.stop() }
        MCPFixtures.writeConfig(config, [("wrong-name", MCPFixtures.remote("https://localhost:\(impostor.port)/mcp"))])
        let (mismatch, named) = try check(["check"], extra: ["SSL_CERT_FILE": otherTLS.certificate])
        #expect(mismatch.status == 1)
        #expect(reason(named, "wrong-name").hasPrefix("the server's certificate is for another name than the URL's host"), "\(named)")
    }

    @Test func everyKindOfFailureSaysWhyAndPermanentOnesAreNotRetried() throws {
        defer { Claudesh.cleanUp(home) }
        MCPFixtures.writeConfig(config, [
            ("missing", "{\"command\": \"no-such-mcp-server-command\"}"),
            ("exits", MCPFixtures.stdio("exit")),
            ("garbage", MCPFixtures.stdio("garbage")),
            ("hangs", MCPFixtures.stdio("hang")),
            ("needs-env", MCPFixtures.stdio("needs-env")),
            ("unauthenticated", MCPFixtures.stdio("unauthenticated")),
            ("old", MCPFixtures.stdio("old-version")),
            ("unset", "{\"command\": \"${NO_SUCH_VARIABLE_SET}\"}"),
        ])
        let (result, servers) = try check(["check", "--timeout", "1"])
        #expect(result.status == 1)
        func reason(_ name: String) -> String { self.reason(servers, name) }
        #expect(reason("missing").hasPrefix("command not found: no-such-mcp-server-command (searched PATH="))
        #expect(reason("exits") == "the server exited with status 7 before the handshake finished: fatal: cannot open database /nonexistent/db.sqlite")
        #expect(reason("garbage").contains("not an MCP server") && reason("garbage").contains("Starting server on port 8080"))
        #expect(reason("hangs") == "timed out after 1 s during server/discover (raise --timeout if the server is slow to start)")
        #expect(reason("needs-env").hasSuffix("error: API_KEY is not set"))
        #expect(reason("unauthenticated").hasPrefix("tools/list failed: Bad credentials (JSON-RPC error -32001)"))
        #expect(reason("old").hasPrefix("the server speaks protocol 1999-01-01"))
        #expect(reason("unset").contains("${NO_SUCH_VARIABLE_SET} is not set"))
        for name in ["missing", "old", "unset"] { #expect(servers[name]?["permanent"] as? Bool == true, "\(name)") }
        #expect(!FileManager.default.fileExists(atPath: home + "/.claude/backups/mcp-config-good.json"), "a failed check saves no good config")
        // The server's stderr is in its log.
        let log = try String(contentsOfFile: home + "/.claude/logs/mcp-exits.log", encoding: .utf8)
        #expect(log.contains("fatal: cannot open database"))
    }

    @Test func serversThatFloodHideOrEchoSecretsAreHandled() throws {
        defer { Claudesh.cleanUp(home) }
        let marker = "CLAUDESH_FIXTURE_\(UUID().uuidString.prefix(8))"
        let secret = "sk-fixture-0123456789abcdef"
        MCPFixtures.writeConfig(config, [
            ("flood", MCPFixtures.stdio("flood", env: [marker: "1"])),
            ("detached", MCPFixtures.stdio("detached", env: [marker: "1"])),
            ("echo", MCPFixtures.stdio("echo-env", env: ["API_KEY": secret, marker: "1"])),
        ])
        let (result, servers) = try check(["check", "--timeout", "5", "--deadline", "10"])
        // The detached child is the server's own doing, outside its group: end it here.
        defer { MCPFixtures.processes(marked: marker).forEach { kill($0, SIGKILL) } }
        #expect(result.status == 1)
        #expect(reason(servers, "flood").contains("requests of its own"))
        // Exited, not "timed out": the pipes a detached child holds do not hide the exit.
        #expect(servers["detached"]?["reason"] as? String == "the server exited with status 3 before the handshake finished: fatal: detached")
        let echo = servers["echo"]?["reason"] as? String ?? ""
        #expect(echo.contains("not an MCP server") && echo.contains("‹redacted›"))
        #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret))
        #expect(!(try String(contentsOfFile: home + "/.claude/logs/mcp-echo.log", encoding: .utf8)).contains(secret))
    }

    @Test func brokenHTTPServersFailCleanlyAndHeadersStayWithTheirOrigin() throws {
        defer { Claudesh.cleanUp(home) }
        let negative = try HTTPFixture("negative-length", script: MCPFixtures.misbehavingScript)
        defer { negative.stop() }
        let foreign = try HTTPFixture("foreign-endpoint", script: MCPFixtures.misbehavingScript)
        defer { foreign.stop() }
        MCPFixtures.writeConfig(config, [
            ("negative", MCPFixtures.remote("\(negative.url)/mcp")),
            ("foreign", MCPFixtures.remote("\(foreign.url)/mcp", headers: ["Authorization": "Bearer secret-header-value"])),
        ])
        let (result, servers) = try check(["check", "--timeout", "5"])
        #expect(result.status == 1)
        // libcurl refuses the header without quoting it.
        #expect(reason(servers, "negative").contains("a bad Content-Length"))
        #expect(reason(servers, "foreign").contains("names another origin"))
    }

    @Test func aServerThatNeedsAnEnvVariablePassesOnceTheEntryGivesIt() throws {
        defer { Claudesh.cleanUp(home) }
        MCPFixtures.writeConfig(config, [("needs-env", MCPFixtures.stdio("needs-env", env: ["API_KEY": "${FIXTURE_KEY:-fallback-key}"]))])
        let (result, servers) = try check(["check"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(servers["needs-env"]?["status"] as? String == "ok")
    }

    @Test func retryBacksOffUntilAFlakyServerComesUpWhileCheckReportsTheFirstFailure() throws {
        defer { Claudesh.cleanUp(home) }
        let counter = home + "/starts"
        MCPFixtures.writeConfig(config, [("flaky", MCPFixtures.stdio("flaky", [counter]))])
        let (first, once) = try check(["check"])
        #expect(first.status == 1)
        #expect(once["flaky"]?["attempts"] as? Int == 1)
        #expect(reason(once, "flaky").hasSuffix("not ready yet (start 1)"))
        try FileManager.default.removeItem(atPath: counter)
        let (retried, servers) = try check(["retry"])
        #expect(retried.status == 0, "\(retried.stdout)")
        #expect(servers["flaky"]?["status"] as? String == "ok")
        #expect(servers["flaky"]?["attempts"] as? Int == 3)
    }

    @Test func theDeadlineEndsTheRetriesOfAHangingServer() throws {
        defer { Claudesh.cleanUp(home) }
        MCPFixtures.writeConfig(config, [("hangs", MCPFixtures.stdio("hang"))])
        let (result, servers) = try check(["retry", "--timeout", "1", "--retries", "50", "--deadline", "2"])
        #expect(result.status == 1)
        let attempts = servers["hangs"]?["attempts"] as? Int ?? 0
        #expect(attempts >= 1 && attempts <= 3, "the deadline, not 51 attempts, ends it")
        #expect(reason(servers, "hangs").hasPrefix("timed out after"))
    }

    @Test func noChildIsLeftAfterAnyProbe() throws {
        defer { Claudesh.cleanUp(home) }
        let marker = "CLAUDESH_FIXTURE_\(UUID().uuidString.prefix(8))"
        let env = [marker: "1"]
        MCPFixtures.writeConfig(config, [
            ("grandchild", MCPFixtures.stdio("grandchild", env: env)),
            ("hangs", MCPFixtures.stdio("hang", env: env)),
            ("garbage", MCPFixtures.stdio("garbage", env: env)),
            ("instant", MCPFixtures.stdio("instant", env: env)),
            ("exits", MCPFixtures.stdio("exit", env: env)),
        ])
        let (result, servers) = try check(["check", "--timeout", "1"])
        #expect(servers["grandchild"]?["status"] as? String == "ok")
        #expect(servers["instant"]?["status"] as? String == "ok")
        #expect(result.status == 1)
        #expect(MCPFixtures.processes(marked: marker).isEmpty, "left behind: \(MCPFixtures.processes(marked: marker))")
    }

    /// Whether the usage line or the exit is seen first is a race between the server's exit and
    /// the first request; the reason must not depend on it.
    @Test func aServerThatPrintsUsageAndExitsGetsOneReasonEveryTime() throws {
        defer { Claudesh.cleanUp(home) }
        let names = (1...24).map { String(format: "usage-%02d", $0) }
        MCPFixtures.writeConfig(config, names.map { ($0, MCPFixtures.stdio("usage-exit")) })
        let (result, servers) = try check(["check"])
        #expect(result.status == 1)
        let reasons = Set(names.map { reason(servers, $0) })
        #expect(reasons.count == 1, "\(reasons)")
        #expect(reasons.first?.contains("not an MCP server") == true && reasons.first?.contains("usage: mcp-thing --port N") == true, "\(reasons)")
    }

    /// Without --timeout, MCP_TIMEOUT (milliseconds) is one attempt's limit, as Claude Code reads it.
    @Test func mcpTimeoutSetsTheLimitUnlessTimeoutIsGiven() throws {
        defer { Claudesh.cleanUp(home) }
        MCPFixtures.writeConfig(config, [("hangs", MCPFixtures.stdio("hang"))])
        let (_, fromEnvironment) = try check(["check"], extra: ["MCP_TIMEOUT": "1500"])
        #expect(reason(fromEnvironment, "hangs") == "timed out after 1.5 s during server/discover (raise --timeout if the server is slow to start)")
        let (_, fromFlag) = try check(["check", "--timeout", "1"], extra: ["MCP_TIMEOUT": "1500"])
        #expect(reason(fromFlag, "hangs").hasPrefix("timed out after 1 s during server/discover"))
    }

    /// Each server leads a session of its own, as Claude's clients start them: on Linux that is
    /// its own CPU share under autogroup scheduling.
    @Test func eachStdioServerLeadsASessionOfItsOwn() throws {
        defer { Claudesh.cleanUp(home) }
        let files = (1...2).map { home + "/session-\($0)" }
        MCPFixtures.writeConfig(config, files.enumerated().map { ("server-\($0.offset)", MCPFixtures.stdio("session", env: ["FIXTURE_FILE": $0.element])) })
        let (result, _) = try check(["check"])
        #expect(result.status == 0)
        var sessions: Set<String> = []
        for file in files {
            let words = try String(contentsOfFile: file, encoding: .utf8).split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            #expect(words.count == 2 && words[0] == words[1], "process and session: \(words)")
            sessions.insert(words[1])
        }
        #expect(sessions.count == 2)
        #expect(!sessions.contains(String(getsid(0))))
    }

    @Test func manyServersAreProbedTogetherAndReportedInConfigOrder() throws {
        defer { Claudesh.cleanUp(home) }
        let names = (1...32).map { String(format: "server-%02d", $0) }
        MCPFixtures.writeConfig(config, names.map { ($0, MCPFixtures.stdio("instant")) })
        let result = try Claudesh.run(["mcp", "check", "--config", config, "--json"], home: home)
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        #expect((object["servers"] as! [[String: Any]]).map { $0["name"] as! String } == names)
        #expect(object["passed"] as? Int == 32)
    }

    @Test func theTableNamesEachServerAndTheFailuresSayWhatToDo() throws {
        defer { Claudesh.cleanUp(home) }
        MCPFixtures.writeConfig(config, [("ok", MCPFixtures.stdio("instant")), ("missing", "{\"command\": \"no-such-mcp-server-command\"}")])
        let result = try Claudesh.run(["mcp", "check", "--config", config], home: home)
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("NAME") && lines[0].contains("STATUS") && lines[0].contains("TOOLS"))
        #expect(lines[1].hasPrefix("ok ") && lines[1].contains("sh-fixture 1.0") && lines[1].contains("2025-06-18"))
        #expect(lines[2].hasPrefix("missing ") && lines[2].contains("FAIL"))
        #expect(result.stdout.contains("missing: command not found: no-such-mcp-server-command"))
        #expect(result.stdout.contains("(not retried: trying again cannot fix this)"))
    }
}

import Foundation
import Testing

/// `mcp check` of remote servers through libcurl, against real servers on 127.0.0.1: the Python
/// SDK's app under uvicorn and under Hypercorn (HTTP/2), Debian's tinyproxy, and raw fixtures.
/// Each server logs the requests it gets, so a test sees what went over the wire.
@Suite
struct MCPHTTPTests {
    let home = Claudesh.temporaryFolder("claudesh-http")
    var config: String { home + "/claude_desktop_config.json" }

    func check(_ arguments: [String] = ["check"], extra: [String: String] = [:]) throws -> (Claudesh.Result, [String: [String: Any]]) {
        let result = try Claudesh.run(["mcp"] + arguments + ["--config", config, "--json"], home: home, extra: extra)
        return (result, try MCPFixtures.servers(result.stdout))
    }

    func reason(_ servers: [String: [String: Any]], _ name: String) -> String { servers[name]?["reason"] as? String ?? "" }

    @Test func aLineBreakInAHeaderOrURLIsRefusedAndNothingIsSent() throws {
        defer { Claudesh.cleanUp(home) }
        let server = try HTTPFixture("streamable-http", log: home + "/requests.log")
        defer { server.stop() }
        MCPFixtures.writeConfig(config, [
            ("expanded", MCPFixtures.remote("\(server.url)/mcp", headers: ["X-Trace": "${TRACE}"])),
            ("written", MCPFixtures.remote("\(server.url)/mcp", headers: ["X-Trace": "a\\r\\nX-Injected: 1"])), // JSON escapes in the file
            ("name", MCPFixtures.remote("\(server.url)/mcp", headers: ["X-Trace\\r\\nX-Injected": "1"])),
            ("url", MCPFixtures.remote("\(server.url)/mcp\\r\\nX-Injected: 1")),
        ])
        let (result, servers) = try check(["check", "--jobs", "1"], extra: ["TRACE": "a\r\nX-Injected: 1"])
        #expect(result.status == 1, "\(result.stdout)")
        #expect(reason(servers, "expanded").contains("the value of the header X-Trace holds a line break"), "\(reason(servers, "expanded"))")
        #expect(reason(servers, "written").contains("the value of the header X-Trace holds a line break"), "\(reason(servers, "written"))")
        #expect(reason(servers, "name").contains("is not a valid name"), "\(reason(servers, "name"))")
        #expect(reason(servers, "url").contains("holds a space, line break or other control character"), "\(reason(servers, "url"))")
        #expect(server.requests().isEmpty, "\(server.requests().map { $0.headers })")

        let header = try Claudesh.run(["mcp", "add", "x", "--config", config, "--transport", "http", "\(server.url)/mcp", "--header", "X-Trace: a\r\nX-Injected: 1"], home: home)
        #expect(header.status == 2, "\(header.stderr)")
        #expect(header.stderr.contains("--header X-Trace: the value holds a line break or another control character"), "\(header.stderr)")
        let url = try Claudesh.run(["mcp", "add", "x", "--config", config, "--transport", "http", "\(server.url)/mcp\r\nX-Injected: 1"], home: home)
        #expect(url.status == 2, "\(url.stderr)")
        #expect(url.stderr.contains("holds a space, line break or other control character"), "\(url.stderr)")
        #expect(!(try String(contentsOfFile: config, encoding: .utf8)).contains("\"x\""), "nothing was added")
    }

    @Test func redirectsAreFollowedKeepingThePOSTAndItsBody() throws {
        defer { Claudesh.cleanUp(home) }
        let server = try HTTPFixture("streamable-http", redirects: [
            (307, "/old-307", "/mcp"), (308, "/old-308", "/mcp"), (302, "/old-302", "/mcp"),
            (301, "/chain", "/old-307"), (307, "/loop", "/loop"),
        ], log: home + "/requests.log")
        defer { server.stop() }
        MCPFixtures.writeConfig(config, [
            ("r307", MCPFixtures.remote("\(server.url)/old-307")),
            ("r308", MCPFixtures.remote("\(server.url)/old-308")),
            ("r302", MCPFixtures.remote("\(server.url)/old-302")),
            ("chain", MCPFixtures.remote("\(server.url)/chain")),
            ("loop", MCPFixtures.remote("\(server.url)/loop")),
        ])
        let (result, servers) = try check(["check", "--jobs", "1"])
        #expect(result.status == 1, "\(result.stdout)")
        #expect(reason(servers, "loop") == "more than 10 redirects; the last one was to \(server.url)/loop")
        #expect(server.requests().filter { $0.path == "/loop" }.count == 11)
        for name in ["r307", "r308", "r302", "chain"] {
            #expect(servers[name]?["server_name"] as? String == "fixture-streamable-http", "\(name): \(reason(servers, name))")
            #expect(servers[name]?["tools"] as? Int == 3)
        }
        let requests = server.requests()
        // Every redirected request was a POST and arrived at /mcp as a POST with its body (the
        // server answered initialize, which it cannot do without the body).
        // (and the session's DELETE went the same way as a DELETE).
        #expect(requests.contains { $0.path == "/mcp" && $0.method == "POST" })
        #expect(requests.allSatisfy { ["POST", "DELETE"].contains($0.method) }, "\(requests.map { ($0.method, $0.path) })")
    }

    @Test func aRedirectToAnotherOriginIsRefusedAndTheHeadersNeverGoThere() throws {
        defer { Claudesh.cleanUp(home) }
        let elsewhere = try HTTPFixture("streamable-http", log: home + "/elsewhere.log")
        defer { elsewhere.stop() }
        let redirecting = try HTTPFixture("streamable-http", redirects: [(307, "/mcp", "\(elsewhere.url)/mcp")], log: home + "/redirecting.log")
        defer { redirecting.stop() }
        MCPFixtures.writeConfig(config, [
            ("moved", MCPFixtures.remote("\(redirecting.url)/mcp", headers: ["Authorization": "Bearer redirect-secret-token"])),
        ])
        let (result, servers) = try check(["check", "--retries", "2"])
        #expect(result.status == 1)
        #expect(reason(servers, "moved") == "the server redirected to another origin (\(elsewhere.url), not \(redirecting.url)); refusing to send it the entry's headers")
        #expect(servers["moved"]?["permanent"] as? Bool == true)
        #expect(servers["moved"]?["attempts"] as? Int == 1)
        #expect(redirecting.requests().first?.headers["authorization"] == "Bearer redirect-secret-token")
        #expect(elsewhere.requests().isEmpty, "the other origin got: \(elsewhere.requests().map(\.headers))")
    }

    @Test func aRedirectFromHTTPToHTTPSOnTheSameHostKeepsTheHeaders() throws {
        defer { Claudesh.cleanUp(home) }
        let tls = try HTTPFixture.certificate(in: home, names: ["127.0.0.1"])
        let secure = try HTTPFixture("streamable-http", token: "upgrade-token", tls: tls, log: home + "/secure.log")
        defer { secure.stop() }
        let plain = try HTTPFixture("streamable-http", redirects: [(308, "/mcp", "https://127.0.0.1:\(secure.port)/mcp")])
        defer { plain.stop() }
        MCPFixtures.writeConfig(config, [
            ("upgraded", MCPFixtures.remote("\(plain.url)/mcp", headers: ["Authorization": "Bearer upgrade-token"])),
        ])
        let (result, servers) = try check(extra: ["SSL_CERT_FILE": tls.certificate])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(servers["upgraded"]?["server_name"] as? String == "fixture-streamable-http")
        #expect(secure.requests().allSatisfy { $0.headers["authorization"] == "Bearer upgrade-token" })
    }

    @Test func theProxyOfTheEnvironmentCarriesTheProbesAndNoProxyBypassesIt() throws {
        defer { Claudesh.cleanUp(home) }
        let proxy = try ProxyFixture(in: home)
        defer { proxy.stop() }
        let tls = try HTTPFixture.certificate(in: home, names: ["localhost"])
        let plain = try HTTPFixture("streamable-http", log: home + "/plain.log")
        defer { plain.stop() }
        let secure = try HTTPFixture("streamable-http", tls: tls, log: home + "/secure.log")
        defer { secure.stop() }
        MCPFixtures.writeConfig(config, [
            ("plain", MCPFixtures.remote("\(plain.url)/mcp")),
            ("secure", MCPFixtures.remote("https://localhost:\(secure.port)/mcp")),
        ])
        // As curl reads them: http_proxy in lower case for http://, HTTPS_PROXY for https://.
        let proxied = ["http_proxy": proxy.url, "HTTPS_PROXY": proxy.url, "SSL_CERT_FILE": tls.certificate]
        let (through, servers) = try check(extra: proxied)
        #expect(through.status == 0, "\(through.stdout)")
        #expect(servers["plain"]?["server_name"] as? String == "fixture-streamable-http")
        #expect(servers["secure"]?["server_name"] as? String == "fixture-streamable-http")
        let seen = proxy.requests()
        #expect(seen.contains("POST \(plain.url)/mcp HTTP/1.1"), "\(seen)")
        #expect(seen.contains("CONNECT localhost:\(secure.port) HTTP/1.1"), "\(seen)")
        // tinyproxy adds its Via header to what it forwards in clear.
        #expect(!plain.requests().isEmpty && plain.requests().allSatisfy { $0.headers["via"]?.contains("tinyproxy") == true })

        // NO_PROXY names the servers: straight to them.
        let before = seen.count
        let plainBefore = plain.requests().count
        let (direct, _) = try check(extra: proxied.merging(["NO_PROXY": "127.0.0.1,localhost"]) { $1 })
        #expect(direct.status == 0, "\(direct.stdout)")
        #expect(proxy.requests().count == before, "\(proxy.requests().dropFirst(before))")
        #expect(plain.requests().dropFirst(plainBefore).allSatisfy { $0.headers["via"] == nil })

        // HTTP_PROXY in capitals is not read for http:// (curl refuses it: in a CGI program it
        // would come from a request's Proxy header).
        let (capitals, _) = try check(extra: ["HTTP_PROXY": proxy.url, "SSL_CERT_FILE": tls.certificate])
        #expect(capitals.status == 0)
        #expect(proxy.requests().count == before)
    }

    @Test func theRequestsOfOneProbeShareOneConnection() throws {
        defer { Claudesh.cleanUp(home) }
        let streaming = try HTTPFixture("streamable-http", log: home + "/streaming.log")
        defer { streaming.stop() }
        let json = try HTTPFixture("json", log: home + "/json.log")
        defer { json.stop() }
        let sse = try HTTPFixture("sse", log: home + "/sse.log")
        defer { sse.stop() }
        MCPFixtures.writeConfig(config, [
            ("streaming", MCPFixtures.remote("\(streaming.url)/mcp")),
            ("json", MCPFixtures.remote("\(json.url)/mcp")),
            ("sse", MCPFixtures.remote("\(sse.url)/sse", type: "sse")),
        ])
        let (result, _) = try check()
        #expect(result.status == 0, "\(result.stdout)")
        for server in [streaming, json] {
            let requests = server.requests()
            // server/discover and tools/list: a modern session has no handshake, ping or DELETE.
            #expect(requests.map(\.method) == ["POST", "POST"])
            #expect(requests.map { $0.headers["mcp-method"] } == ["server/discover", "tools/list"])
            #expect(Set(requests.map(\.clientPort)).count == 1, "\(requests.map { ($0.method, $0.clientPort) })")
        }
        // HTTP+SSE: the event stream on a connection of its own, the POSTs on another one.
        let legacy = sse.requests()
        #expect(legacy.first?.method == "GET")
        let posts = legacy.filter { $0.method == "POST" }
        #expect(posts.count == 4)
        #expect(Set(posts.map(\.clientPort)).count == 1, "\(legacy.map { ($0.method, $0.clientPort) })")
        #expect(!posts.contains { $0.clientPort == legacy.first?.clientPort })
    }

    @Test func http2IsSpokenWhenATLSServerOffersIt() throws {
        defer { Claudesh.cleanUp(home) }
        let tls = try HTTPFixture.certificate(in: home, names: ["localhost"])
        let h2 = try HTTPFixture("streamable-http", tls: tls, log: home + "/h2.log", server: "hypercorn")
        defer { h2.stop() }
        let clear = try HTTPFixture("streamable-http", log: home + "/clear.log", server: "hypercorn")
        defer { clear.stop() }
        MCPFixtures.writeConfig(config, [
            ("h2", MCPFixtures.remote("https://localhost:\(h2.port)/mcp")),
            ("clear", MCPFixtures.remote("\(clear.url)/mcp")),
        ])
        let (result, servers) = try check(extra: ["SSL_CERT_FILE": tls.certificate])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(servers["h2"]?["tools"] as? Int == 3)
        let requests = h2.requests()
        #expect(requests.count == 2) // server/discover, tools/list
        #expect(requests.allSatisfy { $0.httpVersion == "2" }, "\(requests.map(\.httpVersion))")
        #expect(Set(requests.map(\.clientPort)).count == 1)
        // Without TLS there is no ALPN: HTTP/1.1.
        #expect(!clear.requests().isEmpty && clear.requests().allSatisfy { $0.httpVersion == "1.1" })
    }

    @Test func unreachableSilentAndForeignServersSayWhy() throws {
        defer { Claudesh.cleanUp(home) }
        let silent = try HTTPFixture("silent", script: MCPFixtures.misbehavingScript)
        defer { silent.stop() }
        let other = try HTTPFixture("not-http", script: MCPFixtures.misbehavingScript)
        defer { other.stop() }
        let closed = try freePort()
        MCPFixtures.writeConfig(config, [
            ("refused", MCPFixtures.remote("http://127.0.0.1:\(closed)/mcp")),
            ("not-http", MCPFixtures.remote("\(other.url)/mcp")),
            ("unknown", MCPFixtures.remote("http://no-such-host.invalid/mcp")),
            ("silent", MCPFixtures.remote("\(silent.url)/mcp")),
        ])
        let (result, servers) = try check(["check", "--timeout", "1.5"])
        #expect(result.status == 1)
        #expect(reason(servers, "refused") == "cannot connect to 127.0.0.1:\(closed): Connection refused (is the server running?)")
        #expect(reason(servers, "unknown").hasPrefix("cannot resolve no-such-host.invalid: "))
        #expect(reason(servers, "not-http") == "not an HTTP response: no status line")
        #expect(reason(servers, "silent") == "timed out after 1.5 s during server/discover (raise --timeout if the server is slow to start)")
        // The watchdog wakes the transfer out of its poll at once: the probe takes its timeout,
        // not the poll's next turn (a second after the previous one) nor the request's own
        // deadline (a second after the timeout).
        let latency = servers["silent"]?["latency_ms"] as? Double ?? 0
        #expect(latency >= 1500 && latency < 1900, "\(latency) ms")
    }

    @Test func ctrlCEndsAProbeWaitingOnASilentServerAtOnce() throws {
        defer { Claudesh.cleanUp(home) }
        let silent = try HTTPFixture("silent", script: MCPFixtures.misbehavingScript)
        defer { silent.stop() }
        MCPFixtures.writeConfig(config, [("silent", MCPFixtures.remote("\(silent.url)/mcp"))])
        let terminal = try PseudoTerminal([Claudesh.binary], environment: Claudesh.environment(home: home))
        try terminal.expect("claudesh> ")
        terminal.send("mcp check --config \(config) --timeout 60\r")
        try terminal.expect("probing 1 server")
        usleep(500_000) // the request is at the server, which never answers
        let start = Date()
        terminal.send("\u{3}")
        try terminal.expect("[130]> ", timeout: 10)
        #expect(Date().timeIntervalSince(start) < 1.5)
        terminal.send("exit\r")
        #expect(terminal.waitForExit() == 0)
    }
}

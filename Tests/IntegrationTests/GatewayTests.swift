import Foundation
import Testing

/// The gateway driven by the Python SDK 2.x `Client` (`Tests/Fixtures/gateway_client.py`), as
/// Claude would drive it: both eras, over stdio and over streamable HTTP, in front of
/// mcp-server-time, mcp-server-git and the suite's full server (SDK 2.x) given a secret.
@Suite(.serialized)
struct GatewayTests {
    static let client = MCPFixtures.repository + "/Tests/Fixtures/gateway_client.py"
    static let secret = "Gw7kQ2mX9vLr4TzN8pBc3HsJ6dYf1WqA"
    let secrets = SecretsFixture()
    var home: String { secrets.home }
    /// Claude Desktop's config in the test's home, where the gateway's servers are looked up.
    var desktopConfig: String { home + "/.config/Claude/claude_desktop_config.json" }

    func run(_ arguments: [String], input: String? = nil) throws -> Claudesh.Result {
        try secrets.run(arguments, input: input)
    }

    /// A git repository with one commit and one file not added.
    func makeRepository() throws -> String {
        try MCPFixtures.gitRepository(at: home + "/repo")
    }

    /// time, git and full (given the secret as API_KEY) behind the default gateway.
    func setUpBackends() throws -> String {
        let repository = try makeRepository()
        try FileManager.default.createDirectory(atPath: home + "/.config/Claude", withIntermediateDirectories: true)
        MCPFixtures.writeConfig(desktopConfig, [
            ("time", "{\"command\": \"\(MCPFixtures.timeServer)\"}"),
            ("git", "{\"command\": \"\(MCPFixtures.venv)/bin/mcp-server-git\", \"args\": [\"--repository\", \"\(repository)\"]}"),
            ("full", "{\"command\": \"\(MCPFixtures.venv)/bin/python\", \"args\": [\"\(MCPFixtures.fullScript)\", \"stdio\"], \"env\": {\"API_KEY\": \"\(Self.secret)\"}}"),
        ])
        for server in ["time", "git", "full"] {
            let added = try run(["gateway", "add", server])
            #expect(added.status == 0, "\(added.stderr)")
        }
        return repository
    }

    /// The client's lines: the first says the era, each next one a step.
    func drive(_ mode: String, _ target: String, _ steps: [String], token: String? = nil,
               environment: [String: String] = [:]) throws -> (era: [String: Any], steps: [[String: Any]], stderr: String) {
        var arguments = [Self.client, mode, target] + steps
        if target == "stdio" { arguments += ["--", Claudesh.binary, "gateway"] }
        var extra = secrets.environment.merging(environment) { $1 }
        if let token { extra["GATEWAY_TOKEN"] = token }
        let result = try Claudesh.runProgram(MCPFixtures.venv + "/bin/python", arguments, environment: Claudesh.environment(home: home, extra: extra))
        let lines = result.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        guard let first = lines.first, first["era"] != nil else {
            Issue.record("the client did not connect: \(result.stdout) \(result.stderr)")
            return ([:], [], result.stderr)
        }
        return (first, Array(lines.dropFirst()), result.stderr)
    }

    static func text(_ step: [String: Any]) -> String {
        let value = step["value"] as? [String: Any]
        let content = value?["content"] as? [[String: Any]] ?? []
        return content.compactMap { $0["text"] as? String }.joined(separator: "\n")
    }

    static func names(_ step: [String: Any]) -> [String] {
        (step["value"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    }

    @Test func listsAndCallsEveryBackendInBothErasOverStdioWithResultsMasked() throws {
        defer { secrets.stop() }
        let repository = try setUpBackends()
        #expect(try run(["gateway", "tools", "disable", "time", "convert_time"]).status == 0)
        for (mode, era) in [("auto", "modern"), ("legacy", "legacy")] {
            let (opened, steps, stderr) = try drive(mode, "stdio", [
                "tools", "call:time_get_current_time:{\"timezone\":\"UTC\"}",
                "call:git_git_status:{\"repo_path\":\"\(repository)\"}",
                "call:full_greet:{\"name\":\"\(Self.secret)\"}",
                "call:time_convert_time:{}", "prompts", "resources",
            ])
            #expect(opened["era"] as? String == era, "\(mode): \(opened)")
            #expect(opened["server"] as? String == "claudesh-gateway")
            guard steps.count == 7 else {
                Issue.record("\(mode): \(steps) \(stderr)")
                continue
            }
            let tools = Self.names(steps[0])
            #expect(tools.contains("time_get_current_time") && tools.contains("git_git_status") && tools.contains("full_greet"), "\(mode): \(tools)")
            #expect(!tools.contains("time_convert_time"), "a disabled tool is not listed: \(tools)")
            #expect(Self.text(steps[1]).contains("\"timezone\": \"UTC\""), "\(mode): \(steps[1])")
            #expect(Self.text(steps[2]).contains("draft.txt"), "\(mode): \(steps[2])")
            let greeting = Self.text(steps[3])
            #expect(greeting.hasPrefix("Hello") && greeting.contains("‹redacted›"), "\(mode): \(steps[3])")
            #expect(!greeting.contains(Self.secret.prefix(12)), "the entry's secret comes back masked: \(greeting)")
            #expect(steps[4]["ok"] as? Bool == false && (steps[4]["error"] as? String ?? "").contains("unknown tool"), "a disabled tool is not called: \(steps[4])")
            #expect(Self.names(steps[5]).contains("full_review"), "\(mode): \(steps[5])")
            let uris = (steps[6]["value"] as? [[String: Any]] ?? []).compactMap { $0["uri"] as? String }
            #expect(uris.contains { $0.hasPrefix("gateway://full/") }, "\(mode): \(uris)")
        }
        // Nothing of the backends is left once the client has gone (this test's full server
        // is the one given its secret: other suites run the same script beside it).
        #expect(MCPFixtures.processes(withArgument: MCPFixtures.fullScript, environment: "API_KEY=\(Self.secret)").isEmpty)
    }

    @Test func aBackendKilledFromOutsideIsStartedAgainForTheNextCall() throws {
        defer { secrets.stop() }
        _ = try setUpBackends()
        let call = "call:time_get_current_time:{\"timezone\":\"UTC\"}"
        let (_, steps, stderr) = try drive("legacy", "stdio", ["tools", "notifications", call, "kill:" + MCPFixtures.timeServer, call, "sleep:0.2", "notifications"])
        guard steps.count == 7 else {
            Issue.record("\(steps) \(stderr)")
            return
        }
        #expect(steps[2]["ok"] as? Bool == true, "\(steps[2])")
        #expect(steps[4]["ok"] as? Bool == true && Self.text(steps[4]).contains("UTC"), "the call after the kill works: \(steps[4])")
        // Its coming back is a change of the surface, which the client is told of; its first
        // start (for the listing) was not.
        #expect((steps[1]["value"] as? [String]) == [], "\(steps[1])")
        #expect((steps[6]["value"] as? [String] ?? []).contains("notifications/tools/list_changed"), "\(steps[6])")
    }

    @Test func aToolOrServerTurnedOffOrOnReachesARunningGatewayAndItsClientIsTold() throws {
        defer { secrets.stop() }
        _ = try setUpBackends()
        func command(_ words: String...) -> String {
            let list = ([Claudesh.binary, "gateway"] + words).map { "\"\($0)\"" }.joined(separator: ",")
            return "run:[\(list)]"
        }
        let changed = "notifications/tools/list_changed"
        let now = "call:time_get_current_time:{\"timezone\":\"UTC\"}"
        // The stateless revision is told of changes on the stream it opens (the handshake era unasked: the next test).
        let (_, steps, stderr) = try drive("auto", "stdio", [
            "listen:tools", command("tools", "disable", "time", "convert_time"), "wait:\(changed):1", "tools",
            "call:time_convert_time:{\"source_timezone\":\"UTC\",\"time\":\"12:00\",\"target_timezone\":\"UTC\"}",
            command("tools", "enable", "time", "convert_time"), "wait:\(changed):2", "tools",
            // A server taken out of the profile and added again, from another shell.
            command("remove", "time"), "wait:\(changed):3", "tools", now,
            command("add", "time"), "wait:\(changed):4", "tools", now, "notifications",
        ])
        guard steps.count == 17 else {
            Issue.record("\(steps) \(stderr)")
            return
        }
        #expect(steps[0]["value"] as? [String: Bool] == ["toolsListChanged": true], "the stream carries tool changes: \(steps[0])")
        #expect([1, 5, 8, 12].allSatisfy { steps[$0]["value"] as? Int == 0 }, "\(steps[1]) \(steps[5]) \(steps[8]) \(steps[12])")
        // Within the second the gateway looks at its profile: told, without asking again.
        #expect(steps[2]["value"] as? Int == 1, "the client is told its tools changed: \(steps[2])")
        #expect(!Self.names(steps[3]).contains("time_convert_time") && Self.names(steps[3]).contains("time_get_current_time"), "\(steps[3])")
        #expect(steps[4]["ok"] as? Bool == false && (steps[4]["error"] as? String ?? "").contains("unknown tool"), "a tool turned off is not called: \(steps[4])")
        #expect(steps[6]["value"] as? Int == 2, "turned on again, the client is told again: \(steps[6])")
        #expect(Self.names(steps[7]).contains("time_convert_time"), "\(steps[7])")
        #expect(steps[9]["value"] as? Int == 3, "a server taken out: told: \(steps[9])")
        #expect(!Self.names(steps[10]).contains { $0.hasPrefix("time_") } && Self.names(steps[10]).contains("git_git_status"), "\(steps[10])")
        #expect(steps[11]["ok"] as? Bool == false && (steps[11]["error"] as? String ?? "").contains("unknown tool"), "\(steps[11])")
        #expect(steps[13]["value"] as? Int == 4, "a server added: told: \(steps[13])")
        #expect(Self.names(steps[14]).contains("time_get_current_time") && Self.names(steps[14]).contains("git_git_status"), "\(steps[14])")
        #expect(Self.text(steps[15]).contains("UTC"), "the server added again is called: \(steps[15])")
        #expect(((steps[16]["value"] as? [String]) ?? []).filter { $0 == changed }.count == 4, "told once each: \(steps[16])")
    }

    @Test func aBackendsOwnListChangeReachesTheGatewaysClientsAsTheirEraHasIt() throws {
        defer { secrets.stop() }
        _ = try setUpBackends()
        // Beside the mcp 2.x server (a session of the stateless revision, heard on the listen
        // stream the gateway opens), the same server on mcp 1.x (the handshake era: unasked).
        let old = "{\"command\": \"\(MCPFixtures.legacyVenv)/bin/python\", \"args\": [\"\(MCPFixtures.fullScript)\", \"stdio\"]}"
        #expect(try run(["mcp", "add-json", "-s", "user", "old", old]).status == 0)
        for (verb, server) in [("add", "old"), ("remove", "time"), ("remove", "git")] {
            let done = try run(["gateway", verb, server])
            #expect(done.status == 0, "\(done.stderr)")
        }
        let changed = "notifications/tools/list_changed"
        // A client of the stateless revision hears nothing it did not ask for; then it listens.
        let (opened, steps, stderr) = try drive("auto", "stdio", [
            "tools", "call:full_sprout:{}", "sleep:1", "notifications", "tools",
            "listen:tools,prompts", "call:old_sprout:{}", "wait:\(changed):1", "tools", "call:old_sprouted:{}",
            "call:full_sprout:{}", "wait:\(changed):2", "events",
        ])
        #expect(opened["era"] as? String == "modern", "\(opened)")
        guard steps.count == 13 else {
            Issue.record("\(steps) \(stderr)")
            return
        }
        #expect(!Self.names(steps[0]).contains("full_sprouted") && Self.names(steps[0]).contains("old_sprout"), "\(steps[0])")
        #expect(Self.text(steps[1]) == "sprouted", "\(steps[1])")
        #expect((steps[3]["value"] as? [String]) == [], "nothing unasked in the stateless revision: \(steps[3])")
        #expect(Self.names(steps[4]).contains("full_sprouted"), "the backend's new tool is listed: \(steps[4])")
        #expect(steps[5]["value"] as? [String: Bool] == ["toolsListChanged": true, "promptsListChanged": true], "\(steps[5])")
        #expect(steps[7]["value"] as? Int == 1, "a handshake-era backend's change reaches the stream: \(steps[7])")
        #expect(Self.names(steps[8]).contains("old_sprouted"), "\(steps[8])")
        #expect(Self.text(steps[9]) == "sprouted", "the new tool is called: \(steps[9])")
        #expect(steps[11]["value"] as? Int == 2, "a stateless backend's change (its listen stream) reaches it: \(steps[11])")
        #expect(steps[12]["value"] as? [String] == ["ToolsListChanged", "ToolsListChanged"], "both came on the stream: \(steps[12])")

        // A client of the handshake era is told unasked; a change said while the backend is
        // idle (seconds after its last call's 2 s timeout) is heard as well.
        let (legacy, told, why) = try drive("legacy", "stdio", ["tools", "call:full_sprout:{}", "wait:\(changed):1", "call:old_sprout:{}", "wait:\(changed):2",
                                                                 "call:old_sprout:{\"later\":4}", "wait:\(changed):3", "call:full_sprout:{\"later\":4}", "wait:\(changed):4"],
                                             environment: ["MCP_TOOL_TIMEOUT": "2000"])
        #expect(legacy["era"] as? String == "legacy", "\(legacy)")
        guard told.count == 9 else {
            Issue.record("\(told) \(why)")
            return
        }
        #expect(told[2]["value"] as? Int == 1 && told[4]["value"] as? Int == 2, "\(told)")
        #expect(Self.text(told[5]) == "sprouting" && told[6]["value"] as? Int == 3, "an idle handshake-era backend is heard: \(told[5]) \(told[6])")
        #expect(told[8]["value"] as? Int == 4, "an idle stateless backend is heard on its stream: \(told[8])")
    }

    @Test func malformedMessagesGetTheirJSONRPCErrorAndTheGatewayGoesOn() throws {
        defer { secrets.stop() }
        _ = try setUpBackends()
        let input = [
            "{not json",
            "[]",
            "{\"jsonrpc\": \"2.0\", \"id\": 1}",
            "{\"jsonrpc\": \"1.0\", \"id\": 2, \"method\": \"ping\"}",
            "{\"jsonrpc\": \"2.0\", \"id\": 3, \"method\": \"no/such\"}",
            "{\"jsonrpc\": \"2.0\", \"id\": 4, \"method\": \"tools/call\", \"params\": {\"name\": \"nope_tool\"}}",
            "{\"jsonrpc\": \"2.0\", \"id\": 5, \"method\": \"ping\", \"params\": {\"_meta\": {\"io.modelcontextprotocol/protocolVersion\": \"2099-01-01\"}}}",
            "{\"jsonrpc\": \"2.0\", \"id\": null, \"method\": \"ping\"}",
            "{\"jsonrpc\": \"2.0\", \"id\": 8, \"method\": \"tools/call\", \"params\": {\"name\": \"full_slow\", \"arguments\": {\"seconds\": 1}}}",
            "{\"jsonrpc\": \"2.0\", \"id\": 8, \"method\": \"tools/call\", \"params\": {\"name\": \"full_slow\", \"arguments\": {\"seconds\": 1}}}",
            "{\"jsonrpc\": \"2.0\", \"id\": 6, \"method\": \"ping\"}",
        ].joined(separator: "\n") + "\n"
        // Stdin stays open until every request has its answer (starting the backends for the
        // unknown tool's listing may take seconds on a busy machine), then ends.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Claudesh.binary)
        process.arguments = ["gateway"]
        process.environment = Claudesh.environment(home: home, extra: secrets.environment)
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        var said = ""
        var replies: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(60)
        let wanted: Set<Int> = [2, 3, 4, 5, 6, 8]
        func done() -> Bool {
            let ids = replies.compactMap { $0["id"] as? Int }
            return wanted.isSubset(of: Set(ids)) && ids.filter { $0 == 8 }.count == 2
        }
        while Date() < deadline, !done() {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            said += String(decoding: chunk, as: UTF8.self)
            replies = said.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
        try stdin.fileHandleForWriting.close()
        said += String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        replies = said.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        func code(_ id: Int?) -> Int? {
            let reply = replies.first { ($0["id"] as? Int) == id && (id != nil || $0["id"] is NSNull) && $0["error"] != nil }
            return (reply?["error"] as? [String: Any])?["code"] as? Int
        }
        let nullIDCodes = replies.filter { $0["id"] is NSNull }.compactMap { ($0["error"] as? [String: Any])?["code"] as? Int }
        #expect(nullIDCodes.contains(-32700), "garbage is a parse error: \(replies)")
        #expect(nullIDCodes.contains(-32600), "a batch is an invalid request: \(replies)")
        #expect(code(1) == -32600 && code(2) == -32600, "\(replies)")
        #expect(code(3) == -32601, "\(replies)")
        #expect(code(4) == -32602, "\(replies)")
        #expect(code(5) == -32022, "\(replies)")
        #expect(replies.contains { ($0["id"] as? Int) == 6 && $0["result"] != nil }, "the gateway still answers: \(replies)")
        #expect(nullIDCodes.filter { $0 == -32600 }.count == 2, "an id null is an invalid request: \(replies)")
        let eight = replies.filter { ($0["id"] as? Int) == 8 }
        #expect(eight.count == 2 && eight.contains { $0["result"] != nil }, "the first request of id 8 is answered: \(eight)")
        #expect(eight.contains { (($0["error"] as? [String: Any])?["message"] as? String ?? "").contains("in use") }, "an id in use is refused: \(eight)")
    }

    /// `gateway --listen 0` started; its port and the process.
    func listen() throws -> (Process, Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Claudesh.binary)
        process.arguments = ["gateway", "--listen", "0"]
        process.environment = Claudesh.environment(home: home, extra: secrets.environment)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        var said = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !said.contains("/mcp") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            said += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = said.range(of: #"127\.0\.0\.1:(\d+)/mcp"#, options: .regularExpression) else {
            process.terminate()
            throw FixtureError(message: "the gateway did not say where it listens: \(said)")
        }
        let port = Int(said[range].dropFirst("127.0.0.1:".count).dropLast("/mcp".count))!
        return (process, port)
    }

    /// A new token, and `gateway --listen 0` started with it: the token, the process, its port.
    func tokenAndListener() throws -> (token: String, process: Process, port: Int) {
        #expect(try run(["gateway", "token"]).status == 0)
        let token = try secrets.run(["secrets", "show", "claudesh/gateway-token", "--reveal"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let (process, port) = try listen()
        return (token, process, port)
    }

    /// One POST with curl-like control over its headers: status and body.
    func post(_ port: Int, body: String, headers: [String: String]) throws -> (Int, String) {
        let script = """
        import sys, json, httpx2
        r = httpx2.post(sys.argv[1], content=sys.argv[2].encode(), headers=json.loads(sys.argv[3]))
        print(r.status_code); print(r.text)
        """
        let result = try Claudesh.runProgram(MCPFixtures.venv + "/bin/python", ["-c", script, "http://127.0.0.1:\(port)/mcp", body,
                                                                              String(decoding: try JSONSerialization.data(withJSONObject: headers), as: UTF8.self)],
                                             environment: ProcessInfo.processInfo.environment)
        let lines = result.stdout.split(separator: "\n", maxSplits: 1)
        return (Int(lines.first ?? "") ?? 0, lines.count > 1 ? String(lines[1]) : result.stderr)
    }

    @Test func overHTTPTheTokenAndALocalOriginAreRequiredAndBothErasAreServed() throws {
        defer { secrets.stop() }
        try secrets.makeKeyAndStore()
        _ = try setUpBackends()
        let made = try run(["gateway", "token"])
        #expect(made.status == 0, "\(made.stderr)")
        let token = try secrets.run(["secrets", "show", "claudesh/gateway-token", "--reveal"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.count == 64, "256 bits in hex: \(token.count)")
        #expect(!made.stdout.contains(token), "the token is never printed")
        let (process, port) = try listen()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let ping = "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"ping\"}"
        let json = ["Content-Type": "application/json", "Accept": "application/json, text/event-stream"]
        #expect(try post(port, body: ping, headers: json).0 == 401, "no token")
        #expect(try post(port, body: ping, headers: json.merging(["Authorization": "Bearer wrong"]) { $1 }).0 == 401, "a wrong token")
        let authorised = json.merging(["Authorization": "Bearer \(token)"]) { $1 }
        #expect(try post(port, body: ping, headers: authorised.merging(["Origin": "http://evil.example"]) { $1 }).0 == 403, "a foreign origin")
        let (status, body) = try post(port, body: "{garbage", headers: authorised)
        #expect(status == 400 && body.contains("-32700"), "\(status) \(body)")
        let local = try post(port, body: ping, headers: authorised.merging(["Origin": "http://localhost:\(port)"]) { $1 })
        #expect(local.0 == 200 && local.1.contains("\"result\""), "\(local)")

        let url = "http://127.0.0.1:\(port)/mcp"
        for (mode, era) in [("auto", "modern"), ("legacy", "legacy")] {
            // A listen stream over HTTP is refused: each POST has one answer and the gateway
            // sends no stream (its capabilities say no list changes here).
            let listen = mode == "auto" ? ["listen:tools"] : []
            let (opened, steps, stderr) = try drive(mode, url, ["tools", "call:time_get_current_time:{\"timezone\":\"UTC\"}", "call:full_greet:{\"name\":\"\(token)\"}"] + listen, token: token)
            #expect(opened["era"] as? String == era, "\(mode): \(opened) \(stderr)")
            if mode == "auto" { #expect(steps.last?["ok"] as? Bool == false && (steps.last?["error"] as? String ?? "").contains("subscriptions/listen is not served here"), "\(steps.last ?? [:])") }
            guard steps.count == 3 + listen.count else {
                Issue.record("\(mode): \(steps) \(stderr)")
                continue
            }
            #expect(Self.names(steps[0]).contains("git_git_status"), "\(mode): \(steps[0])")
            #expect(Self.text(steps[1]).contains("UTC"), "\(mode): \(steps[1])")
            #expect(Self.text(steps[2]).contains("‹redacted›") && !Self.text(steps[2]).contains(token.prefix(16)), "the token echoed back is masked: \(steps[2])")
        }
    }

    @Test(arguments: ComposeVersion.allCases)
    func aComposeServiceIsABackendReachedInsideItsContainer(compose: ComposeVersion) throws {
        defer { secrets.stop() }
        _ = try setUpBackends()
        let service = ComposeFixture.service("clock", "exec sh /mcp.sh instant",
                                             extra: "    stdin_open: true\n    volumes:\n      - \(MCPFixtures.stdioScript):/mcp.sh:ro\n")
        let fixture = try ComposeFixture(service, compose: compose, home: home)
        defer { fixture.stop() }
        #expect(try fixture.run(["compose up"]).status == 0)
        let containers = try fixture.waitFor { ComposeFixture.state($0, "clock").0 == "running" }
        let listed = try fixture.run(["gateway list"])
        #expect(listed.stdout.contains("compose service clock"), "\(listed.stdout)")
        let arguments = [Self.client, "auto", "stdio", "tools", "call:clock_a:{}", "call:time_get_current_time:{\"timezone\":\"UTC\"}", "--",
                         Claudesh.binary, "-c", "set compose-file \(fixture.file)", "-c", "gateway"]
        let result = try Claudesh.runProgram(MCPFixtures.venv + "/bin/python", arguments,
                                             environment: Claudesh.environment(home: home, extra: try fixture.environment.merging(secrets.environment) { $1 }))
        let lines = result.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        guard lines.count == 4 else {
            Issue.record("\(result.stdout) \(result.stderr)")
            return
        }
        #expect(Self.names(lines[1]).contains("clock_a") && Self.names(lines[1]).contains("time_get_current_time"), "\(lines[1])")
        // The answer comes from inside the container: its hostname is the container's id.
        let id = containers["clock"]?["id"] as? String ?? ""
        #expect(Self.text(lines[2]).hasPrefix("a answered on ") && !id.isEmpty && Self.text(lines[2]).contains(id), "\(lines[2]) \(containers["clock"] ?? [:])")
        #expect(Self.text(lines[3]).contains("UTC"), "\(lines[3])")
        // The exec'd server ended with the gateway: only the container's own process is left.
        let top = try fixture.docker(["top", fixture.containerName("clock")])
        #expect(top.stdout.split(separator: "\n").count == 2, "\(top.stdout)")
    }

    /// The command line of the entry named `name` in Claude Desktop's config, and its env.
    func entry(_ name: String) throws -> (command: [String], env: [String: String]) {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: desktopConfig))) as? [String: Any]
        let entry = (object?["mcpServers"] as? [String: Any])?[name] as? [String: Any] ?? [:]
        return ([entry["command"] as? String ?? ""] + (entry["args"] as? [String] ?? []), entry["env"] as? [String: String] ?? [:])
    }

    @Test func connectWritesAWorkingEntryAndDisablesWhatItFrontsWhichStaysABackend() throws {
        defer { secrets.stop() }
        _ = try setUpBackends()
        let connected = try run(["--yes", "gateway", "connect", "desktop"])
        #expect(connected.status == 0, "\(connected.stderr)")
        #expect(connected.stdout.contains("Disabled time") && connected.stdout.contains("Disabled full"), "\(connected.stdout)")
        let listed = try run(["mcp", "list"])
        #expect(listed.stdout.contains("disabled (mcp enable time)"), "\(listed.stdout)")
        // Started as Claude Desktop starts it: its command, its env, nothing of this test's.
        let (command, env) = try entry("claudesh-gateway")
        #expect(command == [Claudesh.binary, "gateway"], "\(command)")
        #expect(env["CLAUDESH_HOME"] == home + "/.claude" && env["GNUPGHOME"] == secrets.gnupgHome, "\(env)")
        let result = try Claudesh.runProgram(MCPFixtures.venv + "/bin/python", [Self.client, "legacy", "stdio", "call:time_get_current_time:{\"timezone\":\"UTC\"}", "--"] + command,
                                             environment: env.merging(["HOME": home]) { $1 })
        #expect(result.stdout.contains("\\\"timezone\\\": \\\"UTC\\\""), "a disabled entry is still the gateway's backend: \(result.stdout) \(result.stderr)")
        let again = try run(["gateway", "connect", "desktop"])
        #expect(again.stdout.contains("Already done"), "\(again.stdout)")
        let wrong = try run(["gateway", "connect", "dekstop"])
        #expect(wrong.status == 2 && wrong.stderr.contains("did you mean desktop"), "\(wrong.stderr)")
    }

    @Test func theBridgeCarriesAClientsStdioToTheListenerAndStatusAndHistoryShowTheCalls() throws {
        defer { secrets.stop() }
        try secrets.makeKeyAndStore()
        _ = try setUpBackends()
        #expect(try run(["gateway", "token"]).status == 0)
        let (process, port) = try listen()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        for (mode, era) in [("auto", "modern"), ("legacy", "legacy")] {
            let result = try Claudesh.runProgram(MCPFixtures.venv + "/bin/python", [Self.client, mode, "stdio", "tools", "call:time_get_current_time:{\"timezone\":\"UTC\"}", "--",
                                                                                  Claudesh.binary, "gateway", "bridge", "http://127.0.0.1:\(port)/mcp"],
                                                 environment: Claudesh.environment(home: home, extra: secrets.environment))
            let lines = result.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(lines.first?["era"] as? String == era, "\(mode): \(result.stdout) \(result.stderr)")
            #expect(lines.count == 3 && Self.text(lines[2]).contains("UTC"), "\(mode): \(result.stdout)")
        }
        // The calls are written within a second of being made.
        var status: [String: Any] = [:]
        for _ in 0..<50 {
            let said = try run(["gateway", "status", "--json"])
            status = (try? JSONSerialization.jsonObject(with: Data(said.stdout.utf8)) as? [String: Any]) ?? [:]
            let time = (status["backends"] as? [[String: Any]])?.first { $0["backend"] as? String == "time" }
            if time?["calls"] as? Int == 2 { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        let time = (status["backends"] as? [[String: Any]])?.first { $0["backend"] as? String == "time" }
        #expect(time?["calls"] as? Int == 2 && time?["state"] as? String == "up" && time?["failures"] as? Int == 0, "\(status)")
        #expect((status["listener"] as? [String: Any])?["url"] as? String == "http://127.0.0.1:\(port)/mcp", "\(status)")
        let history = try run(["health", "history", "--json"])
        let calls = ((try? JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any])?["gateway_calls"] as? [[String: Any]]) ?? []
        #expect(calls.first { $0["backend"] as? String == "time" }?["p99_ms"] is Double, "\(history.stdout)")
        let health = try run(["health"])
        #expect(health.stdout.contains("Gateway") && health.stdout.contains("listening on http://127.0.0.1:\(port)/mcp"), "\(health.stdout)")
        #expect(health.stdout.contains("2 calls in the last hour"), "\(health.stdout)")
        // Nothing of the arguments is kept: the timezone asked for is not in the database.
        let database = try Data(contentsOf: URL(fileURLWithPath: home + "/.claude/health.sqlite"))
        #expect(database.range(of: Data("\"UTC\"".utf8)) == nil)
    }

    @Test func theServiceUnitStartsAGatewayThatAnswers() throws {
        defer { secrets.stop() }
        try secrets.makeKeyAndStore()
        _ = try setUpBackends()
        #expect(try run(["gateway", "token"]).status == 0)
        let port = try freePort()
        let printed = try run(["schedule", "install", "--gateway", "--listen", "\(port)", "--print"])
        #expect(printed.status == 0, "\(printed.stderr)")
        let lines = printed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("Restart=on-failure"), "\(printed.stdout)")
        // The unit's own command line and environment, as systemd would read them.
        func unquoted(_ text: String) -> [String] {
            var words: [String] = []
            var current: String?
            var escaped = false
            for character in text {
                if escaped { current?.append(character); escaped = false; continue }
                switch character {
                case "\\": escaped = true
                case "\"": if let word = current { words.append(word.replacingOccurrences(of: "$$", with: "$").replacingOccurrences(of: "%%", with: "%")); current = nil } else { current = "" }
                default: current?.append(character)
                }
            }
            return words
        }
        let exec = unquoted(String(lines.first { $0.hasPrefix("ExecStart=") }?.dropFirst("ExecStart=".count) ?? ""))
        var environment: [String: String] = [:]
        for line in lines where line.hasPrefix("Environment=") {
            let pair = unquoted(String(line.dropFirst("Environment=".count)))[0]
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            environment[parts[0]] = parts[1]
        }
        #expect(exec == [Claudesh.binary, "gateway", "--listen", "127.0.0.1:\(port)"], "\(exec)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: exec[0])
        process.arguments = Array(exec.dropFirst())
        process.environment = environment.merging(["HOME": home]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        var answered = false
        let token = try secrets.run(["secrets", "show", "claudesh/gateway-token", "--reveal"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        for _ in 0..<100 where !answered {
            let reply = try? post(port, body: "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/list\"}", headers: ["Authorization": "Bearer \(token)"])
            answered = reply?.0 == 200 && reply?.1.contains("time_get_current_time") == true
            if !answered { Thread.sleep(forTimeInterval: 0.2) }
        }
        #expect(answered, "the unit's gateway answered tools/list on port \(port)")
    }

    /// The gateway's resident memory, from /proc.
    static func residentKilobytes(_ pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    @Test func sixteenClientsOfFiveHundredCallsEachGetEveryAnswerRightAndMemoryStaysFlat() throws {
        defer { secrets.stop() }
        try secrets.makeKeyAndStore()
        _ = try setUpBackends()
        let (token, process, port) = try tokenAndListener()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        func load(_ calls: Int) throws -> [String: Any] {
            let result = try Claudesh.runProgram(MCPFixtures.venv + "/bin/python", [MCPFixtures.repository + "/Tests/Fixtures/gateway_load.py",
                                                                                  "http://127.0.0.1:\(port)/mcp", token, "16", String(calls), "full_greet"],
                                                 environment: ProcessInfo.processInfo.environment)
            return (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]) ?? ["said": result.stdout + result.stderr]
        }
        let warmUp = try load(100)
        #expect(warmUp["ok"] as? Int == 1600, "\(warmUp)")
        let before = Self.residentKilobytes(process.processIdentifier)
        let run = try load(500)
        #expect(run["calls"] as? Int == 8000 && run["ok"] as? Int == 8000, "every answer, each to its own request: \(run)")
        #expect(run["lost"] as? Int == 0 && run["mismatched"] as? Int == 0 && run["errors"] as? Int == 0, "\(run)")
        let after = Self.residentKilobytes(process.processIdentifier)
        #expect(before > 0 && after - before < 2048, "resident memory before \(before) kB, after 8000 more calls \(after) kB")
    }

    /// Clients share a backend's session: a call that takes seconds holds up only itself, and a
    /// quick call sent after it to the same backend is answered first.
    @Test func aSlowCallHoldsUpOnlyItselfOnTheBackendItShares() throws {
        defer { secrets.stop() }
        try secrets.makeKeyAndStore()
        _ = try setUpBackends()
        let script = """
        import json, subprocess, sys, time
        gateway = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        def send(message):
            gateway.stdin.write((json.dumps(dict(message, jsonrpc="2.0")) + "\\n").encode())
            gateway.stdin.flush()
        def answer():
            while True:
                message = json.loads(gateway.stdout.readline())
                if "id" in message:
                    return message
        send({"id": 0, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}})
        answer()
        send({"method": "notifications/initialized"})
        send({"id": 1, "method": "tools/list"})
        answer()
        started = time.monotonic()
        send({"id": 10, "method": "tools/call", "params": {"name": "full_slow", "arguments": {"seconds": 4}}})
        send({"id": 11, "method": "tools/call", "params": {"name": "full_add", "arguments": {"a": 20, "b": 22}}})
        order = []
        for _ in range(2):
            message = answer()
            order.append({"id": message["id"], "after": time.monotonic() - started, "text": message["result"]["content"][0]["text"]})
        print(json.dumps(order))
        gateway.stdin.close()
        gateway.wait()
        """
        let result = try Claudesh.runProgram(MCPFixtures.venv + "/bin/python", ["-c", script, Claudesh.binary, "gateway"],
                                             environment: Claudesh.environment(home: home, extra: secrets.environment))
        guard let order = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]], order.count == 2 else {
            Issue.record("\(result.stdout) \(result.stderr)")
            return
        }
        #expect(order[0]["id"] as? Int == 11 && order[0]["text"] as? String == "42", "the quick call first: \(order)")
        #expect((order[0]["after"] as? Double ?? 99) < 3, "not behind the slow one: \(order)")
        #expect(order[1]["id"] as? Int == 10 && (order[1]["after"] as? Double ?? 0) >= 4, "the slow one in its own time: \(order)")
    }

    @Test func aHangingCallCostsItsTimeoutAndAClientThatLeavesCancelsItsCall() throws {
        defer { secrets.stop() }
        try secrets.makeKeyAndStore()
        _ = try setUpBackends()
        let cancellations = home + "/cancelled.log"
        // The full server again, telling of each cancellation it is told of.
        MCPFixtures.writeConfig(desktopConfig, [
            ("time", "{\"command\": \"\(MCPFixtures.timeServer)\"}"),
            ("full", "{\"command\": \"\(MCPFixtures.venv)/bin/python\", \"args\": [\"\(MCPFixtures.fullScript)\", \"stdio\", \"--log\", \"\(cancellations)\"]}"),
        ])
        let started = Date()
        let result = try Claudesh.runProgram(MCPFixtures.venv + "/bin/python", [Self.client, "legacy", "stdio", "call:full_slow:{\"seconds\": 30}",
                                                                              "call:time_get_current_time:{\"timezone\":\"UTC\"}", "call:full_add:{\"a\": 1, \"b\": 2}",
                                                                              "--", Claudesh.binary, "gateway"],
                                             environment: Claudesh.environment(home: home, extra: secrets.environment.merging(["MCP_TOOL_TIMEOUT": "2000"]) { $1 }))
        let elapsed = Date().timeIntervalSince(started)
        let lines = result.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        guard lines.count == 4 else {
            Issue.record("\(result.stdout) \(result.stderr)")
            return
        }
        let hung = lines[1]["value"] as? [String: Any]
        #expect(hung?["isError"] as? Bool == true && Self.text(lines[1]).contains("timed out after 2"), "\(lines[1])")
        #expect(Self.text(lines[2]).contains("UTC"), "the other backend answers: \(lines[2])")
        #expect(Self.text(lines[3]).contains("3"), "the backend that hung answers the next call: \(lines[3])")
        #expect(elapsed < 25, "the hung call cost its 2 s, not its 30: \(elapsed) s")
        #expect(((try? String(contentsOfFile: cancellations, encoding: .utf8)) ?? "").contains("cancelled slow"), "the backend was told")

        // Over HTTP, a client that hangs up mid-call: the backend is told to stop.
        try? FileManager.default.removeItem(atPath: cancellations)
        let (token, process, port) = try tokenAndListener()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let script = """
        import sys, httpx2
        body = '{"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": "full_slow", "arguments": {"seconds": 20}}}'
        try:
            httpx2.post(sys.argv[1], content=body, headers={"Authorization": "Bearer " + sys.argv[2]}, timeout=3)
            print("answered")
        except httpx2.TimeoutException:
            print("hung up")
        """
        let hungUp = try Claudesh.runProgram(MCPFixtures.venv + "/bin/python", ["-c", script, "http://127.0.0.1:\(port)/mcp", token], environment: ProcessInfo.processInfo.environment)
        #expect(hungUp.stdout.contains("hung up"), "\(hungUp.stdout) \(hungUp.stderr)")
        var told = false
        for _ in 0..<50 where !told {
            told = ((try? String(contentsOfFile: cancellations, encoding: .utf8)) ?? "").contains("cancelled slow")
            if !told { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(told, "the call of a client that left was cancelled at its backend")
    }

    @Test func aToolToHideCompletesFromItsServerAndOneToOfferFromWhatIsHidden() throws {
        defer { secrets.stop() }
        _ = try setUpBackends()
        let terminal = try PseudoTerminal([Claudesh.binary], environment: Claudesh.environment(home: home, extra: secrets.environment), columns: 160)
        try terminal.expect("claudesh> ")
        terminal.send("gateway tools disable time conv\t")
        try terminal.expect("convert_time ") // listed by mcp-server-time, started for TAB
        terminal.send("\r")
        try terminal.expect("neither lists nor calls time's convert_time")
        try terminal.expect("claudesh> ")
        terminal.send("gateway tools enable time \t")
        try terminal.expect("convert_time ") // the one it hides
        terminal.send("\r")
        try terminal.expect("offers time's convert_time again")
        try terminal.expect("claudesh> ")
        terminal.send("exit\r")
    }

    @Test func theProfileIsEditedWithClearErrors() throws {
        defer { secrets.stop() }
        _ = try setUpBackends()
        let again = try run(["gateway", "add", "time"])
        #expect(again.status == 2 && again.stderr.contains("already"), "\(again.stderr)")
        let unknown = try run(["gateway", "add", "nope"])
        #expect(unknown.status != 0 && unknown.stderr.contains("nope"), "\(unknown.stderr)")
        // An entry that starts a gateway, however its command line is written, is not a backend.
        let gateway = "{\"command\": \"\(Claudesh.binary)\", \"args\": [\"-c\", \"set mcp-result-limit 8\", \"-c\", \"gateway\"]}"
        let config = try String(contentsOfFile: desktopConfig, encoding: .utf8)
        try config.replacingOccurrences(of: "\"mcpServers\": {", with: "\"mcpServers\": {\n    \"loop\": \(gateway),").write(toFile: desktopConfig, atomically: true, encoding: .utf8)
        let itself = try run(["gateway", "add", "loop"])
        #expect(itself.status == 2 && itself.stderr.contains("does not front itself"), "\(itself.stderr)")
        let nested = try Claudesh.run(["gateway"], home: home, input: "", extra: secrets.environment.merging(["CLAUDESH_GATEWAY": "1"]) { $1 })
        #expect(nested.status == 1 && nested.stderr.contains("started by another gateway"), "\(nested.stderr)")
        let badBackend = try run(["gateway", "tools", "disable", "tmie", "x"])
        #expect(badBackend.status == 2 && badBackend.stderr.contains("did you mean time"), "\(badBackend.stderr)")
        // A tool's name is checked against the tools its server lists; nothing is written for a wrong one.
        let profileFile = home + "/.claude/gateway.json"
        let before = try String(contentsOfFile: profileFile, encoding: .utf8)
        let badTool = try run(["gateway", "tools", "disable", "time", "convert_tme"])
        #expect(badTool.status == 2 && badTool.stderr.contains("time has no tool convert_tme (did you mean convert_time?)")
                && badTool.stderr.contains("get_current_time"), "\(badTool.stderr)")
        let notHidden = try run(["gateway", "tools", "enable", "time", "get_current_time"])
        #expect(notHidden.status == 2 && notHidden.stderr.contains("time's get_current_time is not hidden (it hides none)"), "\(notHidden.stderr)")
        #expect(try String(contentsOfFile: profileFile, encoding: .utf8) == before, "nothing written")
        #expect(try run(["gateway", "tools", "disable", "time", "convert_time"]).status == 0)
        let typo = try run(["gateway", "tools", "enable", "time", "convert_tme"])
        #expect(typo.status == 2 && typo.stderr.contains("did you mean convert_time?"), "\(typo.stderr)")
        // A server that cannot be started cannot list its tools: the name is taken, and that said.
        try config.replacingOccurrences(of: "\"mcpServers\": {", with: "\"mcpServers\": {\n    \"gone\": {\"command\": \"/nonexistent/server\"},")
            .write(toFile: desktopConfig, atomically: true, encoding: .utf8)
        #expect(try run(["gateway", "add", "gone"]).status == 0)
        let unchecked = try run(["gateway", "tools", "disable", "gone", "anything"])
        #expect(unchecked.status == 0 && unchecked.stderr.contains("gone's tools could not be listed to check the name"), "\(unchecked.stderr)")
        #expect(try run(["gateway", "remove", "gone"]).status == 0)
        let listed = try run(["gateway", "list", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any]
        let backends = object?["backends"] as? [[String: Any]] ?? []
        #expect(backends.map { $0["backend"] as? String } == ["time", "git", "full"], "\(listed.stdout)")
        #expect(backends.allSatisfy { $0["kind"] as? String == "entry" }, "\(listed.stdout)")
        #expect(backends.first?["disabledTools"] as? [String] == ["convert_time"])
        #expect(try run(["gateway", "remove", "git"]).status == 0)
        let removed = try run(["gateway", "remove", "git"])
        #expect(removed.status == 2, "\(removed.stderr)")
        let onTerminalless = try run(["gateway", "list"])
        #expect(onTerminalless.stdout.contains("time") && !onTerminalless.stdout.contains("git "), "\(onTerminalless.stdout)")
    }
}

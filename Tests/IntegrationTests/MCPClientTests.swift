import Foundation
import Testing

/// Servers used, not only reached: tools listed as signatures and called with arguments typed
/// from their schemas, resources read, prompts got, over stdio and streamable HTTP, in both
/// eras; real servers from PyPI and the suite's own (`mcp_full_server.py`, on the SDK 2.x and
/// on the SDK 1.x).
@Suite
struct MCPClientTests {
    let home = Claudesh.temporaryFolder("claudesh-client")
    var config: String { home + "/claude_desktop_config.json" }

    func run(_ arguments: [String], extra: [String: String] = [:]) throws -> Claudesh.Result {
        try Claudesh.run(arguments + ["--config", config], home: home, extra: extra)
    }

    @Test func timeServerToolsAreSignaturesAndCallsAreTypedCheckedAndReportedInBothEras() throws {
        defer { Claudesh.cleanUp(home) }
        MCPFixtures.writeConfig(config, [
            ("time", "{\"command\": \"\(MCPFixtures.timeServer)\"}"),
            ("time-1x", "{\"command\": \"\(MCPFixtures.legacyTimeServer)\"}"),
        ])
        for server in ["time", "time-1x"] {
            let tools = try run(["mcp", "tools", server])
            #expect(tools.status == 0, "\(server): \(tools.stderr)")
            #expect(tools.stdout.contains("get_current_time(timezone: string)"), "\(server): \(tools.stdout)")
            #expect(tools.stdout.contains("convert_time(source_timezone: string, time: string, target_timezone: string)"))

            let call = try run(["mcp", "call", server, "get_current_time", "timezone=UTC"])
            #expect(call.status == 0, "\(server): \(call.stderr)")
            #expect(call.stdout.contains("\"timezone\": \"UTC\"") && call.stdout.contains("datetime"), "\(server): \(call.stdout)")

            // The server's own error: isError, exit 1, its text.
            let bad = try run(["mcp", "call", server, "get_current_time", "timezone=Nowhere/Atlantis"])
            #expect(bad.status == 1)
            // Its text (the release on the SDK 1.x words it badly, but it is the server's).
            #expect(bad.stderr.contains("reported an error: Error"), "\(server): \(bad.stderr)")

            // Checked before anything is sent: exit 2, one line naming the argument.
            let missing = try run(["mcp", "call", server, "get_current_time"])
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("missing required argument timezone"), "\(missing.stderr)")
            let unknown = try run(["mcp", "call", server, "get_current_time", "timezon=UTC"])
            #expect(unknown.status == 2)
            #expect(unknown.stderr.contains("has no argument timezon (did you mean timezone?)"), "\(unknown.stderr)")
            let noTool = try run(["mcp", "call", server, "get_time"])
            #expect(noTool.status == 2)
            #expect(noTool.stderr.contains("has no tool get_time"), "\(noTool.stderr)")
        }

        // --json: the result as the server sent it.
        let json = try run(["mcp", "call", "time", "convert_time", "--args", "{\"source_timezone\": \"UTC\", \"time\": \"12:00\", \"target_timezone\": \"Asia/Tokyo\"}", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let result = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let content = result?["content"] as? [[String: Any]]
        #expect(content?.first?["type"] as? String == "text")
        #expect((content?.first?["text"] as? String)?.contains("Asia/Tokyo") == true)
    }

    @Test func gitServerCallsOnARealRepository() throws {
        defer { Claudesh.cleanUp(home) }
        let repository = try MCPFixtures.gitRepository(at: home + "/repo")
        MCPFixtures.writeConfig(config, [("git", "{\"command\": \"\(MCPFixtures.venv)/bin/mcp-server-git\", \"args\": [\"--repository\", \"\(repository)\"]}")])

        let status = try run(["mcp", "call", "git", "git_status", "repo_path=\(repository)"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("draft.txt"), "\(status.stdout)")
        let log = try run(["mcp", "call", "git", "git_log", "repo_path=\(repository)", "max_count=1"])
        #expect(log.status == 0, "\(log.stderr)")
        #expect(log.stdout.contains("First notes"), "\(log.stdout)")
        // max_count is an integer in the schema: a word is refused before the call.
        let typed = try run(["mcp", "call", "git", "git_log", "repo_path=\(repository)", "max_count=many"])
        #expect(typed.status == 2)
        #expect(typed.stderr.contains("max_count: expected an integer, got \"many\""), "\(typed.stderr)")
    }

    @Test func fetchServerFetchesFromAServerOfTheTest() throws {
        defer { Claudesh.cleanUp(home) }
        let site = home + "/site"
        try FileManager.default.createDirectory(atPath: site, withIntermediateDirectories: true)
        try "<html><body><p>claudesh fetched this page</p></body></html>".write(toFile: site + "/page.html", atomically: true, encoding: .utf8)
        let port = try freePort()
        let web = Process()
        web.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        web.arguments = ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", site]
        web.standardOutput = FileHandle.nullDevice
        web.standardError = FileHandle.nullDevice
        try web.run()
        defer { kill(web.processIdentifier, SIGKILL); web.waitUntilExit() } // SIGTERM may be blocked in what a test starts
        #expect(waitUntilListening(port, web, tries: 100))
        MCPFixtures.writeConfig(config, [("fetch", "{\"command\": \"\(MCPFixtures.venv)/bin/mcp-server-fetch\", \"args\": [\"--ignore-robots-txt\", \"--allow-private-ips\"]}")])
        let tools = try run(["mcp", "tools", "fetch"])
        #expect(tools.stdout.contains("fetch(url: string, max_length?: integer, start_index?: integer, raw?: boolean)"), "\(tools.stdout)")
        #expect(tools.stdout.contains("read-only"))
        let fetched = try run(["mcp", "call", "fetch", "fetch", "url=http://127.0.0.1:\(port)/page.html", "raw=true", "--timeout", "30"])
        #expect(fetched.status == 0, "\(fetched.stderr)")
        #expect(fetched.stdout.contains("claudesh fetched this page"), "\(fetched.stdout)")
    }

    /// The suite's full server on both SDKs over both transports: four servers, two eras.
    /// The suite's full server in the config four ways: `modern-stdio` and `modern-http` on the
    /// SDK 2.x (both eras), `legacy-stdio` and `legacy-http` on the SDK 1.x; the HTTP ones, to stop.
    func writeFullServers() throws -> [HTTPFixture] {
        let legacyPython = MCPFixtures.legacyVenv + "/bin/python"
        let modernHTTP = try HTTPFixture("http", script: MCPFixtures.fullScript)
        let legacyHTTP: HTTPFixture
        do { legacyHTTP = try HTTPFixture("http", script: MCPFixtures.fullScript, python: legacyPython) } catch {
            modernHTTP.stop()
            throw error
        }
        MCPFixtures.writeConfig(config, [
            ("modern-stdio", MCPFixtures.python(MCPFixtures.fullScript, ["stdio"])),
            ("legacy-stdio", MCPFixtures.python(MCPFixtures.fullScript, ["stdio"], python: legacyPython)),
            ("modern-http", MCPFixtures.remote("\(modernHTTP.url)/mcp")),
            ("legacy-http", MCPFixtures.remote("\(legacyHTTP.url)/mcp")),
        ])
        return [modernHTTP, legacyHTTP]
    }

    @Test func toolsResourcesAndPromptsOfAFullServerOverStdioAndHTTPInBothEras() throws {
        defer { Claudesh.cleanUp(home) }
        let fixtures = try writeFullServers()
        defer { fixtures.forEach { $0.stop() } }
        for (server, era) in [("modern-stdio", "modern"), ("legacy-stdio", "legacy"), ("modern-http", "modern"), ("legacy-http", "legacy")] {
            let connect = try run(["mcp", "connect", server, "--json"])
            #expect(connect.status == 0, "\(server): \(connect.stderr)")
            #expect(connect.stdout.contains("\"era\": \"\(era)\""), "\(server): \(connect.stdout)")

            let tools = try run(["mcp", "tools", server])
            #expect(tools.stdout.contains("greet(name: string, style?: \"plain\"|\"loud\", times?: integer, polite?: boolean)"), "\(server): \(tools.stdout)")
            let add = try run(["mcp", "call", server, "add", "a=2", "b=40"])
            #expect(add.status == 0 && add.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "42", "\(server): \(add.stdout) \(add.stderr)")
            let greet = try run(["mcp", "call", server, "greet", "name=Ann", "style=loud", "times=2", "polite=true"])
            #expect(greet.stdout.contains("PLEASE, HELLO ANN\nPLEASE, HELLO ANN"), "\(server): \(greet.stdout) \(greet.stderr)")
            let list = try run(["mcp", "call", server, "tags", "items=[\"a\",\"b\"]", "meta={\"x\": 1}"])
            #expect(list.stdout.contains("a,b [('x', 1)]"), "\(server): \(list.stdout) \(list.stderr)")
            // Mirrored into Mcp-Param-Region over modern HTTP, which that server checks (base64 for ü).
            let located = try run(["mcp", "call", server, "locate", "region=zürich"])
            #expect(located.stdout.contains("region zürich"), "\(server): \(located.stdout) \(located.stderr)")
            let notListed = try run(["mcp", "call", server, "greet", "name=Ann", "style=quiet"])
            #expect(notListed.status == 2)
            #expect(notListed.stderr.contains("style: \"quiet\" is not one of \"plain\", \"loud\""), "\(notListed.stderr)")
            let notBoolean = try run(["mcp", "call", server, "greet", "name=Ann", "polite=maybe"])
            #expect(notBoolean.status == 2)
            #expect(notBoolean.stderr.contains("polite: expected true or false"), "\(notBoolean.stderr)")
            let failed = try run(["mcp", "call", server, "fail", "reason=no"])
            #expect(failed.status == 1)
            #expect(failed.stderr.contains("reported an error"), "\(server): \(failed.stderr)")

            // An image is saved, and the path printed.
            let pixel = try run(["mcp", "call", server, "pixel"])
            #expect(pixel.status == 0, "\(server): \(pixel.stderr)")
            let saved = pixel.stdout.components(separatedBy: "saved to ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            #expect(saved.hasPrefix(home + "/.claude/outputs/\(server)-pixel-"), "\(pixel.stdout)")
            let png = FileManager.default.contents(atPath: saved) ?? Data()
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(server): a PNG at \(saved)")

            let resources = try run(["mcp", "resources", server])
            #expect(resources.stdout.contains("config://app") && resources.stdout.contains("greeting://{name}"), "\(server): \(resources.stdout) \(resources.stderr)")
            let read = try run(["mcp", "read", server, "greeting://bob"])
            #expect(read.stdout.contains("Hello, bob!"), "\(server): \(read.stdout) \(read.stderr)")
            let prompts = try run(["mcp", "prompts", server])
            #expect(prompts.stdout.contains("review(code, style?)"), "\(server): \(prompts.stdout)")
            let prompt = try run(["mcp", "prompt", server, "review", "code=print(1)", "style=detailed"])
            #expect(prompt.stdout.contains("Review this code (detailed):\nprint(1)"), "\(server): \(prompt.stdout) \(prompt.stderr)")
            let noCode = try run(["mcp", "prompt", server, "review"])
            #expect(noCode.status == 2)
            #expect(noCode.stderr.contains("missing required argument code"), "\(noCode.stderr)")
        }
    }

    /// A handshake-era server that asks the client something in the middle of a call (here an
    /// elicitation, which claudesh declines) waits for that answer before it answers the call;
    /// over streamable HTTP the request comes on the call's open stream, so the answer must go
    /// out while that stream is still being read.
    @Test func aServersOwnRequestDuringACallIsAnsweredWhileTheCallRuns() throws {
        defer { Claudesh.cleanUp(home) }
        let fixtures = try writeFullServers()
        defer { fixtures.forEach { $0.stop() } }
        // modern-http is the SDK 2.x server, spoken to in the handshake era here.
        for server in ["legacy-stdio", "legacy-http", "modern-http"] {
            let asked = try run(["mcp", "call", server, "ask", "--protocol", "legacy", "--timeout", "20"])
            #expect(asked.status == 0, "\(server): \(asked.stderr)")
            #expect(asked.stdout.contains("declined: claudesh does not offer elicitation/create"), "\(server): \(asked.stdout) \(asked.stderr)")
        }
    }

    @Test(arguments: ["never-calls", "wrong-id"])
    func aCallThatIsNeverAnsweredCostsItsTimeoutAndLeavesNothingRunning(mode: String) throws {
        defer { Claudesh.cleanUp(home) }
        let marker = "CLAUDESH_CALL_HANG_\(getpid())_\(UInt32.random(in: 0..<UInt32.max))"
        MCPFixtures.writeConfig(config, [
            ("never", "{\"command\": \"/usr/bin/python3\", \"args\": [\"\(MCPFixtures.eraScript)\", \"\(mode)\"], \"env\": {\"MARKER\": \"\(marker)\"}}"),
            ("answers", "{\"command\": \"/usr/bin/python3\", \"args\": [\"\(MCPFixtures.eraScript)\", \"modern\"]}"),
        ])
        let start = Date()
        let result = try run(["mcp", "call", "never", "echo", "text=hi", "--timeout", "1"])
        let took = Date().timeIntervalSince(start)
        #expect(result.status == 1)
        #expect(result.stderr.contains("tools/call timed out after 1 s and was cancelled"), "\(result.stderr)")
        #expect(took < 8, "the call's timeout, then the shutdown: \(took) s")
        #expect(MCPFixtures.processes(marked: marker).isEmpty)
        // The same server that answers under the right id is answered.
        let answered = try run(["mcp", "call", "answers", "echo", "text=hi"])
        #expect(answered.status == 0 && answered.stdout == "hi\n", "\(answered.stdout) \(answered.stderr)")
    }

    @Test func aResultOverTheLimitIsRefusedAndTheSettingRaisesIt() throws {
        defer { Claudesh.cleanUp(home) }
        MCPFixtures.writeConfig(config, [("big", "{\"command\": \"/usr/bin/python3\", \"args\": [\"\(MCPFixtures.eraScript)\", \"huge-result\"]}")])
        let refused = try Claudesh.run(["-c", "set mcp-result-limit 1", "-c", "mcp call big echo text=x --config \(config)"], home: home)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("a message over 1 MiB"), "\(refused.stderr)")
        // The default, 16 MiB, reads it.
        let read = try run(["mcp", "call", "big", "echo", "text=x"])
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.stdout.count == (2 << 20) + 1)
        let bad = try Claudesh.run(["-c", "set mcp-result-limit 0"], home: home)
        #expect(bad.status == 2 || bad.status == 1)
        #expect(bad.stderr.contains("is not a number of MiB from 1 to 1024"), "\(bad.stderr)")
    }

    @Test func whatAServerSaysOfItsEntrysValuesIsMaskedInAFailure() throws {
        defer { Claudesh.cleanUp(home) }
        let token = "literal-value-\(UInt32.random(in: 100_000..<999_999))-kept-here"
        MCPFixtures.writeConfig(config, [("talker", "{\"command\": \"/bin/sh\", \"args\": [\"-c\", \"echo starting with token $MYTOKEN; sleep 5\"], \"env\": {\"MYTOKEN\": \"\(token)\"}}")])
        let result = try run(["mcp", "call", "talker", "anything"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("not an MCP server"), "\(result.stderr)")
        #expect(!result.stderr.contains(token) && !result.stdout.contains(token))
        #expect(!result.stderr.contains("literal-value-"), "not even its start: \(result.stderr)")
    }

    @Test func aRequestTheServerStopsReadingGivesUpAtItsTimeoutAndEndsTheServer() throws {
        defer { Claudesh.cleanUp(home) }
        let marker = "CLAUDESH_STOPS_READING_\(getpid())_\(UInt32.random(in: 0..<UInt32.max))"
        MCPFixtures.writeConfig(config, [("deaf", "{\"command\": \"/usr/bin/python3\", \"args\": [\"\(MCPFixtures.eraScript)\", \"stops-reading\"], \"env\": {\"MARKER\": \"\(marker)\"}}")])
        // More than a pipe holds (64 KiB): the write blocks on a server that reads no more.
        let start = Date()
        let result = try run(["mcp", "call", "deaf", "echo", "text=" + String(repeating: "x", count: 120_000), "--timeout", "1"])
        let took = Date().timeIntervalSince(start)
        #expect(result.status == 1)
        #expect(result.stderr.contains("timed out after 1 s"), "\(result.stderr)")
        #expect(took < 10, "its timeout and a second for the write, then the end: \(took) s")
        #expect(MCPFixtures.processes(marked: marker).isEmpty)
    }
}

import Foundation
import Testing

/// mcp add, add-json, list, get, remove, import and good, on real files.
@Suite
struct MCPConfigCommandTests {
    let home = Claudesh.temporaryFolder("claudesh-mcpconfig")
    var config: String { home + "/.claude.json" }

    /// `mcp ARGUMENTS --config FILE`, the flag before a `--` so it is not taken for the command's.
    func mcp(_ arguments: [String], extra: [String: String] = [:]) throws -> Claudesh.Result {
        var words = arguments
        words.insert(contentsOf: ["--config", config], at: words.firstIndex(of: "--") ?? words.endIndex)
        return try Claudesh.run(["mcp"] + words, home: home, extra: extra)
    }

    func document() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: config))) as! [String: Any]
    }

    @Test func addListGetRemoveRoundTripKeepsUnknownKeysAndNeverShowsValues() throws {
        defer { Claudesh.cleanUp(home) }
        _ = FileManager.default.createFile(atPath: config, contents: Data(#"{"numStartups": 12, "projects": {"/x": {"allowedTools": []}}}"#.utf8))
        chmod(config, 0o640)
        let token = "ghp_0123456789abcdefghijABCDEFGHIJ012345"
        var result = try mcp(["add", "github", "--env", "GITHUB_TOKEN=\(token)", "--env", "LOG=${LOG_LEVEL:-info}", "--", "npx", "-y", "@modelcontextprotocol/server-github"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "Added stdio server 'github' in \(config)\n")
        result = try mcp(["add", "docs", "--transport", "http", "https://mcp.example.com/mcp", "--header", "Authorization: Bearer \(token)"])
        #expect(result.status == 0, "\(result.stderr)")

        let saved = try document()
        #expect(saved["numStartups"] as? Int == 12)
        #expect(saved["projects"] != nil)
        let servers = saved["mcpServers"] as! [String: [String: Any]]
        #expect(servers["github"]?["command"] as? String == "npx")
        #expect(servers["github"]?["args"] as? [String] == ["-y", "@modelcontextprotocol/server-github"])
        #expect((servers["github"]?["env"] as? [String: String])?["LOG"] == "${LOG_LEVEL:-info}")
        #expect(servers["docs"]?["type"] as? String == "http")
        #expect((servers["docs"]?["headers"] as? [String: String])?["Authorization"] == "Bearer \(token)")
        var mode = stat()
        stat(config, &mode)
        #expect(mode.st_mode & 0o777 == 0o640, "the file keeps its mode")

        let list = try mcp(["list"])
        #expect(list.stdout.contains("github") && list.stdout.contains("GITHUB_TOKEN, LOG") && list.stdout.contains("Authorization"))
        let get = try mcp(["get", "github"])
        #expect(get.stdout.contains("GITHUB_TOKEN=ghp_…45") && get.stdout.contains("LOG=${LOG_LEVEL:-••••}"))
        let getJSON = try mcp(["get", "docs", "--json"])
        for output in [list.stdout, get.stdout, getJSON.stdout] { #expect(!output.contains(token)) }

        result = try mcp(["remove", "githb"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no server named 'githb'") && result.stderr.contains("did you mean 'github'?"))
        result = try mcp(["remove", "github"])
        #expect(result.status == 0)
        #expect((try document()["mcpServers"] as! [String: Any]).keys.sorted() == ["docs"])
    }

    @Test func aFlagValueOfTheWrongShapeIsAUsageErrorNamingTheFlag() throws {
        defer { Claudesh.cleanUp(home) }
        let env = try mcp(["add", "x", "--env", "FOO", "--", "cmd"])
        #expect(env.status == 2, "\(env.stderr)")
        #expect(env.stderr.contains("--env needs KEY=VALUE, got 'FOO'"), "\(env.stderr)")
        #expect(!env.stderr.contains("server '--env'"))
        let secret = try mcp(["add", "x", "--secret", "FOO", "--", "cmd"])
        #expect(secret.status == 2, "\(secret.stderr)")
        #expect(secret.stderr.contains("--secret needs ENV=SECRET (e.g. GITHUB_TOKEN=claude/github-token), got 'FOO'"), "\(secret.stderr)")
        let header = try mcp(["add", "x", "--transport", "http", "https://mcp.example.com/mcp", "--header", "NoColon"])
        #expect(header.status == 2, "\(header.stderr)")
        #expect(header.stderr.contains("--header needs 'Name: value', got 'NoColon'"), "\(header.stderr)")
        #expect(!FileManager.default.fileExists(atPath: config))
    }

    @Test func aTokenGivenWithEnvIsWrittenWithAWarningThatShowsTheSecretForm() throws {
        defer { Claudesh.cleanUp(home) }
        let token = "ghp_0123456789abcdefghijABCDEFGHIJ012345"
        let random = "Zq8vN2kLp4Xw9RtY7mBc3HsD6fGj1QaE"
        let result = try mcp(["add", "github", "--env", "GITHUB_TOKEN=\(token)", "--env", "SIGNING=\(random)", "--env", "LOG=${LOG_LEVEL:-info}", "--env", "OTHER_TOKEN=${OTHER_TOKEN}", "--", "npx", "-y", "server-github"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("warning: --env GITHUB_TOKEN looks like a GitHub"), "\(result.stderr)")
        #expect(result.stderr.contains("secrets insert claude/github/GITHUB_TOKEN"))
        #expect(result.stderr.contains("mcp add github --secret GITHUB_TOKEN=claude/github/GITHUB_TOKEN -- npx -y server-github"))
        #expect(result.stderr.contains("warning: --env SIGNING looks like a high-entropy value"), "\(result.stderr)")
        #expect(!result.stderr.contains("--env LOG") && !result.stderr.contains("--env OTHER_TOKEN"), "\(result.stderr)")
        for secret in [token, random, String(token.dropFirst(4).prefix(12)), String(random.prefix(12))] {
            #expect(!result.stderr.contains(secret) && !result.stdout.contains(secret))
        }
        // Still written, as asked.
        let environment = (try document()["mcpServers"] as! [String: [String: Any]])["github"]?["env"] as? [String: String]
        #expect(environment?["GITHUB_TOKEN"] == token)
        #expect(environment?["SIGNING"] == random)
    }

    @Test func addingANameTwiceWithAnotherEntryFailsAndChangesNothing() throws {
        defer { Claudesh.cleanUp(home) }
        #expect(try mcp(["add", "time", "--", "uvx", "mcp-server-time"]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: config))
        let again = try mcp(["add", "time", "--", "other"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("a server named 'time' is already in"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: config)) == before)
        // The very same entry again is done already, not an error (an installer run twice).
        let same = try mcp(["add", "time", "--", "uvx", "mcp-server-time"])
        #expect(same.status == 0 && same.stdout.contains("Already done: 'time' is in"), "\(same.stdout)\(same.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: config)) == before)
        // Also when an editor has put the entry's keys in another order.
        try #"{"mcpServers": {"time": {"args": ["mcp-server-time"], "command": "uvx"}}}"#.write(toFile: config, atomically: false, encoding: .utf8)
        let reordered = try mcp(["add", "time", "--", "uvx", "mcp-server-time"])
        #expect(reordered.status == 0 && reordered.stdout.contains("Already done"), "\(reordered.stdout)\(reordered.stderr)")
    }

    @Test func malformedConfigAndJSONAreReportedWithLineAndColumnAndNothingIsWritten() throws {
        defer { Claudesh.cleanUp(home) }
        let broken = "{\n  \"mcpServers\": {\n    \"a\": {\"command\": \"x\",}\n  }\n}\n"
        _ = FileManager.default.createFile(atPath: config, contents: Data(broken.utf8))
        let add = try mcp(["add", "time", "--", "uvx", "mcp-server-time"])
        #expect(add.status == 1)
        #expect(add.stderr.contains("\(config):3:"), "\(add.stderr)")
        #expect(add.stderr.contains("(the file was not changed)"))
        #expect(try String(contentsOfFile: config, encoding: .utf8) == broken)

        try FileManager.default.removeItem(atPath: config)
        let json = try mcp(["add-json", "time", #"{"command": "uvx", "args": ["mcp-server-time"}"#])
        #expect(json.status == 2)
        #expect(json.stderr.contains("JSON:1:"), "\(json.stderr)")
        #expect(!FileManager.default.fileExists(atPath: config))
        let invalid = try mcp(["add-json", "time", #"{"args": []}"#])
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains("neither a \"command\""))
        #expect(try mcp(["add-json", "time", #"{"command": "uvx", "args": ["mcp-server-time"]}"#]).status == 0)
    }

    @Test func dryRunSaysWhatWouldChangeAndWritesNothing() throws {
        defer { Claudesh.cleanUp(home) }
        let result = try Claudesh.run(["--dry-run", "mcp", "add", "time", "--config", config, "--", "uvx", "mcp-server-time"], home: home)
        #expect(result.status == 0)
        #expect(result.stdout == "would add stdio server 'time' in \(config) (not written)\n", "\(result.stdout)")
        #expect(!FileManager.default.fileExists(atPath: config))
    }

    @Test func importCopiesNewServersAndReportsClashesWithoutOverwriting() throws {
        defer { Claudesh.cleanUp(home) }
        let desktop = home + "/desktop.json"
        MCPFixtures.writeConfig(desktop, [("time", #"{"command": "uvx", "args": ["mcp-server-time"]}"#), ("memory", #"{"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"]}"#), ("same", #"{"command": "same"}"#)])
        MCPFixtures.writeConfig(config, [("time", #"{"command": "my-own-time"}"#), ("same", #"{"command": "same"}"#)])
        let result = try Claudesh.run(["mcp", "import", "--from", desktop, "--to", config], home: home)
        #expect(result.status == 1)
        #expect(result.stdout.contains("Imported 1 server (memory)"))
        #expect(result.stdout.contains("Already there, unchanged: same"))
        #expect(result.stderr.contains("'time' is already in \(config) with a different entry"))
        let servers = try document()["mcpServers"] as! [String: [String: Any]]
        #expect(servers["time"]?["command"] as? String == "my-own-time")
        #expect(servers["memory"]?["command"] as? String == "npx")
    }

    @Test func goodRestorePutsBackTheLastGoodConfigAndKeepsTheBrokenOne() throws {
        defer { Claudesh.cleanUp(home) }
        MCPFixtures.writeConfig(config, [("ok", MCPFixtures.stdio("instant"))])
        let good = try String(contentsOfFile: config, encoding: .utf8)
        #expect(try mcp(["check"]).status == 0)
        let broken = "{ \"mcpServers\": { \"ok\": "
        _ = FileManager.default.createFile(atPath: config, contents: Data(broken.utf8))
        #expect(try mcp(["check"]).status == 1)
        let restore = try mcp(["good", "restore"])
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(try String(contentsOfFile: config, encoding: .utf8) == good)
        let kept = try keptCopies()
        try #require(kept.count == 1, "\(kept)")
        #expect(restore.stdout.contains("the previous file is \(home)/\(kept[0])"), "\(restore.stdout)")
        #expect(try String(contentsOfFile: home + "/" + kept[0], encoding: .utf8) == broken)
        #expect(try mcp(["check"]).status == 0)

        // A second restore keeps the file it replaces under a name of its own: the first stays.
        let second = "{ \"mcpServers\": {} "
        _ = FileManager.default.createFile(atPath: config, contents: Data(second.utf8))
        #expect(try mcp(["good", "restore"]).status == 0)
        let both = try keptCopies()
        #expect(both.count == 2, "\(both)")
        #expect(Set(try both.map { try String(contentsOfFile: home + "/" + $0, encoding: .utf8) }) == [broken, second])
    }

    /// The files `mcp good restore` kept beside the config, by name.
    func keptCopies() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: home).filter { $0.hasPrefix(".claude.json.before-restore.") }.sorted()
    }

    @Test func serverNamesCompleteForTheShellCompletionScripts() throws {
        defer { Claudesh.cleanUp(home) }
        let desktop = home + "/.config/Claude/claude_desktop_config.json"
        try FileManager.default.createDirectory(atPath: home + "/.config/Claude", withIntermediateDirectories: true)
        MCPFixtures.writeConfig(desktop, [("time", #"{"command": "t"}"#), ("github", #"{"command": "g"}"#), ("gitlab", #"{"command": "l"}"#)])
        let result = try Claudesh.run(["__complete", "mcp", "check", "git"], home: home)
        #expect(result.stdout.split(separator: "\n").sorted() == ["github", "gitlab"])
        let remove = try Claudesh.run(["__complete", "mcp", "remove", ""], home: home)
        #expect(remove.stdout.split(separator: "\n").sorted() == ["github", "gitlab", "time"])
        // A --config earlier on the line is the file the names come from.
        MCPFixtures.writeConfig(config, [("grafana", #"{"command": "g"}"#)])
        let other = try Claudesh.run(["__complete", "mcp", "get", "--config", config, "g"], home: home)
        #expect(other.stdout == "grafana\n")
    }

    /// A dotfiles manager's link: the write lands in the file it leads to, and the link stays.
    @Test func aConfigBehindALinkIsWrittenThroughTheLinkAndALinkToNothingWritesNothing() throws {
        defer { Claudesh.cleanUp(home) }
        let real = home + "/dotfiles/claude/claude.json"
        try FileManager.default.createDirectory(atPath: home + "/dotfiles/claude", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: real, contents: Data(#"{"numStartups": 3}"#.utf8))
        chmod(real, 0o640)
        #expect(symlink("dotfiles/claude/claude.json", config) == 0)
        let added = try mcp(["add", "time", "--", "uvx", "mcp-server-time"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: config) == "dotfiles/claude/claude.json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: real))) as! [String: Any]
        #expect(object["numStartups"] as? Int == 3)
        #expect((object["mcpServers"] as? [String: Any])?.keys.sorted() == ["time"])
        var info = stat()
        stat(real, &info)
        #expect(info.st_mode & 0o777 == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: home + "/dotfiles/claude") == ["claude.json"])
        #expect(try mcp(["good", "save"]).status == 0)
        #expect(try mcp(["remove", "time"]).status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: config) == "dotfiles/claude/claude.json")
        // Putting the last known good back (as recover does) lands in the file the link leads to too.
        let restored = try mcp(["good", "restore"])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: config) == "dotfiles/claude/claude.json")
        #expect((try document()["mcpServers"] as? [String: Any])?.keys.sorted() == ["time"])
        #expect(try mcp(["remove", "time"]).status == 0)
        // The file the restore replaced is kept beside the link, under a name of its own.
        let kept = try FileManager.default.contentsOfDirectory(atPath: home).filter { $0.hasPrefix(".claude.json.before-restore.") }
        #expect(kept.count == 1, "\(kept)")
        for name in kept { try FileManager.default.removeItem(atPath: home + "/" + name) }

        // A link to a file that is gone: a clear error, the link left as it is, nothing made.
        try FileManager.default.removeItem(atPath: real)
        let dangling = try mcp(["add", "time", "--", "uvx", "mcp-server-time"])
        #expect(dangling.status == 1)
        #expect(dangling.stderr.contains("cannot write through the link \(config) (it leads to dotfiles/claude/claude.json, which is not there)"), "\(dangling.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: config) == "dotfiles/claude/claude.json")
        #expect(!FileManager.default.fileExists(atPath: real))
        #expect(try FileManager.default.contentsOfDirectory(atPath: home + "/dotfiles/claude") == [])
    }

    /// A client rewriting the file while claudesh edits it, taking the lock Claude Code takes
    /// (`FILE.lock`, a folder made with mkdir) and adding its own key each time: neither side's
    /// write is lost, and the file parses at every read.
    @Test func editsWhileAClientRewritesTheFileLoseNoWriteOfEitherSide() throws {
        defer { Claudesh.cleanUp(home) }
        MCPFixtures.writeConfig(config, [])
        let stop = home + "/stop"
        let writer = home + "/writer.py"
        try """
        import json, os, sys, time
        path, stop = sys.argv[1], sys.argv[2]
        counter, broken = 0, 0
        while not os.path.exists(stop):
            try:
                json.load(open(path))
            except ValueError:
                broken += 1
            try:
                os.mkdir(path + ".lock")
            except FileExistsError:
                time.sleep(0.001)
                continue
            try:
                with open(path) as f:
                    document = json.load(f)
                counter += 1
                document["counter"] = counter
                document.setdefault("projects", {})["/p/%d" % counter] = {"allowedTools": []}
                temporary = "%s.tmp.%d.%d" % (path, os.getpid(), counter)
                with open(temporary, "w") as f:
                    json.dump(document, f, indent=2)
                os.rename(temporary, path)
            finally:
                os.rmdir(path + ".lock")
            time.sleep(0.002)
        print(counter, broken)
        """.write(toFile: writer, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [writer, config, stop]
        let output = Pipe()
        process.standardOutput = output
        try process.run()

        var expected: [String] = []
        for round in 0..<30 {
            let added = try mcp(["add", "server-\(round)", "--", "cmd", "\(round)"])
            #expect(added.status == 0, "\(added.stderr)")
            expected.append("server-\(round)")
            if round % 3 == 2 {
                let removed = try mcp(["remove", "server-\(round - 1)"])
                #expect(removed.status == 0, "\(removed.stderr)")
                expected.removeAll { $0 == "server-\(round - 1)" }
            }
        }
        _ = FileManager.default.createFile(atPath: stop, contents: nil)
        process.waitUntilExit()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(said.count == 2)
        let (counter, broken) = (said.first ?? -1, said.last ?? -1)
        #expect(counter > 0, "the writer wrote")
        #expect(broken == 0, "the file parsed at every read")
        let document = try document()
        #expect(document["counter"] as? Int == counter, "the writer's last write is there")
        #expect((document["projects"] as? [String: Any])?.count == counter, "every write of the writer is there")
        #expect((document["mcpServers"] as? [String: Any])?.keys.sorted() == expected.sorted(), "every add is there unless removed")
        #expect(!FileManager.default.fileExists(atPath: config + ".lock"))
    }

    /// A writer killed at any instant leaves the old file or the new one, never a broken or missing one.
    @Test func aWriterKilledAtRandomMomentsNeverLeavesABrokenFile() throws {
        defer { Claudesh.cleanUp(home) }
        // A big file (as ~/.claude.json grows) so the kill often lands mid-write.
        let projects = (0..<20_000).map { "\"/project/\($0)\": {\"allowedTools\": [], \"history\": \"\(String(repeating: "x", count: 200))\"}" }
        _ = FileManager.default.createFile(atPath: config, contents: Data("{\"projects\": {\(projects.joined(separator: ","))}, \"mcpServers\": {}}\n".utf8))
        var killedMidway = 0
        for round in 0..<40 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Claudesh.binary)
            process.arguments = ["mcp", "add", "server-\(round)", "--config", config, "--", "cmd"]
            process.environment = Claudesh.environment(home: home)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 0...60_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal { killedMidway += 1 }
            let data = try Data(contentsOf: URL(fileURLWithPath: config))
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "round \(round)")
            #expect((object["projects"] as? [String: Any])?.count == 20_000)
        }
        #expect(killedMidway > 0, "no kill landed before the write finished")
    }
}

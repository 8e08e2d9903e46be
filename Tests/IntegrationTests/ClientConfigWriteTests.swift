import Foundation
import Testing

/// Client config files under hostile conditions: writers at once, duplicate keys, values the
/// parser cannot hold exactly, killed writers, read-only files.
@Suite
struct ClientConfigWriteTests {
    let home = Claudesh.temporaryFolder("claudesh-configwrite")

    /// The file `mcp add --config WORD` writes, with the working folder a project's.
    func file(of word: String) -> String {
        switch word {
        case "desktop": return home + "/.config/Claude/claude_desktop_config.json"
        case "user": return home + "/.claude.json"
        default: return home + "/project/.mcp.json"
        }
    }

    func serverNames(in path: String) throws -> [String] {
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        return ((document["mcpServers"] as? [String: Any]) ?? [:]).keys.sorted()
    }

    @Test func twentyConcurrentAddsAllLandInEachKindOfClientFile() throws {
        defer { Claudesh.cleanUp(home) }
        try FileManager.default.createDirectory(atPath: home + "/project", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: home + "/.config/Claude", withIntermediateDirectories: true)
        for word in ["desktop", "user", "project"] {
            try Data(#"{"numStartups": 3, "mcpServers": {}}"#.utf8).write(to: URL(fileURLWithPath: file(of: word)))
            let names = (0..<20).map { "server\($0)" }
            let processes = try names.map { name in
                let process = Process()
                process.executableURL = URL(fileURLWithPath: Claudesh.binary)
                process.arguments = ["mcp", "add", name, "--config", word, "--", "/bin/true"]
                process.environment = Claudesh.environment(home: home)
                process.currentDirectoryURL = URL(fileURLWithPath: home + "/project")
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                process.standardInput = FileHandle.nullDevice
                try process.run()
                return process
            }
            for process in processes { process.waitUntilExit() }
            #expect(processes.allSatisfy { $0.terminationStatus == 0 }, "\(word): \(processes.map { $0.terminationStatus })")
            #expect(try serverNames(in: file(of: word)) == names.sorted(), "\(word)")
        }
    }

    func bytes(of path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test func aFileWithMcpServersTwiceIsRefusedNamingBothPlacesAndIsNotChanged() throws {
        defer { Claudesh.cleanUp(home) }
        let path = file(of: "user")
        let original = Data("{\n  \"mcpServers\": {\n    \"a\": {\"command\": \"a\"}\n  },\n  \"numStartups\": 1,\n  \"mcpServers\": {\n    \"b\": {\"command\": \"b\"}\n  }\n}\n".utf8)
        try original.write(to: URL(fileURLWithPath: path))
        let result = try Claudesh.run(["mcp", "add", "c", "--config", "user", "--", "/bin/true"], home: home)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("\(path):2:3 and \(path):6:3: the key \"mcpServers\" is there twice"), "\(result.stderr)")
        #expect(try bytes(of: path) == original)

        let twice = Data("{\"mcpServers\": {\"a\": {\"command\": \"a\"},\n \"a\": {\"command\": \"b\"}}}".utf8)
        try twice.write(to: URL(fileURLWithPath: path))
        let remove = try Claudesh.run(["mcp", "remove", "a", "--config", "user"], home: home)
        #expect(remove.status == 1, "\(remove.stderr)")
        #expect(remove.stderr.contains("\(path):1:17 and \(path):2:2: the key \"a\" is there twice"), "\(remove.stderr)")
        #expect(try bytes(of: path) == twice)
    }

    @Test func anEditKeepsTheExactTextOfEveryValueItDoesNotChange() throws {
        defer { Claudesh.cleanUp(home) }
        let path = file(of: "user")
        // As Claude Code writes it, with values a parsed number or string cannot hold exactly.
        var original = Data("{\n  \"numStartups\": 123456789012345678901234567890,\n  \"tipsHistory\": {\"huge\": 1e400, \"precise\": 0.10000000000000000001},\n  \"name\": \"caf\\u00e9 \\/".utf8)
        original.append(contentsOf: [0x20, 0xFF, 0xFE, 0x41, 0x22, 0x2C, 0x0A]) // invalid UTF-8 inside the string
        original.append(Data("  \"mcpServers\": {\n    \"old\": {\"command\": \"x\", \"timeout\": 18446744073709551616}\n  }\n}\n".utf8))
        try original.write(to: URL(fileURLWithPath: path))
        let add = try Claudesh.run(["mcp", "add", "new", "--config", "user", "--", "/bin/true"], home: home)
        #expect(add.status == 0, "\(add.stderr)")
        let edited = try bytes(of: path)
        let kept = original.prefix(original.count - Data("\n  }\n}\n".utf8).count)
        #expect(edited.starts(with: kept), "\(String(decoding: edited, as: UTF8.self))")
        #expect(try Claudesh.run(["mcp", "list", "--config", "user"], home: home).stdout.contains("new"))
        let remove = try Claudesh.run(["mcp", "remove", "new", "--config", "user"], home: home)
        #expect(remove.status == 0, "\(remove.stderr)")
        #expect(try bytes(of: path) == original)
    }

    @Test func aTemporaryCopyLeftByAKilledWriterIsRemovedOnTheNextWrite() throws {
        defer { Claudesh.cleanUp(home) }
        let path = file(of: "user")
        try Data("{\"mcpServers\": {}}\n".utf8).write(to: URL(fileURLWithPath: path))
        // What a writer killed with SIGKILL between its copy and the rename leaves: the whole
        // file, tokens and all, under the writer's temp name, its id in the name.
        let gone = Int32(try String(contentsOfFile: "/proc/sys/kernel/pid_max", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))! - 1
        #expect(kill(gone, 0) != 0 && errno == ESRCH, "no process has the id \(gone)")
        let stale = "..claude.json.tmp-\(gone)-Xy12Zw"
        try Data("{\"token\": \"ghp_0123456789abcdefghijABCDEFGHIJ012345\"}".utf8).write(to: URL(fileURLWithPath: home + "/" + stale))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -120)], ofItemAtPath: home + "/" + stale)
        // A copy of a minute ago whose writer is not seen here may be a writer in another pid
        // namespace (a container sharing the folder): left to it.
        let recent = "..claude.json.tmp-\(gone)-Rc34Nt"
        try Data("{}".utf8).write(to: URL(fileURLWithPath: home + "/" + recent))
        // A live writer's copy and a file of the user's that only looks alike are left alone.
        let live = "..claude.json.tmp-\(getpid())-Ab12Cd"
        try Data("{}".utf8).write(to: URL(fileURLWithPath: home + "/" + live))
        try Data("{}".utf8).write(to: URL(fileURLWithPath: home + "/..claude.json.tmp-notes"))
        let add = try Claudesh.run(["mcp", "add", "after", "--config", "user", "--", "/bin/true"], home: home)
        #expect(add.status == 0, "\(add.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: home).filter { $0.hasPrefix("..claude.json.tmp-") }
        #expect(left.sorted() == [live, recent, "..claude.json.tmp-notes"].sorted())
    }

    @Test func aReadOnlyConfigIsRefusedSayingItIsReadOnly() throws {
        defer { Claudesh.cleanUp(home) }
        let path = file(of: "user")
        let original = Data("{\"mcpServers\": {}}\n".utf8)
        try original.write(to: URL(fileURLWithPath: path))
        chmod(path, 0o444)
        let result = try Claudesh.run(["mcp", "add", "x", "--config", "user", "--", "/bin/true"], home: home)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("cannot replace \(path): the file is read-only"), "\(result.stderr)")
        #expect(try bytes(of: path) == original)
        var info = stat()
        stat(path, &info)
        #expect(info.st_mode & 0o777 == 0o444)
    }
}

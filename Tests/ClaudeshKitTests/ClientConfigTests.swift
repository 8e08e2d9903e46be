import Foundation
import Testing
@testable import ClaudeshKit

struct ClientConfigTests {
    func folder() -> String { temporaryFolder("config") }

    /// Claude Code's ~/.claude.json holds much besides servers.
    let userConfig = """
    {
      "numStartups": 42,
      "projects": {"/work": {"allowedTools": ["Bash"], "history": [{"display": "hi"}]}},
      "mcpServers": {
        "time": {"command": "uvx", "args": ["mcp-server-time"], "env": {"TZ": "UTC"}, "x-note": "kept"},
        "docs": {"type": "http", "url": "https://example.invalid/mcp", "headers": {"Authorization": "Bearer ${TOKEN}"}},
        "legacy": {"type": "sse", "url": "http://127.0.0.1:9/sse"}
      },
      "oauthAccount": {"emailAddress": "op@example.invalid"}
    }
    """

    @Test func readsEveryTransportAndKeepsUnknownKeys() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/claude.json"
        _ = FileManager.default.createFile(atPath: path, contents: Data(userConfig.utf8))
        chmod(path, 0o600)
        var config = try ClientConfig(path: path)
        let servers = try config.entries.map { try ServerDefinition(name: $0.name, entry: $0.entry) }
        #expect(servers.map(\.name) == ["time", "docs", "legacy"])
        #expect(servers[0].transport == .stdio(command: "uvx", arguments: ["mcp-server-time"], environment: [("TZ", "UTC")]))
        #expect(servers[1].transport == .http(url: "https://example.invalid/mcp", headers: [("Authorization", "Bearer ${TOKEN}")]))
        #expect(servers[2].transport == .sse(url: "http://127.0.0.1:9/sse", headers: []))

        config.setEntry("new", .object([("command", .string("mcp-server-new"))]))
        config.setEntry("legacy", nil)
        let edited = config
        #expect(try ClientConfig.edit(ConfigLocation(path: path), writing: true) { $0 = edited }.written)
        let written = try JSONParser.parse(Array(FileManager.default.contents(atPath: path)!))
        let original = try JSONParser.parse(userConfig)
        for key in ["numStartups", "projects", "oauthAccount"] { #expect(written[key] == original[key]) }
        #expect(written["mcpServers"]?["time"] == original["mcpServers"]?["time"])
        #expect(written["mcpServers"]?["legacy"] == nil)
        #expect(written["mcpServers"]?["new"]?["command"] == .string("mcp-server-new"))
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
        #expect(mode == 0o600)
    }

    @Test func malformedFileNamesLineAndColumnAndIsNeverWritten() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/claude_desktop_config.json"
        let broken = "{\n  \"mcpServers\": {\n    \"a\": {\"command\": \"x\",}\n  }\n}\n"
        _ = FileManager.default.createFile(atPath: path, contents: Data(broken.utf8))
        let error = #expect(throws: ClientConfig.Error.self) { try ClientConfig(path: path) }
        #expect(error?.description == "\(path):3:26: a trailing comma before } (the file was not changed)")
        #expect(String(decoding: FileManager.default.contents(atPath: path)!, as: UTF8.self) == broken)
    }

    @Test func missingOrEmptyFileIsAnEmptyConfig() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try ClientConfig(path: dir + "/none.json").entries.isEmpty)
        _ = FileManager.default.createFile(atPath: dir + "/empty.json", contents: Data("\n".utf8))
        #expect(try ClientConfig(path: dir + "/empty.json").entries.isEmpty)
        _ = FileManager.default.createFile(atPath: dir + "/array.json", contents: Data("[]".utf8))
        #expect(throws: ClientConfig.Error.notAnObject(path: dir + "/array.json")) { try ClientConfig(path: dir + "/array.json") }
    }

    @Test func entriesThatCannotBeServersSayWhy() {
        #expect(throws: ServerDefinition.Error.invalid(server: "x", "it has neither a \"command\" (stdio) nor a \"url\" (http, sse)")) {
            try ServerDefinition(name: "x", entry: .object([]))
        }
        #expect(throws: ServerDefinition.Error.invalid(server: "x", "\"args\" must be an array of strings")) {
            try ServerDefinition(name: "x", entry: .object([("command", .string("a")), ("args", .array([.int(1)]))]))
        }
        #expect(throws: ServerDefinition.Error.invalid(server: "x", "unknown type 'ws': use stdio, http or sse")) {
            try ServerDefinition(name: "x", entry: .object([("type", .string("ws")), ("url", .string("u"))]))
        }
    }

    @Test func expansionFollowsClaudeCode() throws {
        let lookup: (String) -> String? = { ["HOME": "/home/op", "EMPTY": ""][$0] }
        #expect(try ConfigExpansion.expand("${HOME}/data", lookup: lookup) == "/home/op/data")
        #expect(try ConfigExpansion.expand("${PORT:-8080} ${EMPTY:-e} $HOME", lookup: lookup) == "8080 e $HOME")
        #expect(try ConfigExpansion.expand("unclosed ${HOME", lookup: lookup) == "unclosed ${HOME")
        #expect(throws: ConfigExpansion.UnsetVariable(name: "GITHUB_TOKEN")) { try ConfigExpansion.expand("Bearer ${GITHUB_TOKEN}", lookup: lookup) }
    }
}

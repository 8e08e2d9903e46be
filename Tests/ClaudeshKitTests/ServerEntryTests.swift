import Foundation
import Testing
@testable import ClaudeshKit

struct ServerEntryTests {
    // MARK: entry shapes

    @Test func stdioEntryShape() throws {
        let entry = ServerEntry.stdio(command: "uvx", arguments: ["mcp-server-time", "--local-timezone=UTC"], environment: [("TZ", "UTC"), ("A", "b")])
        #expect(entry.serialized() == #"{"command":"uvx","args":["mcp-server-time","--local-timezone=UTC"],"env":{"TZ":"UTC","A":"b"}}"#)
        let definition = try ServerDefinition(name: "time", entry: entry)
        #expect(definition.transport == .stdio(command: "uvx", arguments: ["mcp-server-time", "--local-timezone=UTC"], environment: [("TZ", "UTC"), ("A", "b")]))
    }

    @Test func stdioEntryWithoutEnvHasNoEnvKey() {
        #expect(ServerEntry.stdio(command: "srv", arguments: [], environment: []).serialized() == #"{"command":"srv","args":[]}"#)
    }

    @Test func remoteEntryShape() throws {
        let entry = ServerEntry.remote(type: "http", url: "https://h.invalid/mcp", headers: [("Authorization", "Bearer ${TOKEN}")])
        #expect(entry.serialized() == #"{"type":"http","url":"https://h.invalid/mcp","headers":{"Authorization":"Bearer ${TOKEN}"}}"#)
        #expect(try ServerDefinition(name: "docs", entry: entry).transport == .http(url: "https://h.invalid/mcp", headers: [("Authorization", "Bearer ${TOKEN}")]))

        let sse = ServerEntry.remote(type: "sse", url: "http://127.0.0.1:9/sse", headers: [])
        #expect(sse.serialized() == #"{"type":"sse","url":"http://127.0.0.1:9/sse"}"#)
        #expect(try ServerDefinition(name: "legacy", entry: sse).transport == .sse(url: "http://127.0.0.1:9/sse", headers: []))
    }

    // MARK: --env and --header

    @Test func environmentPairSplitsAtTheFirstEquals() throws {
        let pair = try ServerEntry.environmentPair("API_KEY=a=b=c")
        #expect(pair.0 == "API_KEY")
        #expect(pair.1 == "a=b=c")
        let empty = try ServerEntry.environmentPair("_X1=")
        #expect(empty.0 == "_X1")
        #expect(empty.1 == "")
        #expect(try ServerEntry.environmentPair("K= spaced ").1 == " spaced ")
    }

    @Test(arguments: ["NOEQUALS", "=value", ""])
    func environmentPairWithoutKeyOrEqualsIsRejected(_ text: String) {
        let error = #expect(throws: OperationError.self) { try ServerEntry.environmentPair(text) }
        #expect(error == .usage("--env needs KEY=VALUE, got '\(text)'"))
    }

    @Test(arguments: ["1KEY=x", "MY-KEY=x", "A B=x", "KÉY=x"])
    func environmentPairWithABadNameIsRejected(_ text: String) {
        let key = String(text.prefix { $0 != "=" })
        let error = #expect(throws: OperationError.self) { try ServerEntry.environmentPair(text) }
        #expect(error == .usage("--env needs KEY=VALUE with KEY a variable name (letters, digits, _), got '\(key)'"))
    }

    @Test func headerSplitsAtTheFirstColonAndTrims() throws {
        let auth = try ServerEntry.header("Authorization: Bearer abc")
        #expect(auth.0 == "Authorization")
        #expect(auth.1 == "Bearer abc")
        let tight = try ServerEntry.header("X-Api-Key:abc")
        #expect(tight.0 == "X-Api-Key")
        #expect(tight.1 == "abc")
        let padded = try ServerEntry.header("  X-Trim \t:   v w  ")
        #expect(padded.0 == "X-Trim")
        #expect(padded.1 == "v w")
        let url = try ServerEntry.header("X-Origin: http://h.invalid:8080/")
        #expect(url.0 == "X-Origin")
        #expect(url.1 == "http://h.invalid:8080/")
        #expect(try ServerEntry.header("X-Empty:").1 == "")
    }

    @Test(arguments: ["NoColon", ": value", ""])
    func headerWithoutNameOrColonIsRejected(_ text: String) {
        let error = #expect(throws: OperationError.self) { try ServerEntry.header(text) }
        #expect(error == .usage("--header needs 'Name: value', got '\(text)'"))
    }

    @Test(arguments: [("Bad Name: v", "Bad Name"), ("X(y): v", "X(y)"), ("   : v", ""), ("Ünï: v", "Ünï"), ("X/Y: v", "X/Y")])
    func headerWithABadNameIsRejected(_ text: String, _ name: String) {
        let error = #expect(throws: OperationError.self) { try ServerEntry.header(text) }
        #expect(error == .usage("--header needs 'Name: value' with a header name (ASCII, no spaces or separators), got '\(name)'"))
    }

    // MARK: masking

    @Test func maskedKeepsVariableReferences() {
        #expect(ServerEntry.masked("${TOKEN}") == "${TOKEN}")
        #expect(ServerEntry.masked("${GITHUB_PERSONAL_ACCESS_TOKEN}") == "${GITHUB_PERSONAL_ACCESS_TOKEN}")
        // A default may be a token: it is masked, the reference kept.
        #expect(ServerEntry.masked("${T:-sk-live-0123456789abcdef}") == "${T:-sk-…f}")
        #expect(ServerEntry.masked("${LOG:-info}") == "${LOG:-••••}")
        // Not one reference: masked whole.
        #expect(ServerEntry.masked("${X}sk-live-0123456789abcdef}") == "$…}")
    }

    @Test func maskedShowsOnlyTheEndsOfALongToken() {
        let token = "sk-ant-api03-MIDDLEPARTSECRET-xyz"
        let masked = ServerEntry.masked(token)
        #expect(masked == "sk-ant-…z", "the kind, and at most an eighth of the rest")
        #expect(!masked.contains("MIDDLE"))
        #expect(!masked.contains("api03"))
        #expect(ServerEntry.masked("abcdefghijkl") == "••••••••", "nothing of a short value")
        // Text around a reference is masked too: it may be a literal token.
        #expect(ServerEntry.masked("Bearer ${TOKEN}") == "••••••••")
    }

    @Test func shortValuesAreFullyMasked() {
        #expect(ServerEntry.masked("abc") == "•••")
        #expect(ServerEntry.masked("") == "•")
        #expect(ServerEntry.masked("p4ssw0rd") == "••••••••")
        let eleven = ServerEntry.masked("12345678901")
        #expect(eleven == "••••••••")
        #expect(!eleven.contains { $0.isNumber })
        #expect(ServerEntry.masked("${A}${B}") == "••••••••")
    }

    // MARK: ClientConfig editing

    let configText = """
    {
      "numStartups": 3,
      "projects": {"/work": {"allowedTools": ["Bash"]}},
      "mcpServers": {
        "time": {"command": "uvx", "args": ["mcp-server-time"]},
        "docs": {"type": "http", "url": "https://docs.invalid/mcp"}
      },
      "oauthAccount": {"emailAddress": "op@example.invalid"}
    }
    """

    func makeConfig(_ dir: String, _ name: String = "claude.json", text: String? = nil) throws -> ClientConfig {
        let path = dir + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data((text ?? configText).utf8))
        return try ClientConfig(path: path)
    }

    @Test func addAppendsANewServer() throws {
        let dir = temporaryFolder("entry")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var config = try makeConfig(dir)
        let entry = ServerEntry.stdio(command: "srv", arguments: ["--x"], environment: [])
        try config.add("fresh", entry)
        #expect(config.serverNames == ["time", "docs", "fresh"])
        #expect(config.entry(named: "fresh") == entry)
    }

    @Test func addingAnExistingNameThrowsExists() throws {
        let dir = temporaryFolder("entry")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var config = try makeConfig(dir)
        let before = config.entry(named: "time")
        let error = #expect(throws: ClientConfig.EditError.self) {
            try config.add("time", ServerEntry.stdio(command: "other", arguments: [], environment: []))
        }
        #expect(error == .exists("time", path: config.path))
        #expect(error?.description.contains("mcp remove time") == true)
        #expect(config.entry(named: "time") == before)
    }

    @Test func removeReturnsTheEntry() throws {
        let dir = temporaryFolder("entry")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var config = try makeConfig(dir)
        let removed = try config.remove("time")
        #expect(removed == (try JSONParser.parse(#"{"command": "uvx", "args": ["mcp-server-time"]}"#)))
        #expect(config.serverNames == ["docs"])
        #expect(config.entry(named: "time") == nil)
    }

    @Test func removingAMissingNameSuggestsTheClosest() throws {
        let dir = temporaryFolder("entry")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var config = try makeConfig(dir)
        let error = #expect(throws: ClientConfig.EditError.self) { try config.remove("tmie") }
        #expect(error == .missing("tmie", path: config.path, suggestion: "time"))
        #expect(error?.description == "no server named 'tmie' in \(config.path); did you mean 'time'?")
        #expect(config.serverNames == ["time", "docs"])

        let far = #expect(throws: ClientConfig.EditError.self) { try config.remove("completely-different") }
        #expect(far == .missing("completely-different", path: config.path, suggestion: nil))
        #expect(far?.description.contains("did you mean") == false)
    }

    @Test func importReportsAddedIdenticalAndClashesAndLeavesClashesAlone() throws {
        let dir = temporaryFolder("entry")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var config = try makeConfig(dir)
        let source = try makeConfig(dir, "claude_desktop_config.json", text: """
        {"mcpServers": {
          "time": {"command": "uvx", "args": ["mcp-server-time"]},
          "docs": {"type": "http", "url": "https://elsewhere.invalid/mcp"},
          "fresh": {"command": "fresh-server"},
          "other": {"url": "https://other.invalid/mcp"}
        }}
        """)
        let docsBefore = config.entry(named: "docs")
        let report = config.importServers(from: source)
        #expect(report == ClientConfig.ImportReport(added: ["fresh", "other"], identical: ["time"], clashes: ["docs"]))
        #expect(config.entry(named: "docs") == docsBefore)
        #expect(config.entry(named: "docs")?["url"] == .string("https://docs.invalid/mcp"))
        #expect(config.serverNames == ["time", "docs", "fresh", "other"])
        #expect(config.entry(named: "fresh") == source.entry(named: "fresh"))
    }

    @Test func writingAfterEditsKeepsUnknownTopLevelKeys() throws {
        let dir = temporaryFolder("entry")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = try makeConfig(dir)
        let source = try makeConfig(dir, "other.json", text: #"{"mcpServers": {"imported": {"command": "imp"}}}"#)
        _ = try ClientConfig.edit(config.location, writing: true) { config in
            try config.add("added", ServerEntry.remote(type: "sse", url: "http://127.0.0.1:9/sse", headers: []))
            try config.remove("docs")
            _ = config.importServers(from: source)
        }

        let written = try JSONParser.parse(Array(FileManager.default.contents(atPath: config.path)!))
        let original = try JSONParser.parse(configText)
        for key in ["numStartups", "projects", "oauthAccount"] {
            #expect(written[key] != nil)
            #expect(written[key] == original[key])
        }
        let reread = try ClientConfig(path: config.path)
        #expect(reread.serverNames == ["time", "added", "imported"])
        #expect(reread.entry(named: "time") == original["mcpServers"]?["time"])
    }

    @Test func theUserinfoPasswordOfAURLIsFoundAndHiddenAndNothingElseIsTouched() {
        #expect(ServerEntry.urlPassword("https://alice:hunter2@example.com:8443/mcp?x=1") == "hunter2")
        #expect(ServerEntry.maskedURL("https://alice:hunter2@example.com:8443/mcp?x=1") == "https://alice:•••@example.com:8443/mcp?x=1")
        // An @ in the path or query is not userinfo; a user without a password has none to hide.
        #expect(ServerEntry.urlPassword("https://example.com/a:b@c") == nil)
        #expect(ServerEntry.maskedURL("https://bob@example.com/mcp") == "https://bob@example.com/mcp")
        #expect(ServerEntry.maskedURL("http://127.0.0.1:8080/mcp") == "http://127.0.0.1:8080/mcp")
    }

    @Test func anEntryAsShownHasItsValuesAndItsURLPasswordMasked() throws {
        let entry = try JSONParser.parse(#"{"type":"http","url":"https://alice:hunter2-secret-pw@example.com/mcp","headers":{"Authorization":"Bearer ghp_0123456789abcdefghij0123456789abcdef"}}"#)
        let shown = ServerEntry.masked(entry: entry).serialized()
        #expect(!shown.contains("hunter2-secret-pw"), "\(shown)")
        #expect(!shown.contains("0123456789abcdefghij0123456789"), "\(shown)")
        #expect(shown.contains("https://alice:•••@example.com/mcp"))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// The inventory `mcp list --all` reads (every scope of `~/.claude.json` and the rest, with the
/// config history's check of the file), over a `~/.claude.json` of about 5 MB with 200 projects,
/// each with two local servers and the history and settings Claude Code keeps there; against
/// reading and parsing that file alone, with the same parser.
@MainActor
func measureInventory(iterations: Int) {
    let home = "/tmp/claudesh-bench-inventory-\(getpid())"
    defer { Directory.removeTree(home) }
    let file = home + "/.claude.json"
    var projects: [(String, JSONValue)] = []
    for index in 0..<200 {
        // Claude Code keeps each project's prompt history there: the bulk of a big file.
        let history = JSONValue.array((0..<50).map { turn in
            .object([("display", .string(String(repeating: "refactor the parser and run the tests, turn \(turn) ", count: 10))), ("pastedContents", .object([]))])
        })
        let servers = JSONValue.object([
            ("db-\(index)", .object([("type", .string("stdio")), ("command", .string("npx")), ("args", .array([.string("-y"), .string("@acme/db-mcp")])), ("env", .object([("DB_URL", .string("${DB_URL}"))]))])),
            ("docs-\(index)", .object([("type", .string("http")), ("url", .string("https://docs.example/\(index)/mcp"))])),
        ])
        projects.append(("/home/ann/work/project-\(index)", .object([
            ("allowedTools", .array([])), ("history", history), ("mcpServers", servers), ("disabledMcpServers", .array([])),
            ("hasTrustDialogAccepted", .bool(true)), ("lastCost", .double(0.1234)),
        ])))
    }
    let document = JSONValue.object([
        ("numStartups", .int(412)), ("projects", .object(projects)),
        ("mcpServers", .object([("time", .object([("type", .string("stdio")), ("command", .string("uvx")), ("args", .array([.string("mcp-server-time")]))]))])),
    ])
    let bytes = Array(document.serialized(pretty: true).utf8)
    do {
        try FileIO.makeDirectory(home)
        try AtomicFile.write(bytes, to: file, mode: 0o600)
    } catch {
        fail("cannot write \(file): \(error)", status: 1)
    }
    var environment = Environment.current()
    environment.variables["HOME"] = home
    environment.variables["CLAUDESH_HOME"] = home + "/.claude"
    environment.variables["CLAUDESH_MANAGED_DIR"] = home + "/managed"
    environment.variables["CLAUDE_CONFIG_DIR"] = ""
    environment.variables["XDG_CONFIG_HOME"] = ""
    environment.currentDirectory = "/home/ann/work/project-7"
    let workspace = Workspace(SessionContext(environment: environment))
    let entries = workspace.inventory().entries.count
    guard entries == 401 else { fail("the inventory has \(entries) entries, expected 401", status: 1) }
    let inventory = medianMilliseconds(iterations: iterations) { workspace.inventory().entries.count }
    let parse = medianMilliseconds(iterations: iterations) {
        guard let read = try? FileIO.read(file), let value = try? JSONParser.parse(read) else { return 0 }
        return value["projects"] == nil ? 0 : read.count
    }
    guard bytes.count > 5_000_000 else { fail("the file is \(bytes.count) bytes, expected over 5 MB", status: 1) }
    print("inventory_5mb_ms \(format(inventory)) baseline_ms \(format(parse))")
}

import ClaudeshKit

/// How `mcp canary list` and `mcp protocol` show what claudesh keeps per server: a table with
/// a CONFIG column when some server is not of the default config (a name alone says which
/// server it is only within one file), and JSON with the config always.
enum ServerStateTable {
    static func render<Value>(_ entries: [ServerState<Value>], headers: [String], width: Int?, cells: (Value) -> [String]) -> String {
        let showsConfig = entries.contains { !$0.isDefaultConfig }
        let rows = entries.map { entry in [entry.server] + cells(entry.value) + (showsConfig ? [entry.config] : []) }
        return Table(headers: ["SERVER"] + headers + (showsConfig ? ["CONFIG"] : []), rows: rows, width: width).render()
    }

    static func json<Value>(_ entries: [ServerState<Value>], fields: (Value) -> [(String, JSONValue)]) -> JSONValue {
        .array(entries.map { entry in .object([("server", .string(entry.server)), ("config", .string(entry.config))] + fields(entry.value)) })
    }
}

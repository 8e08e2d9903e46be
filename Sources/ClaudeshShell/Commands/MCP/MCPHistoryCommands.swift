import ClaudeshKit

/// mcp history, diff, restore: every version of the clients' config files that claudesh read,
/// kept in its home, so that a wiped config comes back.
enum MCPHistoryCommands {
    static let group = MCPCommands.group
    static let all = [history, diff, restore]

    static let history = Command(
        "history", group: group, summary: "The kept versions of the clients' config files, newest first, with the servers each added and removed",
        discussion: """
        Every time claudesh reads a client file (any command, the scheduled health) and it
        differs from the last version kept, the new version is kept in HOME/config-history
        (each content once, mode 0600, the 50 newest of each file). FILE is a config (desktop,
        user, project, local, a path); without it, every file's.
        """,
        arguments: [Argument("FILE", "desktop, user, project, local or a path (default: every file)", completion: .configTargets, optional: true)],
        flags: [.json],
        examples: ["mcp history", "mcp history desktop", "mcp history ~/.claude.json --json"]
    ) { invocation in
        let versions = try invocation.workspace.configVersions(of: invocation.arguments.positionals.first)
        let output = invocation.output
        if invocation.wantsJSON {
            output.json(.array(versions.map { entry in
                .object([("id", .string(entry.version.id)), ("file", .string(entry.version.file)), ("seen", .int(entry.version.seen)),
                         ("servers", .array(entry.version.servers.map(JSONValue.string))), ("readable", .bool(entry.version.readable)),
                         ("added", .array(entry.added.map(JSONValue.string))), ("removed", .array(entry.removed.map(JSONValue.string)))])
            }))
        } else if versions.isEmpty {
            output.line("No versions kept yet: claudesh keeps a client file each time it reads one that changed (mcp list, mcp check, health…)")
        } else {
            let now = Timestamp.now
            let rows = versions.map { entry -> [String] in
                let change = entry.version.readable ? (entry.added.map { "+" + $0 } + entry.removed.map { "-" + $0 }).joined(separator: " ") : "not JSON"
                return [entry.version.id, Timestamp.age(seconds: now - entry.version.seen) + " ago", entry.version.file, "\(entry.version.servers.count)", change.isEmpty ? "=" : change]
            }
            output.line(Table(headers: ["ID", "SEEN", "FILE", "SERVERS", "CHANGE"], rows: rows, width: invocation.terminalWidth).render())
        }
        return .success
    }

    static let diff = Command(
        "diff", group: group, summary: "What changed in a config's servers since a kept version (values masked)",
        discussion: """
        From VERSION (an ID of mcp history) to its file as it is now; without VERSION, from the
        version of the config (--config, default mcp-config) kept before the newest. Every
        mcpServers object is compared, the top level's and each project's in ~/.claude.json.
        Env and header values are masked as mcp get masks them.
        """,
        arguments: [Argument("VERSION", "an ID from mcp history", completion: versions, optional: true)],
        flags: [.config, .json],
        examples: ["mcp diff", "mcp diff 3f2a9c1b7d4e", "mcp diff --config user"]
    ) { invocation in
        let diff = try invocation.workspace.configDiff(invocation.arguments.positionals.first, config: invocation.arguments.value("config"))
        let output = invocation.output
        if invocation.wantsJSON {
            output.json(.object([("file", .string(diff.file)), ("from", .string(diff.from.id)), ("changes", .array(diff.changes.map(json)))]))
            return .success
        }
        output.line(output.styled("\(diff.file): version \(diff.from.id) → now", .dim))
        if diff.changes.isEmpty { output.line("no change in its servers") }
        for change in diff.changes { output.line(line(change, output)) }
        return .success
    }

    static let restore = Command(
        "restore", group: group, summary: "Put a kept version's servers back in its file (--whole: the whole file)",
        discussion: """
        Every mcpServers object of the file (the top level's, each project's) is set as the
        version had it, through the same safe write as every edit: the client's other keys stay
        as they are now. --whole puts the version's bytes back instead, for a file wiped of more
        than its servers. The file as it is now is kept as a version first, so a restore can be
        undone with another.
        """,
        arguments: [Argument("VERSION", "an ID from mcp history", completion: versions)],
        flags: [Flag("whole", "put the whole file back, not only its servers")],
        examples: ["mcp restore 3f2a9c1b7d4e", "mcp restore 3f2a9c1b7d4e --whole"]
    ) { invocation in
        let restored = try invocation.workspace.restoreConfigVersion(invocation.arguments.positionals[0], whole: invocation.arguments.has("whole"))
        let output = invocation.output
        let what = invocation.arguments.has("whole") ? "the whole file" : "its servers"
        if restored.changes.isEmpty && !restored.written {
            output.line("\(restored.file) has \(what) as version \(restored.version.id) had them: nothing written")
            return .success
        }
        for change in restored.changes { output.line(line(change, output)) }
        output.line(restored.written ? "Restored \(what) of \(restored.file) from version \(restored.version.id)"
                                     : "would restore \(what) of \(restored.file) from version \(restored.version.id) (not written)")
        return .success
    }

    /// The kept versions' IDs, newest first.
    static let versions = Completion.custom { input in
        var seen = Set<String>()
        return ((try? Workspace(input.context).configHistory.all()) ?? []).reversed().map { $0.id }.filter { seen.insert($0).inserted }
    }

    /// `+ time  (mcpServers)  uvx mcp-server-time`, `~ docs  (mcpServers)  changed: url, headers.Authorization`.
    @MainActor
    static func line(_ change: ServerObjects.Change, _ output: Output) -> String {
        let mark = switch change.kind {
        case .added: output.styled("+", .green)
        case .removed: output.styled("-", .red)
        case .changed: output.styled("~", .yellow)
        }
        let detail = change.kind == .changed ? "changed: " + change.fields.joined(separator: ", ") : ServerEntry.masked(entry: change.entry).serialized()
        return "\(mark) \(change.name)  (\(change.object))  \(detail.clipped(120))"
    }

    static func json(_ change: ServerObjects.Change) -> JSONValue {
        .object([("kind", .string(change.kind.rawValue)), ("name", .string(change.name)), ("object", .string(change.object)),
                 ("entry", ServerEntry.masked(entry: change.entry)), ("fields", .array(change.fields.map(JSONValue.string)))])
    }
}

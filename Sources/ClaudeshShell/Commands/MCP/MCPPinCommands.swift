import ClaudeshKit

/// mcp pin and what `mcp tools SERVER --diff` shows: the tool surface the operator accepted,
/// and how the server's differs from it.
enum MCPPinCommands {
    static let group = MCPCommands.group

    static let pin = Command(
        "pin", group: group, summary: "Accept servers' tools as they are now: mcp check stops warning that they changed",
        discussion: """
        Each server is probed and the hash of its tools (names, descriptions, schemas,
        annotations) is kept with the tools in HOME/tool-pins.json. mcp check and health pin a
        server seen for the first time themselves, and warn when its tools differ from the pin;
        mcp tools SERVER --diff shows how. A server that cannot be probed keeps its pin.
        """,
        arguments: [Argument("SERVER", "servers to pin", completion: .serverNames, optional: true, variadic: true)],
        flags: [Flag("all", "every server of the config"), Flag.config, Flag.protocolMode, .json],
        examples: ["mcp pin github", "mcp pin --all"]
    ) { invocation in
        let arguments = invocation.arguments
        let all = arguments.has("all")
        guard all != !arguments.positionals.isEmpty else {
            throw ShellError.usage(all ? "give SERVER names or --all, not both" : "give the servers to pin, or --all")
        }
        var options = ProbeOptions()
        options.protocolMode = try arguments.protocolMode()
        let workspace = invocation.workspace
        let outcomes = try await workspace.pinTools(arguments.positionals, in: arguments.value("config"), options: options)
        let output = invocation.output
        let failed = outcomes.filter { $0.surface == nil }
        if invocation.wantsJSON {
            output.json(.array(outcomes.map { outcome in
                .object([
                    ("server", .string(outcome.server)), ("pinned", .bool(outcome.surface != nil && !workspace.dryRun)),
                    ("tool_hash", outcome.surface.map { JSONValue.string($0.hash) } ?? .null),
                    ("previous_hash", outcome.previousHash.map(JSONValue.string) ?? .null),
                    ("reason", outcome.reason.map(JSONValue.string) ?? .null),
                ])
            }))
        } else {
            for outcome in outcomes {
                guard let surface = outcome.surface else {
                    invocation.session.report("\(outcome.server): not pinned: \(outcome.reason ?? "failed")")
                    continue
                }
                let verb = workspace.dryRun ? "would pin" : "pinned"
                let change = switch outcome.previousHash {
                case nil: "(first pin)"
                case surface.hash?: "(as it was)"
                case let previous?: "(was \(previous.prefix(12)))"
                }
                output.line("\(verb) \(outcome.server)'s \(surface.tools.count) tool\(surface.tools.count == 1 ? "" : "s"): \(surface.shortHash) \(change)")
            }
        }
        return failed.isEmpty ? .success : .failure
    }

    /// Per tool: added, removed, or the fields that changed, a description old and new.
    @MainActor
    static func render(_ changes: ToolChanges, _ output: Output) -> String {
        guard let pinnedAt = changes.pinnedAt else {
            return "\(changes.server) has no pin yet: mcp check pins it on first sight, mcp pin \(changes.server) now"
        }
        guard !changes.isEmpty else { return "\(changes.server)'s tools are as pinned (\(pinnedAt))" }
        var lines = ["\(changes.server)'s tools since pinned (\(pinnedAt)):"]
        for (name, change) in changes.tools {
            switch change {
            case .added: lines.append("  " + output.styled("+ \(name)", .green) + "  added")
            case .removed: lines.append("  " + output.styled("- \(name)", .red) + "  removed")
            case .changed(let fields):
                lines.append("  " + output.styled("~ \(name)", .yellow) + "  changed: " + fields.map { $0.field }.joined(separator: ", "))
                for field in fields {
                    lines.append("      \(field.field):")
                    lines.append("        old: " + (field.old.map { $0.clipped(300) } ?? "(none)"))
                    lines.append("        new: " + (field.new.map { $0.clipped(300) } ?? "(none)"))
                }
            }
        }
        lines.append("mcp pin \(changes.server) accepts them")
        return lines.joined(separator: "\n")
    }

    static func json(_ changes: ToolChanges) -> JSONValue {
        .object([
            ("server", .string(changes.server)), ("pinned_at", changes.pinnedAt.map(JSONValue.string) ?? .null),
            ("tools", .array(changes.tools.map { name, change in
                switch change {
                case .added: return .object([("name", .string(name)), ("change", .string("added"))])
                case .removed: return .object([("name", .string(name)), ("change", .string("removed"))])
                case .changed(let fields):
                    return .object([("name", .string(name)), ("change", .string("changed")), ("fields", .array(fields.map { field in
                        .object([("field", .string(field.field)), ("old", field.old.map(JSONValue.string) ?? .null), ("new", field.new.map(JSONValue.string) ?? .null)])
                    }))])
                }
            })),
        ])
    }
}

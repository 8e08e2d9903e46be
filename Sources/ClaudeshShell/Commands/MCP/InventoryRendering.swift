import ClaudeshKit

/// `mcp list --all`: every server Claude knows, as a table or JSON.
enum InventoryRendering {
    @MainActor
    static func list(_ invocation: Invocation, _ filter: InventoryFilter) -> ExitStatus {
        let inventory = invocation.workspace.inventory(project: filter.project)
        let entries = inventory.filtered(filter)
        let output = invocation.output
        if invocation.wantsJSON {
            output.json(.object([
                ("project", .string(inventory.project)),
                ("servers", .array(entries.map(json))),
                ("problems", .array(inventory.problems.map(JSONValue.string))),
            ]))
        } else {
            for problem in inventory.problems { invocation.session.report("warning: \(problem) (its servers are not listed)") }
            if entries.isEmpty {
                output.line("No MCP servers Claude knows for \(inventory.project)\(filter.scope != nil || filter.client != nil ? " of that scope" : ""). Add one: mcp add -s local NAME -- COMMAND ARGS...")
                return inventory.problems.isEmpty ? .success : .failure
            }
            // The table keeps to a word a state (`shadowed by local` aside); why is said under it.
            let rows = entries.map { entry in
                [entry.name, entry.scope.client, scopeLabel(entry.scope, project: inventory.project), shortState(entry.state),
                 transport(entry), target(entry).clipped(60)]
            }
            output.line(output.styled("project \(inventory.project)", .dim))
            output.line(Table(headers: ["NAME", "CLIENT", "SCOPE", "STATE", "TRANSPORT", "COMMAND OR URL"], rows: rows, width: invocation.terminalWidth).render())
            // Where each scope's entries are: the file column a table has no room for.
            var files: [(String, String)] = []
            for entry in entries {
                let label = scopeLabel(entry.scope, project: inventory.project)
                if !files.contains(where: { $0.0 == label }) { files.append((label, entry.file)) }
            }
            for (label, file) in files { output.line(output.styled("  \(label): \(file)", .dim)) }
            for entry in entries {
                guard let why = detail(entry) else { continue }
                output.line(output.styled("  \(entry.name) (\(scopeLabel(entry.scope, project: inventory.project))): \(why)", .dim))
            }
            let active = entries.filter { $0.state == .active }.count
            output.line(output.styled("\(entries.count) entr\(entries.count == 1 ? "y" : "ies"), \(active) active", .dim))
        }
        return inventory.problems.isEmpty ? .success : .failure
    }

    static func shortState(_ state: InventoryEntry.State) -> String {
        if case .shadowed = state { return state.description }
        return state == .pendingApproval ? "pending approval" : state.word
    }

    /// What the table's state leaves out: why an entry is off, or why it is not checked.
    static func detail(_ entry: InventoryEntry) -> String? {
        switch entry.state {
        case .disabled(let why), .denied(let why): return "\(entry.state.word): \(why)"
        case .ignored(let why) where !why.hasPrefix("another project's"): return "ignored: \(why)"
        case .active: return entry.uncheckable
        default: return nil
        }
    }

    /// `local`, `local (other project)`, `plugin name@market`, `extension ID`.
    static func scopeLabel(_ scope: ServerScope, project: String) -> String {
        switch scope {
        case .local(let path): return path == project ? "local" : "local \(path)"
        case .plugin(let id): return "plugin \(id)"
        case .desktopExtension(let id): return "extension \(id)"
        default: return scope.word
        }
    }

    static func transport(_ entry: InventoryEntry) -> String {
        (try? entry.server.definition.get())?.transport.name ?? "?"
    }

    static func target(_ entry: InventoryEntry) -> String {
        switch entry.server.definition {
        case .success(let definition): return definition.summary
        case .failure(let error): return "invalid: \(error.description)"
        }
    }

    static func json(_ entry: InventoryEntry) -> JSONValue {
        let definition = try? entry.server.definition.get()
        var members: [(String, JSONValue)] = [
            ("name", .string(entry.name)), ("client", .string(entry.scope.client)), ("scope", .string(entry.scope.word)),
        ]
        switch entry.scope {
        case .local(let path), .project(let path): members.append(("project", .string(path)))
        case .plugin(let id): members.append(("plugin", .string(id)))
        case .desktopExtension(let id): members.append(("extension", .string(id)))
        default: break
        }
        var detail: JSONValue = .null
        switch entry.state {
        case .shadowed(let by): detail = .string(by)
        case .disabled(let text), .denied(let text), .ignored(let text): detail = .string(text)
        default: break
        }
        members += [
            ("file", .string(entry.file)), ("read_only", .bool(entry.isReadOnly)),
            ("state", .string(entry.state.word)), ("detail", detail),
            ("transport", definition.map { .string($0.transport.name) } ?? .null),
            ("target", definition.map { .string($0.summary) } ?? .null),
            ("settings", .array((definition?.settingNames ?? []).map(JSONValue.string))),
            ("notes", .array(entry.notes.map(JSONValue.string))),
            ("problem", { if case .failure(let error) = entry.server.definition { return .string(error.description) } else { return .null } }()),
        ]
        return .object(members)
    }
}

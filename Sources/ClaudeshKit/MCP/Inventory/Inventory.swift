/// Every server Claude knows on this machine, for one project (the current folder by default):
/// Claude Code's local, project, user, managed and plugin servers, Claude Desktop's config and
/// its extensions; each with the state Claude would give it (active, shadowed by a scope that
/// wins, disabled, waiting for approval, denied by policy, ignored).
package struct Inventory: Sendable {
    package var entries: [InventoryEntry]
    /// Files that could not be read, as `FILE:LINE:COLUMN: what`: their servers are missing.
    package var problems: [String]
    /// The project the local and project scopes are of (an absolute path).
    package var project: String
}

/// One server entry of the inventory.
package struct InventoryEntry: Sendable {
    package enum State: Sendable, Equatable {
        /// Claude starts it.
        case active
        /// A scope that wins defines the same name (or, for a plugin, the same command or URL).
        case shadowed(by: String)
        /// Turned off without being removed: how, and where that is kept.
        case disabled(String)
        /// A `.mcp.json` server the user has not approved yet.
        case pendingApproval
        /// A `.mcp.json` server the user rejected (`disabledMcpjsonServers`).
        case rejected
        /// An administrator's allow or deny list keeps it out.
        case denied(String)
        /// Claude does not load it, and why (another project's, a managed file in control, a
        /// required setting missing).
        case ignored(String)

        package var word: String {
            switch self {
            case .active: return "active"
            case .shadowed: return "shadowed"
            case .disabled: return "disabled"
            case .pendingApproval: return "pending"
            case .rejected: return "rejected"
            case .denied: return "denied"
            case .ignored: return "ignored"
            }
        }

        /// What the state says, for a table: `shadowed by local`, `disabled (…)`.
        package var description: String {
            switch self {
            case .active, .pendingApproval, .rejected: return word == "pending" ? "pending approval" : word
            case .shadowed(let by): return "shadowed by \(by)"
            case .disabled(let how): return "disabled (\(how))"
            case .denied(let why): return "denied (\(why))"
            case .ignored(let why): return "ignored (\(why))"
            }
        }
    }

    /// The name Claude shows: `plugin:<plugin>:<server>` for a plugin's server.
    package var name: String
    package var scope: ServerScope
    /// The file the entry is read from.
    package var file: String
    /// Where an edit of the entry goes; nil for a read-only one.
    package var location: ConfigLocation?
    /// The entry as Claude starts it (an extension's or plugin's resolved from its manifest).
    package var server: ConfiguredServer
    package var state: InventoryEntry.State
    /// What else is worth saying: an extension's sensitive settings present or absent.
    package var notes: [String] = []
    /// Why claudesh cannot start it as its client does (an extension's sensitive setting is
    /// the keychain's): checks skip it and say so.
    package var uncheckable: String?

    package var isReadOnly: Bool { location == nil }
}

/// Which part of the inventory a command means: `--all`, `--scope`, `--client`, `--project`.
package struct InventoryFilter: Sendable, Equatable {
    package var scope: String?
    package var client: String?
    /// The project the local and project scopes are of; nil: the current folder.
    package var project: String?

    package init(scope: String? = nil, client: String? = nil, project: String? = nil) {
        self.scope = scope
        self.client = client
        self.project = project
    }
}

extension Inventory {
    /// The entries `filter` keeps.
    package func filtered(_ filter: InventoryFilter) -> [InventoryEntry] { filtered(scope: filter.scope, client: filter.client) }

    /// The entries `scope` and `client` keep (all of them when nil).
    package func filtered(scope: String?, client: String?) -> [InventoryEntry] {
        entries.filter { entry in
            (scope == nil || entry.scope.word == scope) && (client == nil || entry.scope.client == client)
        }
    }

    /// Marks what Claude Code does not start for the project: every entry but the managed ones
    /// when a managed file takes control; else, for each name, the scope of highest precedence
    /// among the active entries wins and the others are shadowed. Plugins take part by what
    /// they start (command and arguments, or URL), as Claude Code matches them.
    static func resolvePrecedence(_ entries: inout [InventoryEntry], managedInControl: Bool) {
        if managedInControl {
            for index in entries.indices where entries[index].scope.precedence != nil && entries[index].state == .active {
                entries[index].state = .ignored("managed-mcp.json has exclusive control")
            }
            return
        }
        let ranked = entries.indices.filter { entries[$0].scope.precedence != nil && entries[$0].state == .active }
            .sorted { entries[$0].scope.precedence! < entries[$1].scope.precedence! }
        var winners: [String: String] = [:] // name or endpoint → the winning scope's word
        for index in ranked {
            let entry = entries[index]
            let keys = entry.scope.precedence == 3 ? [endpoint(of: entry)].compactMap { $0 } : [entry.name]
            if let winner = keys.lazy.compactMap({ winners[$0] }).first {
                entries[index].state = .shadowed(by: winner)
                continue
            }
            winners[entry.name] = entry.scope.word
            if let endpoint = endpoint(of: entry) { winners[endpoint] = winners[endpoint] ?? entry.scope.word }
        }
    }

    /// What a server starts or reaches, to match a plugin's with the others.
    static func endpoint(of entry: InventoryEntry) -> String? {
        guard case .success(let definition) = entry.server.definition else { return nil }
        switch definition.transport {
        case .stdio(let command, let arguments, _): return "stdio " + ([command] + arguments).joined(separator: " ")
        case .http(let url, _), .sse(let url, _): return "url " + url
        }
    }
}

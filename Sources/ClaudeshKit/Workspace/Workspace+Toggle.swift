/// `mcp disable` and `mcp enable`: a server turned off without losing its entry, the way its
/// client does it where it has a way (Claude Code's `/mcp` list per project, the approvals of a
/// `.mcp.json`), else parked in claudesh's home and put back byte for byte.
extension Workspace {
    /// What `mcp disable` or `mcp enable` did.
    package struct Toggled: Sendable {
        package var name: String
        package var scope: ServerScope
        /// How, in words: `added to disabledMcpServers of /p in ~/.claude.json`.
        package var how: String
        /// False under a dry run, or when it was so already.
        package var written: Bool
        /// It was disabled (enabled) already: nothing changed.
        package var already: Bool
        /// Other entries the same switch turned off or on (Claude Code's goes by name).
        package var alsoAffected: [String] = []
        /// Enabled, but still not started, and why (a rejection in a committed settings file,
        /// its plugin turned off, a policy).
        package var stillOff: String?
    }

    package func disableServer(_ name: String, scope: String?, config word: String?, project: String?) throws -> Toggled {
        let inventory = inventory(project: project)
        let entry = try toggleTarget(name, scope: scope, config: word, in: inventory, enabling: false)
        switch entry.scope {
        case .local, .user, .plugin:
            var done = try editCodeList(entry, "disabledMcpServers", project: inventory.project, adding: true)
            done.alsoAffected = Self.sameNameInCode(entry, inventory)
            return done
        case .project(let path):
            return try editApprovals(entry, project: path, approving: false)
        case .desktop, .file:
            return try park(entry)
        case .managed, .desktopExtension:
            throw Self.readOnly(entry)
        }
    }

    package func enableServer(_ name: String, scope: String?, config word: String?, project: String?) throws -> Toggled {
        let inventory = inventory(project: project)
        let entry = try toggleTarget(name, scope: scope, config: word, in: inventory, enabling: true)
        var done: Toggled
        switch entry.scope {
        case .local, .user, .plugin:
            done = try editCodeList(entry, "disabledMcpServers", project: inventory.project, adding: false)
            done.alsoAffected = Self.sameNameInCode(entry, inventory)
        case .project(let path):
            done = try editApprovals(entry, project: path, approving: true)
        case .desktop, .file:
            done = try unpark(entry)
        case .managed, .desktopExtension:
            throw Self.readOnly(entry)
        }
        // What the edit could not reach keeps it off: say what, rather than "enabled".
        if !dryRun, let now = self.inventory(project: project).entries.first(where: { $0.name == entry.name && $0.scope == entry.scope }),
           Self.isOff(now.state) || Self.isBlocked(now.state) {
            done.stillOff = now.state.description
        }
        return done
    }

    /// The other entries of the project that Claude Code's by-name switch reaches too.
    static func sameNameInCode(_ entry: InventoryEntry, _ inventory: Inventory) -> [String] {
        inventory.entries.filter { other in
            guard other.name == entry.name, other.scope != entry.scope else { return false }
            switch other.scope {
            case .local(let path): return path == inventory.project
            case .user, .plugin: return true
            default: return false
            }
        }.map { "\($0.name) (\($0.scope.word))" }
    }

    static func isBlocked(_ state: InventoryEntry.State) -> Bool {
        switch state {
        case .denied, .ignored: return true
        default: return false
        }
    }

    /// The entry `name` means: of this project's (another project's local servers are not
    /// Claude's here), narrowed by `scope` and `config`; one that several places define must
    /// be told apart.
    func toggleTarget(_ name: String, scope: String?, config word: String?, in inventory: Inventory, enabling: Bool) throws -> InventoryEntry {
        var candidates = inventory.entries.filter { entry in
            guard entry.name == name else { return false }
            if case .local(let path) = entry.scope { return path == inventory.project }
            return true
        }
        if let word {
            let location = configLocation(word)
            candidates = candidates.filter { $0.location == location || $0.server.config == location.key }
            // A file of no client's (`--config FILE`): its own entries, parked as Desktop's are.
            if candidates.isEmpty, !inventory.entries.contains(where: { $0.location == location }),
               let config = try? config(word), let server = config.servers.first(where: { $0.name == name }) {
                candidates = [InventoryEntry(name: name, scope: .file, file: location.path, location: location, server: server, state: .active)]
            }
        }
        if let scope { candidates = candidates.filter { $0.scope.word == scope } }
        // Of one name in several places, the one the command can mean: enabling, a disabled one.
        if candidates.count > 1 {
            let narrowed = candidates.filter { enabling ? Self.isOff($0.state) : !Self.isOff($0.state) }
            if narrowed.count == 1 { candidates = narrowed }
        }
        guard !candidates.isEmpty else {
            let names = Set(inventory.entries.map { $0.name })
            let near = Suggestions.closest(to: name, among: Array(names)).map { "; did you mean '\($0)'?" } ?? ""
            throw OperationError.usage("no server named '\(name.clipped(60))' that Claude knows for \(inventory.project)\(scope.map { " in scope \($0)" } ?? "")\(near)")
        }
        guard candidates.count == 1 else {
            let places = candidates.map { $0.scope.word }.joined(separator: ", ")
            throw OperationError.usage("'\(name)' is in several places (\(places)): say which with -s SCOPE or --config")
        }
        return candidates[0]
    }

    static func isObject(_ value: JSONValue) -> Bool {
        if case .object = value { return true }
        return false
    }

    static func isOff(_ state: InventoryEntry.State) -> Bool {
        switch state {
        case .disabled, .rejected, .pendingApproval: return true
        default: return false
        }
    }

    /// Adds `entry`'s name to (or removes it from) the project's list `key` in `~/.claude.json`:
    /// what `/mcp` writes when a server is turned off there.
    func editCodeList(_ entry: InventoryEntry, _ key: String, project: String, adding: Bool) throws -> Toggled {
        let file = environment.userConfigPath
        let keys = ["projects", project, key]
        let edit = try ClientConfig.edit(ConfigLocation(path: file), writing: !dryRun) { config -> Bool in
            for depth in 1...2 {
                if let value = config.value(at: Array(keys.prefix(depth))), !Self.isObject(value) {
                    throw ClientConfig.Error.notAnObjectAt(path: file, key: depth == 1 ? "projects" : "projects[\"\(project)\"]")
                }
            }
            var names = config.value(at: keys).strings
            guard names.contains(entry.name) != adding else { return false }
            if adding { names.append(entry.name) } else { names.removeAll { $0 == entry.name } }
            config.setValue(.array(names.map(JSONValue.string)), at: keys)
            return true
        }
        let how = "\(adding ? "added to" : "removed from") \(key) of \(project) in \(file) (Claude Code's own switch, as /mcp writes it)"
        return Toggled(name: entry.name, scope: entry.scope, how: how, written: edit.written, already: !edit.result)
    }

    /// Rejects (or approves) a `.mcp.json` server in the project's `.claude/settings.local.json`,
    /// where Claude Code writes the user's choice; enabling also takes the name out of the
    /// rejections kept in the project's entry of `~/.claude.json` by older versions.
    func editApprovals(_ entry: InventoryEntry, project: String, approving: Bool) throws -> Toggled {
        let file = Path.join(project, ".claude/settings.local.json")
        let edit = try ClientConfig.edit(ConfigLocation(path: file), writing: !dryRun) { config -> Bool in
            var rejected = config.value(at: ["disabledMcpjsonServers"]).strings
            var approved = config.value(at: ["enabledMcpjsonServers"]).strings
            let before = (rejected, approved)
            if approving {
                rejected.removeAll { $0 == entry.name }
                if !approved.contains(entry.name) { approved.append(entry.name) }
            } else {
                approved.removeAll { $0 == entry.name }
                if !rejected.contains(entry.name) { rejected.append(entry.name) }
            }
            guard before != (rejected, approved) else { return false }
            config.setValue(rejected.isEmpty && config.value(at: ["disabledMcpjsonServers"]) == nil ? nil : .array(rejected.map(JSONValue.string)), at: ["disabledMcpjsonServers"])
            config.setValue(approved.isEmpty && config.value(at: ["enabledMcpjsonServers"]) == nil ? nil : .array(approved.map(JSONValue.string)), at: ["enabledMcpjsonServers"])
            return true
        }
        var written = edit.written
        if approving {
            let old = try ClientConfig.edit(ConfigLocation(path: environment.userConfigPath), writing: !dryRun) { config -> Bool in
                let keys = ["projects", project, "disabledMcpjsonServers"]
                let names = config.value(at: keys).strings
                guard names.contains(entry.name) else { return false }
                config.setValue(.array(names.filter { $0 != entry.name }.map(JSONValue.string)), at: keys)
                return true
            }
            written = written || old.written
        }
        let how = approving ? "approved in \(file) (enabledMcpjsonServers)" : "rejected in \(file) (disabledMcpjsonServers, as Claude Code's approval dialog writes it)"
        return Toggled(name: entry.name, scope: entry.scope, how: how, written: written, already: !edit.result && !written)
    }

    /// Takes `entry` out of its config and keeps it, text and place, in `disabled-servers.json`.
    func park(_ entry: InventoryEntry) throws -> Toggled {
        guard let location = entry.location else { throw Self.readOnly(entry) }
        let store = parkedServers
        if case .disabled = entry.state { return Toggled(name: entry.name, scope: entry.scope, how: "parked in \(store.path) already", written: false, already: true) }
        let config = try ClientConfig(location: location)
        guard let index = config.serverNames.firstIndex(of: entry.name), let value = config.entry(named: entry.name) else {
            throw OperationError.failed("\(entry.name) is no longer in \(location.description)")
        }
        let parkedHere = try store.all().filter { $0.config == location.key }
        if let earlier = parkedHere.first(where: { $0.server == entry.name }) {
            throw OperationError.failed("a '\(entry.name)' of \(location.description) is parked already (since \(earlier.parked.disabledAt)): "
                + "one of that name can be parked at a time; mcp remove \(entry.name), or rename it, then disable")
        }
        // The order the file had with the servers parked before this one where they stood.
        var names = config.serverNames
        for other in parkedHere where !names.contains(other.server) {
            names.insert(other.server, at: other.parked.place(in: names))
        }
        let at = names.firstIndex(of: entry.name) ?? index
        let parked = ParkedServers.Parked(entry: value, text: config.entryText(named: entry.name), position: index,
                                          before: Array(names[..<at]), after: Array(names[(at + 1)...]), disabledAt: Timestamp.compact(now))
        let how = "parked in \(store.path) (\(location.description) has no switch of its own); mcp enable \(entry.name) puts it back where it was"
        guard !dryRun else { return Toggled(name: entry.name, scope: entry.scope, how: how, written: false, already: false) }
        // Kept first: if the config cannot be written, the parked copy goes, and nothing is lost either way.
        try store.set(entry.name, in: location.key, to: parked)
        var before: [UInt8]?
        do {
            _ = try ClientConfig.edit(location, writing: true) { config throws in
                // Another program may have changed the entry since it was read: the parked copy must be what goes.
                guard config.entry(named: entry.name)?.sortingKeys == value.sortingKeys else {
                    throw OperationError.failed("\(entry.name) changed in \(location.description) while it was being disabled: nothing was changed; try again")
                }
                before = config.bytesRead
                try config.remove(entry.name)
            }
        } catch {
            try? store.set(entry.name, in: location.key, to: nil)
            throw error
        }
        rememberOwnEdit(location.path)
        // The file as it was and as it is left: enabling before anything else changes it puts
        // the very bytes back (spacing a splice cannot know, when it was the only other member).
        if let before, let after = try? FileIO.read(location.path) {
            var exact = parked
            exact.fileBefore = before
            exact.fileAfterHash = SHA256.hex(after)
            try? store.set(entry.name, in: location.key, to: exact)
        }
        return Toggled(name: entry.name, scope: entry.scope, how: how, written: true, already: false)
    }

    /// Puts a parked entry back in its config, at its place and as it was written; a server of
    /// that name there now is not overwritten.
    func unpark(_ entry: InventoryEntry) throws -> Toggled {
        guard let location = entry.location else { throw Self.readOnly(entry) }
        let store = parkedServers
        guard let parked = try store.all().first(where: { $0.config == location.key && $0.server == entry.name })?.parked else {
            return Toggled(name: entry.name, scope: entry.scope, how: "it is in \(location.description), not disabled", written: false, already: true)
        }
        let how = "put back in \(location.description) from \(store.path)"
        if !dryRun, let before = parked.fileBefore, let afterHash = parked.fileAfterHash {
            let exact = try AtomicFile.update(location.path) { current -> (bytes: [UInt8]?, result: Bool) in
                guard let current, SHA256.hex(current) == afterHash else { return (nil, false) }
                return (before, true)
            }
            if exact {
                rememberOwnEdit(location.path)
                try store.set(entry.name, in: location.key, to: nil)
                return Toggled(name: entry.name, scope: entry.scope, how: how, written: true, already: false)
            }
        }
        let edit = try ClientConfig.edit(location, writing: !dryRun) { config throws in
            guard config.entry(named: entry.name) == nil else {
                throw OperationError.failed("a server named '\(entry.name)' is in \(location.description) again: the parked one stays in \(store.path) (mcp remove \(entry.name) first to take it back)")
            }
            config.insertEntry(entry.name, parked.entry, position: parked.place(in: config.serverNames), text: parked.text)
        }
        if edit.written {
            rememberOwnEdit(location.path)
            try store.set(entry.name, in: location.key, to: nil)
        }
        return Toggled(name: entry.name, scope: entry.scope, how: how, written: edit.written, already: false)
    }
}

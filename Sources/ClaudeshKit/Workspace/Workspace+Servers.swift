/// The client configs and their servers: which file a command means, its entries as typed
/// definitions, and the edits `mcp add`, `remove`, `import` and `good` make.
extension Workspace {
    /// The config `word` names (`desktop`, `user`, `project` or a file); nil: the mcp-config
    /// setting.
    func configTarget(_ word: String?) -> MCPConfigTarget {
        guard let word else { return settings.mcpConfig }
        return MCPConfigTarget(name: word) ?? .file(environment.absolutePath(word))
    }

    /// The file of the config `word` names.
    package func configPath(_ word: String? = nil) -> String { configTarget(word).path(in: environment) }

    /// Where the servers of the config `word` names are: its file, and for Claude Code's local
    /// scope the project. Its `key` is what claudesh keeps per server by.
    package func configLocation(_ word: String? = nil) -> ConfigLocation { configTarget(word).location(in: environment) }

    /// The config `word` names, read.
    package func config(_ word: String? = nil) throws(ClientConfig.Error) -> ClientConfig {
        let config = try ClientConfig(location: configLocation(word))
        remember(config)
        return config
    }

    package var lastKnownGood: LastKnownGood { LastKnownGood(home: home) }

    /// Edits the config `word` names and writes it back unless nothing changed or this is a
    /// dry run: `change`'s result, the file, and whether it was written.
    func editConfig<Result>(_ word: String?, _ change: (inout ClientConfig) throws -> Result) throws -> (result: Result, path: String, written: Bool) {
        let location = configLocation(word)
        let (result, written) = try ClientConfig.edit(location, writing: !dryRun, change)
        if written { rememberOwnEdit(location.path) }
        return (result, location.description, written)
    }

    /// What adding a server did.
    package enum Added: Sendable, Equatable {
        /// The very same entry was there already (an installer's second run): nothing written.
        case alreadyThere(path: String)
        case added(path: String, written: Bool)
    }

    /// Adds `entry` as `name` to the config `word` names; the very same entry already there is
    /// not an error, another one under that name is.
    package func addServer(_ name: String, _ entry: JSONValue, to word: String?) throws -> Added {
        let edit = try editConfig(word) { config throws in
            if config.entry(named: name)?.sortingKeys == entry.sortingKeys { return false }
            try config.add(name, entry)
            return true
        }
        return edit.result ? .added(path: edit.path, written: edit.written) : .alreadyThere(path: edit.path)
    }

    /// Removes `name` from the config `word` names: the file, and whether it was written. A
    /// name that is not there but is a read-only server Claude knows (managed, a plugin's, an
    /// extension's) is refused with where it comes from.
    package func removeServer(_ name: String, from word: String?) throws -> (path: String, written: Bool) {
        do {
            let edit = try editConfig(word) { config throws in try config.remove(name) }
            return (edit.path, edit.written)
        } catch ClientConfig.EditError.missing {
            if let readOnly = inventory().entries.first(where: { $0.name == name && $0.isReadOnly }) { throw Self.readOnly(readOnly) }
            throw ClientConfig.EditError.missing(name, path: configLocation(word).description,
                                                 suggestion: Suggestions.closest(to: name, among: (try? config(word))?.serverNames ?? []))
        }
    }

    /// The refusal of a write to a read-only entry: what it is and what to do instead.
    static func readOnly(_ entry: InventoryEntry) -> OperationError {
        let instead = switch entry.scope {
        case .managed: "the administrator's: ask them, or edit it as root"
        case .plugin(let id): "its plugin's (\(id)): turn the plugin off in enabledPlugins, or the server in /mcp"
        case .desktopExtension: "an extension's: turn it off or remove it in Claude Desktop's settings"
        default: "not claudesh's to write"
        }
        let article = entry.scope.word.first.map { "aeiou".contains($0) } == true ? "an" : "a"
        return .usage("\(entry.name) is \(article) \(entry.scope.word) server (\(entry.file)), read-only: \(instead)")
    }

    /// What `mcp import` did.
    package struct Imported: Sendable, Equatable {
        package var path: String
        package var report: ClientConfig.ImportReport
        package var written: Bool
    }

    /// Copies the servers of the config `source` names into the one `destination` names; a name
    /// already there with another entry is reported, not overwritten.
    package func importServers(from source: String, to destination: String?) throws -> Imported {
        let from = try config(source)
        guard from.location != configLocation(destination) else { throw OperationError.usage("--from and --to are the same config: \(from.location.description)") }
        guard !from.entries.isEmpty else { throw OperationError.failed("no servers in \(from.location.description)") }
        let edit = try editConfig(destination) { config in config.importServers(from: from) }
        return Imported(path: edit.path, report: edit.result, written: edit.written)
    }

    /// Saves the config `word` names as the last known good: the config's file and the copy's.
    package func saveLastKnownGood(_ word: String?) throws -> (config: String, saved: String) {
        let config = try config(word)
        try lastKnownGood.save(config)
        return (config.path, lastKnownGood.path)
    }

    /// Puts the last known good back as the config `word` names; nil under a dry run.
    package func restoreLastKnownGood(to word: String?) throws -> LastKnownGood.Restored? {
        guard lastKnownGood.exists else {
            throw OperationError.failed("no last known good config yet (\(lastKnownGood.path)): run mcp check until every server passes, or mcp good save")
        }
        guard !dryRun else { return nil }
        return try lastKnownGood.restore(to: configLocation(word))
    }
}

/// One server of a config, its entry read as a definition once.
package struct ConfiguredServer: Sendable {
    package var name: String
    /// The key of the config the entry is in (`ConfigLocation.key`): a server is its name in
    /// its config (another may have another server of the same name).
    package var config: String
    /// How results name it when its name alone is not enough (`time@desktop` beside `time@user`).
    package var label: String?
    /// Its scope's word (`desktop`, `user`, `local`…), when it was taken from the inventory.
    package var scope: String?
    /// How the client starts or reaches it, or why the entry cannot be read.
    package var definition: Result<ServerDefinition, ServerDefinition.Error>

    /// The entry as its file has it (an extension's or plugin's as resolved).
    package var entry: JSONValue

    package init(name: String, entry: JSONValue, config: String) {
        self.name = name
        self.config = config
        self.entry = entry
        do throws(ServerDefinition.Error) { definition = .success(try ServerDefinition(name: name, entry: entry)) } catch { definition = .failure(error) }
    }
}

extension ClientConfig {
    /// Every server, in file order.
    package var servers: [ConfiguredServer] { entries.map { ConfiguredServer(name: $0.name, entry: $0.entry, config: location.key) } }

    /// The servers `names` names, in file order (every one, when `names` is empty); a name that
    /// is not there throws, with a near name.
    func servers(named names: [String]) throws(EditError) -> [ConfiguredServer] {
        for name in names { _ = try requireEntry(named: name) }
        return servers.filter { names.isEmpty || names.contains($0.name) }
    }
}

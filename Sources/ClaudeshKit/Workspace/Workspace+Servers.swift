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

    /// The config `word` names, read.
    package func config(_ word: String? = nil) throws(ClientConfig.Error) -> ClientConfig {
        try ClientConfig(path: configPath(word))
    }

    package var lastKnownGood: LastKnownGood { LastKnownGood(home: home) }

    /// Writes `config` unless this is a dry run; whether it was written.
    func write(_ config: ClientConfig) throws(ClientConfig.Error) -> Bool {
        guard !dryRun else { return false }
        try config.write()
        return true
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
        var config = try config(word)
        if config.entry(named: name)?.sortingKeys == entry.sortingKeys { return .alreadyThere(path: config.path) }
        try config.add(name, entry)
        return .added(path: config.path, written: try write(config))
    }

    /// Removes `name` from the config `word` names: the file, and whether it was written.
    package func removeServer(_ name: String, from word: String?) throws -> (path: String, written: Bool) {
        var config = try config(word)
        try config.remove(name)
        return (config.path, try write(config))
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
        var config = try config(destination)
        guard from.path != config.path else { throw OperationError.usage("--from and --to are the same file: \(config.path)") }
        guard !from.entries.isEmpty else { throw OperationError.failed("no servers in \(from.path)") }
        let report = config.importServers(from: from)
        let written = report.added.isEmpty ? false : try write(config)
        return Imported(path: config.path, report: report, written: written)
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
        return try lastKnownGood.restore(to: configPath(word))
    }
}

/// One server of a config, its entry read as a definition once.
package struct ConfiguredServer: Sendable {
    package var name: String
    /// How the client starts or reaches it, or why the entry cannot be read.
    package var definition: Result<ServerDefinition, ServerDefinition.Error>

    package init(name: String, entry: JSONValue) {
        self.name = name
        do throws(ServerDefinition.Error) { definition = .success(try ServerDefinition(name: name, entry: entry)) } catch { definition = .failure(error) }
    }
}

extension ClientConfig {
    /// Every server, in file order.
    package var servers: [ConfiguredServer] { entries.map { ConfiguredServer(name: $0.name, entry: $0.entry) } }

    /// The servers `names` names, in file order (every one, when `names` is empty); a name that
    /// is not there throws, with a near name.
    func servers(named names: [String]) throws(EditError) -> [ConfiguredServer] {
        for name in names { _ = try requireEntry(named: name) }
        return servers.filter { names.isEmpty || names.contains($0.name) }
    }
}

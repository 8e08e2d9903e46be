/// The config history: every client file claudesh reads is kept when it changed, so that a
/// config wiped or broken by any program can be listed, compared and put back.
extension Workspace {
    package var configHistory: ConfigHistory { ConfigHistory(home: home) }

    /// Keeps the file `config` was read from, when it was one and it changed since last kept.
    func remember(_ config: ClientConfig) {
        if let bytes = config.bytesRead { remember(config.path, bytes) }
    }

    /// Keeps `bytes` as `path`'s newest version when they changed. Not under a dry run; a
    /// history that cannot be written is not the command's failure.
    func remember(_ path: String, _ bytes: [UInt8], own: Bool = false) {
        guard !dryRun else { return }
        _ = try? configHistory.remember(path, bytes: bytes, now: now, own: own)
    }

    /// Keeps `path` as claudesh's own edit just left it: a file claudesh emptied itself (the
    /// last server removed or disabled) is no wipe to warn of.
    func rememberOwnEdit(_ path: String) {
        guard !dryRun, let bytes = try? FileIO.read(path) else { return }
        remember(path, bytes, own: true)
    }

    /// The files whose history `word` means: a config (`desktop`, `user`, a path…); every file
    /// when nil.
    func historyFile(_ word: String?) -> String? {
        word.map { configPath($0) }
    }

    /// `mcp history [FILE]`: the kept versions, newest first, each with what changed from the
    /// version of the same file before it.
    package func configVersions(of word: String?) throws -> [(version: ConfigHistory.Version, added: [String], removed: [String])] {
        let file = historyFile(word)
        // The files as they are now are kept first: a wipe since the last read shows.
        if word == nil { _ = inventory() } else { _ = try? config(word) }
        let versions = try configHistory.all().filter { file == nil || $0.file == file }
        var listed: [(version: ConfigHistory.Version, added: [String], removed: [String])] = []
        var previous: [String: [String]] = [:]
        for version in versions {
            let before = previous[version.file] ?? []
            listed.append((version, version.servers.filter { !before.contains($0) }, before.filter { !version.servers.contains($0) }))
            previous[version.file] = version.servers
        }
        return listed.reversed()
    }

    /// What `mcp diff` compares and found.
    package struct ConfigDiff: Sendable {
        package var file: String
        package var from: ConfigHistory.Version
        /// The version compared with: nil for the file as it is now.
        package var to: ConfigHistory.Version?
        package var changes: [ServerObjects.Change]
    }

    /// `mcp diff [VERSION]`: from `id` (else the version of the config `word` names kept before
    /// the newest) to the file as it is now.
    package func configDiff(_ id: String?, config word: String?) throws -> ConfigDiff {
        let history = configHistory
        let from: ConfigHistory.Version
        if let id {
            from = try history.version(id, of: word.map { configPath($0) })
        } else {
            let file = configPath(word)
            _ = try? config(word) // the file as it is now is kept first
            let versions = try history.all().filter { $0.file == file }
            guard versions.count >= 2 else {
                throw OperationError.failed("\(file) has \(versions.isEmpty ? "no kept version" : "one kept version, the file as it is"): nothing to compare yet")
            }
            from = versions[versions.count - 2]
        }
        let old = ServerObjects((try? JSONParser.parse(try history.bytes(of: from))) ?? .object([]))
        let now = Path.kind(of: from.file) == .missing ? nil : try FileIO.read(from.file)
        let new = ServerObjects(now.flatMap { try? JSONParser.parse($0) } ?? .object([]))
        return ConfigDiff(file: from.file, from: from, to: nil, changes: ServerObjects.changes(from: old, to: new))
    }

    /// What `mcp restore VERSION` did.
    package struct ConfigRestored: Sendable {
        package var file: String
        package var version: ConfigHistory.Version
        /// What changed in the file's servers (nothing, when it had them as the version does).
        package var changes: [ServerObjects.Change]
        package var written: Bool
    }

    /// `mcp restore VERSION`: puts the version's servers back in its file, every `mcpServers`
    /// object (the top level's, each project's) as the version had it, through the same safe
    /// write as every edit: the client's other keys stay as they are now. With `whole`, the
    /// version's bytes replace the file (a file wiped of more than its servers); the file as it
    /// is now was kept as a version when it was read, so this too can be undone.
    package func restoreConfigVersion(_ id: String, whole: Bool) throws -> ConfigRestored {
        let history = configHistory
        let version = try history.version(id)
        let bytes = try history.bytes(of: version)
        guard let document = try? JSONParser.parse(bytes), case .object = document else {
            throw OperationError.failed("version \(version.id) of \(version.file) is not a JSON object (it was kept as claudesh read it): nothing to put back")
        }
        let wanted = ServerObjects(document)
        let location = ConfigLocation(path: version.file)
        if let current = try? ClientConfig(location: location) { remember(current) }
        if whole {
            let current = Path.kind(of: version.file) == .missing ? nil : try FileIO.read(version.file)
            let changes = ServerObjects.changes(from: ServerObjects(current.flatMap { try? JSONParser.parse($0) } ?? .object([])), to: wanted)
            guard !dryRun, current != bytes else { return ConfigRestored(file: version.file, version: version, changes: changes, written: false) }
            try FileIO.makeDirectory(Path.directory(of: version.file))
            try AtomicFile.update(version.file) { _ in (bytes, ()) }
            return ConfigRestored(file: version.file, version: version, changes: changes, written: true)
        }
        var changes: [ServerObjects.Change] = []
        let edit = try ClientConfig.edit(location, writing: !dryRun) { config in
            changes = config.setServers(as: document, writtenIn: bytes, emptyingOthers: true)
        }
        return ConfigRestored(file: version.file, version: version, changes: changes, written: edit.written)
    }

    /// The client files that had servers when last kept and have none now (empty, missing, or
    /// not JSON): `health`'s warnings, each with the version to put back.
    func wipedConfigs() -> [(file: String, version: ConfigHistory.Version)] {
        guard let versions = try? configHistory.all() else { return [] }
        let parked = Set(((try? parkedServers.all()) ?? []).map { $0.config })
        var wiped: [(file: String, version: ConfigHistory.Version)] = []
        for file in Set(versions.map { $0.file }).sorted() {
            // Emptied by claudesh's own edit, or its servers parked by mcp disable: meant.
            if versions.last(where: { $0.file == file })?.own == true || parked.contains(file) { continue }
            guard let good = versions.last(where: { $0.file == file && !$0.servers.isEmpty }) else { continue }
            let bytes = Path.kind(of: file) == .missing ? nil : try? FileIO.read(file)
            let now = bytes.flatMap { try? JSONParser.parse($0) }.map { ServerObjects($0).count } ?? 0
            if now == 0 { wiped.append((file, good)) }
        }
        return wiped
    }
}

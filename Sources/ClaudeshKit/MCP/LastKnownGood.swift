#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The last config every server passed with: `HOME/backups/mcp-config-good.json`.
package struct LastKnownGood: Sendable {
    package let path: String

    init(home: String) {
        path = Path.join(Path.join(home, "backups"), "mcp-config-good.json")
    }

    var exists: Bool { Path.kind(of: path) == .file }

    /// Copies `config`'s file as it was read (every key kept, byte for byte), atomically, mode 0600.
    /// The very same copy is left as it is: health watch saves after every round that passes.
    func save(_ config: ClientConfig) throws(FileError) {
        let bytes = config.original ?? Array(config.text.utf8)
        if exists, (try? FileIO.read(path)) == bytes { return }
        try FileIO.makeDirectory(Path.directory(of: path))
        try AtomicFile.write(bytes, to: path, mode: 0o600)
    }

    /// What `restore` did: the file it wrote, and where the replaced file was kept.
    package struct Restored: Sendable, Equatable {
        package var path: String
        package var keptAs: String?
    }

    /// Puts the saved copy at `target`, keeping the current file beside it first as
    /// `TARGET.before-restore.YYYYMMDDTHHMMSSZ` (the time `now`, UTC): every replaced file is
    /// kept, never one over another. The saved copy must parse, or nothing is touched.
    func restore(to target: String, now: Int = Timestamp.now) throws -> Restored {
        try restore(to: ConfigLocation(path: target), now: now)
    }

    /// Puts the saved copy back as `location`'s config. Into Claude Code's `~/.claude.json`,
    /// while it reads, only that location's servers go back (the top level's, or the
    /// project's), the rest of the file as it is now.
    func restore(to location: ConfigLocation, now: Int = Timestamp.now) throws -> Restored {
        let target = location.path
        guard exists else {
            throw ClientConfig.Error.file(FileError("read", path, code: ENOENT))
        }
        // The copy must be a config, not merely readable: a blank file would wipe the target.
        let bytes: [UInt8]
        do { bytes = try FileIO.read(path) } catch { throw ClientConfig.Error.file(error) }
        let parsed: JSONValue
        do throws(JSONParser.Error) { parsed = try JSONParser.parse(bytes) } catch { throw ClientConfig.Error.malformed(path: path, error) }
        guard case .object = parsed else { throw ClientConfig.Error.notAnObject(path: path) }
        do throws(FileError) { try FileIO.makeDirectory(Path.directory(of: target)) } catch { throw ClientConfig.Error.file(error) }
        // Claude Code rewrites ~/.claude.json as it runs (projects, history, settings): when it
        // still reads, only its servers go back, its other keys as they are now.
        if Path.lastComponent(of: target) == ".claude.json", let current = try? FileIO.read(target), case .object? = try? JSONParser.parse(current) {
            let kept = try Self.keep(current, of: target, now: now)
            let copy = try ClientConfig(location: ConfigLocation(path: path, project: location.project))
            _ = try ClientConfig.edit(location, writing: true) { config in
                for name in config.serverNames where copy.entry(named: name) == nil { config.setEntry(name, nil) }
                for (name, entry) in copy.entries {
                    if let text = copy.entryText(named: name) { config.keepText(text, for: name) }
                    config.setEntry(name, entry)
                }
            }
            return Restored(path: target, keptAs: kept)
        }
        // What is kept is what was replaced: a client's write in between is kept instead.
        let kept = try AtomicFile.update(target) { current in
            guard let current else { return (bytes, nil as String?) }
            return (bytes, try Self.keep(current, of: target, now: now))
        }
        return Restored(path: target, keptAs: kept)
    }

    /// Writes `bytes` as a new `TARGET.before-restore.STAMP` (`-2`, `-3`… after the stamp when
    /// two restores fall in one second), never over an earlier one: where it went.
    static func keep(_ bytes: [UInt8], of target: String, now: Int) throws(FileError) -> String {
        let base = target + keptSuffix + Timestamp.compact(now)
        var candidate = base
        var number = 1
        while true {
            do {
                try AtomicFile.create(bytes, at: candidate, mode: 0o600)
                return candidate
            } catch where error.code == EEXIST {
                number += 1
                candidate = base + "-\(number)"
            }
        }
    }

    static let keptSuffix = ".before-restore."

    /// The files `restore` kept of `target`, oldest first (the old unnumbered name included).
    static func keptCopies(of target: String) -> [String] {
        let folder = Path.directory(of: target)
        let name = Path.lastComponent(of: target)
        return Directory.entries(of: folder).map { $0.name }
            .filter { $0 == name + ".before-restore" || $0.hasPrefix(name + keptSuffix) }
            .sorted().map { Path.join(folder, $0) }
    }
}

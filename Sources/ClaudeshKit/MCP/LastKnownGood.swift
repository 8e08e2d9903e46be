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
    func save(_ config: ClientConfig) throws(FileError) {
        let bytes = config.original ?? Array(config.text.utf8)
        try FileIO.makeDirectory(Path.directory(of: path))
        try AtomicFile.write(bytes, to: path, mode: 0o600)
    }

    /// What `restore` did: the file it wrote, and where the replaced file was kept.
    package struct Restored: Sendable, Equatable {
        package var path: String
        package var keptAs: String?
    }

    /// Puts the saved copy at `target`, keeping the current file beside it first as
    /// `TARGET.before-restore`. The saved copy must parse, or nothing is touched.
    func restore(to target: String) throws -> Restored {
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
        // What is kept is what was replaced: a client's write in between is kept instead.
        let kept = try AtomicFile.update(target) { current in
            guard let current else { return (bytes, nil as String?) }
            let keep = target + ".before-restore"
            try AtomicFile.write(current, to: keep)
            return (bytes, keep)
        }
        return Restored(path: target, keptAs: kept)
    }
}

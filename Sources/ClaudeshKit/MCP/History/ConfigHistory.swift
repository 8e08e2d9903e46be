#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every version of the clients' config files claudesh has read, kept in its home so that a
/// wiped or broken config can be put back: `HOME/config-history/versions/<sha256>` (the bytes,
/// mode 0600, each kept once however many files or times it was seen) and `index.json` (which
/// file had which version, first seen when, how many servers). A file's versions beyond
/// `limit` are dropped, oldest first.
package struct ConfigHistory: Sendable {
    package let folder: String
    var index: String { Path.join(folder, "index.json") }
    var versions: String { Path.join(folder, "versions") }
    /// Versions kept per file.
    let limit: Int

    init(home: String, limit: Int = 50) {
        folder = Path.join(home, "config-history")
        self.limit = limit
    }

    /// One kept version of one file.
    package struct Version: Sendable, Equatable {
        package var file: String
        package var hash: String
        /// When claudesh first saw the file so, in seconds since 1970.
        package var seen: Int
        /// Its servers (`time`, `time (local /p)`), and whether the file was empty or not JSON.
        package var servers: [String]
        package var readable: Bool
        /// claudesh's own edit made it (an add, a remove, a disable): not a wipe to warn of.
        package var own: Bool

        /// What users type: 12 digits of the hash of the file's path with its content, so that
        /// two files that once held the same bytes have two IDs (the content is kept once).
        package var id: String { String(SHA256.hex(Array((file + "\n" + hash).utf8)).prefix(12)) }

        var json: JSONValue {
            .object([("file", .string(file)), ("hash", .string(hash)), ("seen", .int(seen)),
                     ("servers", .array(servers.map(JSONValue.string))), ("readable", .bool(readable)), ("own", .bool(own))])
        }

        init(file: String, hash: String, seen: Int, servers: [String], readable: Bool, own: Bool) {
            self.file = file
            self.hash = hash
            self.seen = seen
            self.servers = servers
            self.readable = readable
            self.own = own
        }

        init?(json: JSONValue) {
            guard let file = json["file"]?.stringValue, let hash = json["hash"]?.stringValue, case .int(let seen)? = json["seen"] else { return nil }
            self.init(file: file, hash: hash, seen: seen, servers: json["servers"].strings, readable: json["readable"] != .bool(false),
                      own: json["own"] == .bool(true))
        }
    }

    /// Keeps `bytes` as `file`'s newest version when they differ from the newest kept one;
    /// returns the version when it was new.
    @discardableResult
    func remember(_ file: String, bytes: [UInt8], now: Int, own: Bool = false) throws -> Version? {
        let hash = SHA256.hex(bytes)
        if let newest = try all().last(where: { $0.file == file }), newest.hash == hash { return nil }
        let parsed = try? JSONParser.parse(bytes)
        let empty = bytes.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        let version = Version(file: file, hash: hash, seen: now, servers: parsed.map { ServerObjects($0).names } ?? [], readable: parsed != nil || empty, own: own)
        try FileIO.makeDirectory(versions)
        let stored = Path.join(versions, hash)
        if Path.kind(of: stored) == .missing {
            do throws(FileError) { try AtomicFile.create(bytes, at: stored, mode: 0o600) } catch {
                if error.code != EEXIST { throw error } // EEXIST: another claudesh kept it first
            }
        }
        // Another claudesh may be keeping a version at the same time: the index is changed on
        // what is there at the moment of writing.
        let dropped: [String] = try AtomicFile.update(index, mode: 0o600) { current in
            var kept = Self.parse(current)
            guard kept.last(where: { $0.file == file })?.hash != hash else { return (nil, []) }
            kept.append(version)
            var dropped: [String] = []
            // The file's oldest versions beyond the limit, by position: a content seen again in
            // the same second is another version, not the same one.
            var excess = kept.filter { $0.file == file }.count - limit
            if excess > 0 {
                var removed: [String] = []
                kept = kept.filter { entry in
                    guard excess > 0, entry.file == file else { return true }
                    excess -= 1
                    removed.append(entry.hash)
                    return false
                }
                dropped = removed.filter { hash in !kept.contains { $0.hash == hash } }
            }
            let text = JSONValue.object([("versions", .array(kept.map { $0.json }))]).serialized(pretty: true) + "\n"
            return (Array(text.utf8), dropped)
        }
        for hash in Set(dropped) { unlink(Path.join(versions, hash)) }
        return version
    }

    /// Every version, oldest first; none when nothing was kept yet. An index that cannot be
    /// read is none too: it is claudesh's own, and the next version kept writes a good one.
    package func all() throws -> [Version] {
        guard Path.kind(of: index) != .missing else { return [] }
        return Self.parse(try FileIO.read(index))
    }

    static func parse(_ bytes: [UInt8]?) -> [Version] {
        guard let bytes, case .array(let items)? = (try? JSONParser.parse(bytes))?["versions"] else { return [] }
        return items.compactMap(Version.init(json:))
    }

    /// The bytes of `version`.
    package func bytes(of version: Version) throws -> [UInt8] {
        try FileIO.read(Path.join(versions, version.hash))
    }

    /// The version `id` names (an ID of `mcp history`, or the start of one, at least 6
    /// digits), of `file` when given.
    package func version(_ id: String, of file: String? = nil) throws -> Version {
        let id = id.lowercased()
        guard id.count >= 6, id.allSatisfy({ $0.isHexDigit }) else {
            throw OperationError.usage("'\(id.clipped(40))' is not a version: give the ID mcp history shows (6 or more hex digits)")
        }
        let matches = try all().filter { $0.id.hasPrefix(id) && (file == nil || $0.file == file) }
        guard let newest = matches.last else { throw OperationError.usage("no kept version \(id)\(file.map { " of \($0)" } ?? ""): mcp history lists them") }
        guard Set(matches.map { $0.id }).count == 1 else { throw OperationError.usage("\(id) names more than one version: give more digits") }
        return newest
    }
}

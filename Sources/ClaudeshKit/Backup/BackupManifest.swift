/// The first member of a backup: every other member's path (relative to the home), kind, size,
/// mode and SHA-256, so that verify can tell a backup that restores byte for byte from one
/// that does not.
package struct BackupManifest: Sendable, Equatable {
    static let memberName = ".claudesh-backup-manifest.json"
    static let format = 1

    package struct Item: Sendable, Equatable {
        enum Kind: String, Sendable { case file, directory, symlink }

        package var path: String
        var kind: Kind
        var size: Int64
        /// Permission bits, e.g. 0o600.
        var mode: UInt32
        /// Files only.
        var sha256: String?
        /// Links only.
        var target: String?

        init(path: String, kind: Kind, size: Int64, mode: UInt32, sha256: String? = nil, target: String? = nil) {
            self.path = path
            self.kind = kind
            self.size = size
            self.mode = mode
            self.sha256 = sha256
            self.target = target
        }
    }

    /// When it was made, seconds since 1970.
    var created: Int
    var items: [Item]

    init(created: Int, items: [Item]) {
        self.created = created
        self.items = items
    }

    var json: JSONValue {
        .object([
            ("format", .int(Self.format)),
            ("created", .int(created)),
            ("items", .array(items.map { item in
                var members: [(String, JSONValue)] = [
                    ("path", .string(item.path)), ("kind", .string(item.kind.rawValue)),
                    ("size", .int(Int(item.size))), ("mode", .string(String(item.mode, radix: 8))),
                ]
                if let sha256 = item.sha256 { members.append(("sha256", .string(sha256))) }
                if let target = item.target { members.append(("target", .string(target))) }
                return .object(members)
            })),
        ])
    }

    struct Error: Swift.Error, CustomStringConvertible, Sendable, Equatable {
        var description: String
    }

    /// Reads a manifest; anything it does not expect is an error (a damaged backup).
    init(parsing bytes: [UInt8]) throws(Error) {
        let document: JSONValue
        do { document = try JSONParser.parse(bytes) } catch { throw Error(description: "the manifest is not JSON (\(error))") }
        guard document["format"]?.integerValue == Int64(Self.format) else {
            throw Error(description: "the manifest's format is not \(Self.format): made by another version of claudesh?")
        }
        guard let created = document["created"]?.integerValue, case .array(let entries)? = document["items"] else {
            throw Error(description: "the manifest lacks its creation time or its items")
        }
        var items: [Item] = []
        for entry in entries {
            guard let path = entry["path"]?.stringValue, let kind = entry["kind"]?.stringValue.flatMap(Item.Kind.init(rawValue:)),
                  let size = entry["size"]?.integerValue, let mode = entry["mode"]?.stringValue.flatMap({ UInt32($0, radix: 8) }) else {
                throw Error(description: "a manifest item is incomplete")
            }
            items.append(Item(path: path, kind: kind, size: size, mode: mode, sha256: entry["sha256"]?.stringValue, target: entry["target"]?.stringValue))
        }
        self.init(created: Int(created), items: items)
    }
}

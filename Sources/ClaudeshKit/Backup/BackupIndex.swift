/// What claudesh knows of the backups in a folder without decrypting them: members and the
/// last verify, in `.claudesh-backups.json` next to them (names and numbers only).
package struct BackupIndex: Sendable {
    static let fileName = ".claudesh-backups.json"

    package struct Record: Sendable, Equatable {
        package var members: Int
        /// Seconds since 1970 of the last verify, and whether it found the backup whole.
        package var verifiedAt: Int?
        package var verifiedWhole: Bool?

        init(members: Int, verifiedAt: Int?, verifiedWhole: Bool?) {
            self.members = members
            self.verifiedAt = verifiedAt
            self.verifiedWhole = verifiedWhole
        }
    }

    let folder: String
    private(set) var records: [String: Record] = [:]

    /// Reads the index of `folder`; a missing or unreadable one is empty (it is only a cache).
    init(folder: String) {
        self.folder = folder
        guard let bytes = try? FileIO.read(Path.join(folder, Self.fileName)), case .object(let members)? = try? JSONParser.parse(bytes) else { return }
        for (name, value) in members {
            guard let count = value["members"]?.integerValue else { continue }
            var verifiedWhole: Bool?
            if case .bool(let whole)? = value["verified_whole"] { verifiedWhole = whole }
            records[name] = Record(members: Int(count), verifiedAt: value["verified_at"]?.integerValue.map { Int($0) }, verifiedWhole: verifiedWhole)
        }
    }

    subscript(name: String) -> Record? {
        get { records[name] }
        set { records[name] = newValue }
    }

    /// Writes the index, keeping only backups that still exist.
    mutating func save() throws(FileError) {
        records = records.filter { Path.kind(of: Path.join(folder, $0.key)) == .file }
        let value = JSONValue.object(records.keys.sorted().map { name in
            let record = records[name]!
            return (name, .object([
                ("members", .int(record.members)),
                ("verified_at", record.verifiedAt.map { .int($0) } ?? .null),
                ("verified_whole", record.verifiedWhole.map(JSONValue.bool) ?? .null),
            ]))
        })
        try AtomicFile.write(Array(value.serialized(pretty: true).utf8) + [0x0A], to: Path.join(folder, Self.fileName), mode: 0o600)
    }
}

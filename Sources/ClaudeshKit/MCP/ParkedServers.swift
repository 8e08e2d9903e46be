/// Servers disabled in a config that has no way of its own to turn one off (Claude Desktop's,
/// a file given with `--config`): each entry is taken out of the file and kept here, in
/// `HOME/disabled-servers.json` (by config, then name; mode 0600), with its text as written and
/// its place, so that `mcp enable` puts it back byte for byte where it was.
package struct ParkedServers: Sendable {
    package typealias Error = HomeJSONFile.Error
    private let file: ServerStateFile
    package var path: String { file.path }

    /// One parked entry.
    package struct Parked: Sendable {
        package var entry: JSONValue
        /// The entry's value as the file had it.
        var text: [UInt8]?
        /// Its index among the servers, and the names before and after it then (the parked ones
        /// counted where they stood): it goes back after the last of `before` that is there.
        var position: Int
        var before: [String]
        var after: [String]
        /// `20261205T041500Z`, UTC.
        package var disabledAt: String
        /// The whole file before the entry was taken out, and the SHA-256 of it after: when the
        /// file is still as it was left, enabling writes `fileBefore` back, byte for byte.
        var fileBefore: [UInt8]?
        var fileAfterHash: String?

        var json: JSONValue {
            .object([
                ("entry", entry), ("text_base64", text.map { .string(Base64.encode($0)) } ?? .null),
                ("file_before_base64", fileBefore.map { .string(Base64.encode($0)) } ?? .null), ("file_after_sha256", fileAfterHash.map(JSONValue.string) ?? .null),
                ("position", .int(position)), ("before", .array(before.map(JSONValue.string))), ("after", .array(after.map(JSONValue.string))),
                ("disabled_at", .string(disabledAt)),
            ])
        }

        init(entry: JSONValue, text: [UInt8]?, position: Int, before: [String], after: [String], disabledAt: String) {
            self.entry = entry
            self.text = text
            self.position = position
            self.before = before
            self.after = after
            self.disabledAt = disabledAt
        }

        /// Where it goes back among `names`: after the last of the names that stood before it,
        /// else before the first of those after it, else at its old index.
        func place(in names: [String]) -> Int {
            if let last = names.lastIndex(where: { before.contains($0) }) { return last + 1 }
            if let first = names.firstIndex(where: { after.contains($0) }) { return first }
            return min(max(position, 0), names.count)
        }

        init?(json: JSONValue) {
            guard let entry = json["entry"], case .object = entry, case .int(let position)? = json["position"],
                  let disabledAt = json["disabled_at"]?.stringValue else { return nil }
            self.entry = entry
            text = json["text_base64"]?.stringValue.flatMap { Base64.decode($0) }
            self.position = position
            before = json["before"].strings
            after = json["after"].strings
            self.disabledAt = disabledAt
            fileBefore = json["file_before_base64"]?.stringValue.flatMap { Base64.decode($0) }
            fileAfterHash = json["file_after_sha256"]?.stringValue
        }
    }

    init(home: String, defaultConfig: String) {
        file = ServerStateFile(home: home, name: "disabled-servers.json", defaultConfig: defaultConfig, shape: "their parked entries")
    }

    /// Every parked entry: config key, server, entry.
    package func all() throws(Error) -> [(config: String, server: String, parked: Parked)] {
        var parked: [(config: String, server: String, parked: Parked)] = []
        for (config, server, value) in try file.entries() {
            guard let entry = Parked(json: value) else {
                throw file.malformed(server, in: config, "not a parked entry ({\"entry\": {...}, \"position\": N, \"disabled_at\": TIME})")
            }
            parked.append((config, server, entry))
        }
        return parked
    }

    /// Keeps `parked` as `server` of `config`, or forgets it (nil).
    func set(_ server: String, in config: String, to parked: Parked?) throws(Error) {
        _ = try all() // a malformed file is reported, not overwritten
        try file.update(in: config) { servers in servers[server] = parked?.json }
    }
}

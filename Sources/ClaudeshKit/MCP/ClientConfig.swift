/// A client's config file (Claude Desktop's, Claude Code's `~/.claude.json` or `.mcp.json`):
/// read whole, changed in one `mcpServers` object only (the top level's, or a project's for
/// Claude Code's local scope), written back atomically in the file's own mode, through a link to
/// its target, and never over what the client wrote meanwhile (`edit`).
package struct ClientConfig: Sendable {
    package private(set) var location: ConfigLocation
    package var path: String { location.path }
    /// The whole document, in file order.
    private(set) var document: JSONValue
    /// The file's bytes as read, when it existed: what was probed is what gets saved as good,
    /// even if the client rewrote the file meanwhile.
    private(set) var original: [UInt8]?
    /// The file as parsed, with where its members are: edits are spliced into its text. Made
    /// when an edit or a member's text needs it: most reads only look (a 5 MB `~/.claude.json`
    /// parses a third faster without the spans).
    private var source: JSONSource? {
        guard let original, parsedNonEmpty else { return nil }
        return try? JSONSource(original)
    }
    /// The file held a document (not nothing, not only whitespace).
    private var parsedNonEmpty = false
    /// New members to write as this text (`insertEntry`).
    private var verbatim: [String: [UInt8]] = [:]

    package enum Error: Swift.Error, CustomStringConvertible, Sendable, Equatable {
        case malformed(path: String, JSONParser.Error)
        case notAnObject(path: String)
        /// A value on the way to the servers (`projects["/p"]`, `mcpServers`) that is not an object.
        case notAnObjectAt(path: String, key: String)
        /// The key's two places, as `line:column`.
        case duplicateKey(path: String, key: String, first: String, second: String)
        case file(FileError)

        package var description: String {
            switch self {
            case .malformed(let path, let error):
                return "\(path):\(error.line):\(error.column): \(error.message) (the file was not changed)"
            case .notAnObject(let path):
                return "\(path): the top level is not a JSON object (the file was not changed)"
            case .notAnObjectAt(let path, let key):
                return "\(path): \(key) is not a JSON object, so the servers cannot be read or written there: fix it by hand (the file was not changed)"
            case .duplicateKey(let path, let key, let first, let second):
                return "\(path):\(first) and \(path):\(second): the key \"\(key)\" is there twice, so which one to change is unclear: merge them into one, then try again (the file was not changed)"
            case .file(let error):
                return error.description
            }
        }
    }

    /// Reads `path`; a missing file is an empty config. A malformed one throws and is never written.
    init(path: String) throws(Error) {
        try self.init(location: ConfigLocation(path: path))
    }

    /// Reads the file of `location`; a missing file is an empty config.
    init(location: ConfigLocation) throws(Error) {
        let path = location.path
        guard Path.kind(of: path) != .missing else {
            try self.init(location: location, bytes: nil)
            return
        }
        let bytes: [UInt8]
        do { bytes = try FileIO.read(path) } catch { throw .file(error) }
        try self.init(location: location, bytes: bytes)
    }

    /// The config `path` holds when its bytes are `bytes` (nil: there is no file).
    init(path: String, bytes: [UInt8]?) throws(Error) {
        try self.init(location: ConfigLocation(path: path), bytes: bytes)
    }

    /// The config at `location` when its file's bytes are `bytes` (nil: there is no file).
    init(location: ConfigLocation, bytes: [UInt8]?) throws(Error) {
        self.location = location
        let path = location.path
        guard let bytes else {
            document = .object([])
            return
        }
        original = bytes
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            document = .object([]) // an empty file, as an editor may leave one
            return
        }
        do { document = try JSONParser.parse(bytes) } catch { throw .malformed(path: path, error) }
        parsedNonEmpty = true
        guard case .object = document else { throw .notAnObject(path: path) }
        // Every object on the way to the servers must be one (or missing): an edit through
        // anything else could not be made, and must not look as if it were.
        var value = document
        var shown = ""
        for key in location.keyPath + ["mcpServers"] {
            shown += shown.isEmpty ? key : "[\"\(key)\"]"
            guard let next = value[key] else { break }
            guard case .object = next else { throw .notAnObjectAt(path: path, key: shown) }
            value = next
        }
    }

    /// The same file read, its servers at `location` (another project's of `~/.claude.json`):
    /// one parse for every scope of a file.
    func relocated(to location: ConfigLocation) -> ClientConfig {
        var config = self
        config.location = location
        return config
    }

    /// The bytes the file had when read; nil when there was no file.
    var bytesRead: [UInt8]? { original }

    /// The `mcpServers` entries, in file order.
    var entries: [(name: String, entry: JSONValue)] {
        guard case .object(let members)? = document.value(at: location.keyPath + ["mcpServers"]) else { return [] }
        return members.map { (name: $0.0, entry: $0.1) }
    }

    func entry(named name: String) -> JSONValue? { document.value(at: location.keyPath + ["mcpServers", name]) }

    /// Adds or replaces the entry `name`, keeping its place when it exists.
    mutating func setEntry(_ name: String, _ entry: JSONValue?) {
        document = document.setting(at: (location.keyPath + ["mcpServers", name])[...], to: entry)
    }

    /// Adds the entry `name` as the `position`th of the servers, written as `text` when its
    /// value is that text: a parked server put back where and as it was.
    mutating func insertEntry(_ name: String, _ entry: JSONValue, position: Int, text: [UInt8]?) {
        var members: [(String, JSONValue)] = []
        if case .object(let existing)? = document.value(at: location.keyPath + ["mcpServers"]) { members = existing }
        members.insert((name, entry), at: min(max(position, 0), members.count))
        document = document.setting(at: (location.keyPath + ["mcpServers"])[...], to: .object(members))
        if let text { verbatim[name] = text }
    }

    /// Writes a new member named `key` as `text` when its value is that text (a restored
    /// server keeps its numbers and spacing as the version had them).
    mutating func keepText(_ text: [UInt8], for key: String) { verbatim[key] = text }

    /// The entry `name` as written in the file, when it was read from one.
    func entryText(named name: String) -> [UInt8]? { source?.text(at: location.keyPath + ["mcpServers", name]) }

    /// The value at `keys` from the top of the document.
    func value(at keys: [String]) -> JSONValue? { document.value(at: keys) }

    /// Sets the value at `keys` (nil removes it), the objects on the way made when missing.
    mutating func setValue(_ value: JSONValue?, at keys: [String]) {
        document = document.setting(at: keys[...], to: value)
    }

    /// The file's text: two-space indentation, as the clients write it, and a final newline.
    var text: String { document.serialized(pretty: true) + "\n" }

    /// The bytes to write: the edit spliced into the file as read, so every value it did not
    /// change keeps its exact text; a new file is `text`.
    func editedBytes() throws(Error) -> [UInt8] {
        guard let original, parsedNonEmpty else { return Array(text.utf8) }
        let source: JSONSource
        do { source = try JSONSource(original) } catch { throw .malformed(path: path, error) }
        do { return try source.splicing(document, verbatim: verbatim) } catch {
            throw .duplicateKey(path: path, key: error.key, first: "\(error.first.line):\(error.first.column)", second: "\(error.second.line):\(error.second.column)")
        }
    }

    /// Reads the config at `path`, lets `change` edit it and writes it back when the document
    /// changed and `writing` holds, creating its folder (mode 0700) when needed. A client that
    /// rewrote the file between the read and the write gets `change` made again on its version
    /// (`AtomicFile.update`), so neither side's write is lost. Returns `change`'s result and
    /// whether the file was written.
    static func edit<Result>(_ location: ConfigLocation, writing: Bool, _ change: (inout ClientConfig) throws -> Result) throws -> (result: Result, written: Bool) {
        let path = location.path
        guard writing else {
            var config = try ClientConfig(location: location)
            return (try change(&config), false)
        }
        do throws(FileError) { try FileIO.makeDirectory(Path.directory(of: path)) } catch { throw Error.file(error) }
        return try AtomicFile.update(path) { bytes in
            var config = try ClientConfig(location: location, bytes: bytes)
            let before = config.document
            let result = try change(&config)
            let changed = config.document != before
            return (changed ? try config.editedBytes() : nil, (result, changed))
        }
    }
}

/// Where a config's servers are: a file's top-level `mcpServers` (Desktop's config, Claude
/// Code's user scope in `~/.claude.json`, a `.mcp.json`), or Claude Code's local scope, the
/// `mcpServers` of one project's entry in `~/.claude.json` (`projects["/abs/path"]`), which is
/// where `claude mcp add` writes by default.
package struct ConfigLocation: Sendable, Hashable {
    package var path: String
    /// The project of a local-scope location (an absolute path, as Claude Code keys it).
    package var project: String?

    package init(path: String, project: String? = nil) {
        self.path = path
        self.project = project
    }

    /// What claudesh keeps per server is keyed by this: the file, and for the local scope the
    /// project after a `#` (a path starts with `/`, so the key does too).
    package var key: String { project.map { "\(path)#\($0)" } ?? path }

    /// For messages: the file, and the project of a local-scope location.
    package var description: String { project.map { "\(path) (local scope of \($0))" } ?? path }

    /// The keys from the top of the document to the object that holds `mcpServers`.
    var keyPath: [String] { project.map { ["projects", $0] } ?? [] }
}

extension JSONValue? {
    /// The strings of an array of them (what settings' name lists are); none for anything else.
    var strings: [String] {
        guard case .array(let items)? = self else { return [] }
        return items.compactMap { $0.stringValue }
    }
}

extension JSONValue {
    /// The value at `keys`, object by object; nil when one is missing or not an object.
    func value(at keys: [String]) -> JSONValue? {
        keys.reduce(Optional(self)) { value, key in value?[key] }
    }

    /// This value with the one at `keys` set (nil removes it), the objects on the way made
    /// when missing. A value on the way that is not an object is left as it is.
    func setting(at keys: ArraySlice<String>, to new: JSONValue?) -> JSONValue {
        guard let first = keys.first else { return new ?? self }
        guard keys.count > 1 else { return setting(first, to: new) }
        let child = self[first] ?? .object([])
        return setting(first, to: child.setting(at: keys.dropFirst(), to: new))
    }
}

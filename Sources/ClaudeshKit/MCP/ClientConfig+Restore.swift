/// Putting servers back from another version of the same file.
extension ClientConfig {
    /// Sets every `mcpServers` object (the top level's, each project's) as `document` (the
    /// parsed `bytes` of another version) has them, each server written as `bytes` wrote it
    /// (numbers and spacing exact); with `emptyingOthers`, an object the version has not is
    /// emptied (else left as it is: a project added since keeps its servers). The file's other
    /// keys stay as they are. Returns what changed.
    @discardableResult
    mutating func setServers(as document: JSONValue, writtenIn bytes: [UInt8], emptyingOthers: Bool) -> [ServerObjects.Change] {
        var wanted = ServerObjects(document)
        let current = ServerObjects(value(at: []) ?? .object([]))
        if !emptyingOthers {
            wanted.objects += current.objects.filter { object in !wanted.objects.contains { $0.keyPath == object.keyPath } }
        }
        let changes = ServerObjects.changes(from: current, to: wanted)
        for object in current.objects where !wanted.objects.contains(where: { $0.keyPath == object.keyPath }) {
            setValue(.object([]), at: object.keyPath + ["mcpServers"])
        }
        let source = try? JSONSource(bytes)
        for object in wanted.objects {
            if let text = source?.text(at: object.keyPath + ["mcpServers"]) { keepText(text, for: "mcpServers") }
            for (name, _) in object.servers {
                if let text = source?.text(at: object.keyPath + ["mcpServers", name]) { keepText(text, for: name) }
            }
            setValue(.object(object.servers), at: object.keyPath + ["mcpServers"])
        }
        return changes
    }
}

/// What changed between a pinned tool surface and the current one, tool by tool: what
/// `mcp tools SERVER --diff` shows, so that "tools changed since pinned" can be judged before
/// `mcp pin` accepts it.
package struct ToolChanges: Sendable {
    package enum Change: Sendable {
        case added
        case removed
        /// The fields that differ, in the order a tool lists them.
        case changed([FieldChange])
    }

    /// One field of a tool, before and after (nil: not there). Schemas are shown as JSON.
    package struct FieldChange: Sendable {
        package var field: String
        package var old: String?
        package var new: String?
    }

    package var server: String
    /// When the pin was made; nil when the server has none (every tool is then added).
    package var pinnedAt: String?
    package var tools: [(name: String, change: Change)]

    package var isEmpty: Bool { tools.isEmpty }

    /// The fields shown by name; any other field that differs is shown too, after them.
    static let fields = ["title", "description", "inputSchema", "outputSchema", "annotations"]

    init(server: String, pinned: ToolPins.Pin?, current: ToolSurface) {
        self.server = server
        pinnedAt = pinned?.pinnedAt
        let before = Self.byName(pinned?.surface.tools ?? [])
        let after = Self.byName(current.tools)
        var tools: [(name: String, change: Change)] = []
        for (name, tool) in after {
            guard let old = before.first(where: { $0.name == name })?.tool else {
                tools.append((name, .added))
                continue
            }
            let fields = Self.fieldChanges(old, tool)
            if !fields.isEmpty { tools.append((name, .changed(fields))) }
        }
        for (name, _) in before where !after.contains(where: { $0.name == name }) { tools.append((name, .removed)) }
        self.tools = tools
    }

    private static func byName(_ tools: [JSONValue]) -> [(name: String, tool: JSONValue)] {
        tools.map { tool in (tool["name"]?.stringValue ?? "?", tool) }
    }

    private static func fieldChanges(_ old: JSONValue, _ new: JSONValue) -> [FieldChange] {
        var names = fields
        for case .object(let members) in [old, new] {
            for (key, _) in members where key != "name" && !names.contains(key) { names.append(key) }
        }
        return names.compactMap { field in
            let before = old[field]
            let after = new[field]
            guard before != after else { return nil }
            return FieldChange(field: field, old: before.map(Self.text), new: after.map(Self.text))
        }
    }

    /// A string as itself (a description reads as text), anything else as JSON.
    private static func text(_ value: JSONValue) -> String {
        value.stringValue ?? value.serialized()
    }
}

/// Each server's tool surface as the operator last accepted it, in `HOME/tool-pins.json`
/// (`{server: {hash, tools, pinned_at}}`): what a check compares with, and what
/// `mcp tools SERVER --diff` shows the change against.
package struct ToolPins: Sendable {
    package typealias Error = HomeJSONFile.Error
    private let file: HomeJSONFile
    package var path: String { file.path }

    /// One server's pin.
    package struct Pin: Sendable {
        package var surface: ToolSurface
        /// `20261205T041500Z`, UTC.
        package var pinnedAt: String

        var json: JSONValue {
            .object([("hash", .string(surface.hash)), ("tools", .array(surface.tools)), ("pinned_at", .string(pinnedAt))])
        }
    }

    init(home: String) {
        file = HomeJSONFile(home: home, name: "tool-pins.json")
    }

    /// Every server's pin, by name; a missing file is none. The hash is computed again from the
    /// tools kept: a hand-edited hash cannot hide a change.
    package func all() throws(Error) -> [String: Pin] {
        var pins: [String: Pin] = [:]
        for (server, value) in try file.members(shape: "server names and their pinned tools") {
            guard case .array(let tools)? = value["tools"], let pinnedAt = value["pinned_at"]?.stringValue else {
                throw file.malformed(server, "not a pin ({\"hash\": HEX, \"tools\": [...], \"pinned_at\": TIME})")
            }
            pins[server] = Pin(surface: ToolSurface(tools: tools), pinnedAt: pinnedAt)
        }
        return pins
    }

    /// Pins each of `surfaces` (by server) at `time`, the other pins kept.
    func pin(_ surfaces: [String: ToolSurface], at time: Int) throws(Error) {
        guard !surfaces.isEmpty else { return }
        var pins = try all()
        for (server, surface) in surfaces { pins[server] = Pin(surface: surface, pinnedAt: Timestamp.compact(time)) }
        try file.write(pins.map { ($0.key, $0.value.json) })
    }
}

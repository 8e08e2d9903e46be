/// Each server's tool surface as the operator last accepted it, in `HOME/tool-pins.json`
/// (by config file, then server: `{hash, tools, pinned_at}`, see `ServerStateFile`): what a
/// check compares with, and what `mcp tools SERVER --diff` shows the change against.
package struct ToolPins: Sendable {
    package typealias Error = HomeJSONFile.Error
    private let file: ServerStateFile
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

    init(home: String, defaultConfig: String) {
        file = ServerStateFile(home: home, name: "tool-pins.json", defaultConfig: defaultConfig, shape: "their pinned tools")
    }

    /// The pins of `config`'s servers, by name; a missing file is none. Every pin of the file
    /// is read, so that a malformed one is reported whichever config it is of. The hash is
    /// computed again from the tools kept: a hand-edited hash cannot hide a change.
    package func all(in config: String) throws(Error) -> [String: Pin] {
        var pins: [String: Pin] = [:]
        for (entryConfig, server, value) in try file.entries() {
            guard case .array(let tools)? = value["tools"], let pinnedAt = value["pinned_at"]?.stringValue else {
                throw file.malformed(server, in: entryConfig, "not a pin ({\"hash\": HEX, \"tools\": [...], \"pinned_at\": TIME})")
            }
            if entryConfig == config { pins[server] = Pin(surface: ToolSurface(tools: tools), pinnedAt: pinnedAt) }
        }
        return pins
    }

    /// Pins each of `surfaces` (by server of `config`) at `time`, the other pins kept.
    func pin(_ surfaces: [String: ToolSurface], in config: String, at time: Int) throws(Error) {
        guard !surfaces.isEmpty else { return }
        _ = try all(in: config) // a malformed file is reported, not overwritten
        try file.update(in: config) { servers in
            for (server, surface) in surfaces { servers[server] = Pin(surface: surface, pinnedAt: Timestamp.compact(time)).json }
        }
    }
}

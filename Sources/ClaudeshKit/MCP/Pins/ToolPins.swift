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
        try all()[config] ?? [:]
    }

    /// Every pin, by config key, then server name.
    package func all() throws(Error) -> [String: [String: Pin]] {
        var pins: [String: [String: Pin]] = [:]
        for (config, server, value) in try file.entries() {
            guard case .array(let tools)? = value["tools"], let pinnedAt = value["pinned_at"]?.stringValue else {
                throw file.malformed(server, in: config, "not a pin ({\"hash\": HEX, \"tools\": [...], \"pinned_at\": TIME})")
            }
            pins[config, default: [:]][server] = Pin(surface: ToolSurface(tools: tools), pinnedAt: pinnedAt)
        }
        return pins
    }

    /// Pins each of `surfaces` (a server of a config) at `time`, the other pins kept.
    func pin(_ surfaces: [(config: String, server: String, surface: ToolSurface)], at time: Int) throws(Error) {
        guard !surfaces.isEmpty else { return }
        _ = try all() // a malformed file is reported, not overwritten
        for config in Set(surfaces.map { $0.config }) {
            try file.update(in: config) { servers in
                for entry in surfaces where entry.config == config {
                    servers[entry.server] = Pin(surface: entry.surface, pinnedAt: Timestamp.compact(time)).json
                }
            }
        }
    }
}

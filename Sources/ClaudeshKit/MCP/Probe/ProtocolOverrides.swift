/// The era each server is to be spoken to in, when the operator fixed one (`mcp protocol NAME
/// modern`): `HOME/server-protocols.json`, claudesh's own, so that no client's file carries a key
/// the client does not know; by config file, then server name (`ServerStateFile`). A server not
/// named is probed with `auto`.
package struct ProtocolOverrides: Sendable {
    package typealias Error = HomeJSONFile.Error
    private let file: ServerStateFile
    package var path: String { file.path }

    init(home: String, defaultConfig: String) {
        file = ServerStateFile(home: home, name: "server-protocols.json", defaultConfig: defaultConfig, shape: "auto, modern or legacy")
    }

    /// Every fixed era: config, server, era.
    package func all() throws(Error) -> [(config: String, server: String, mode: ProtocolMode)] {
        var modes: [(config: String, server: String, mode: ProtocolMode)] = []
        for (config, server, value) in try file.entries() {
            guard let word = value.stringValue, let mode = ProtocolMode(word: word) else {
                throw file.malformed(server, in: config, "its era is not auto, modern or legacy")
            }
            modes.append((config, server, mode))
        }
        return modes
    }

    /// The fixed eras of `config`'s servers, by name; a missing file is none.
    package func all(in config: String) throws(Error) -> [String: ProtocolMode] {
        var modes: [String: ProtocolMode] = [:]
        for entry in try all() where entry.config == config { modes[entry.server] = entry.mode }
        return modes
    }

    /// Fixes the era of `name` of `config`; `auto` removes the entry.
    package func set(_ name: String, in config: String, to mode: ProtocolMode) throws(Error) {
        _ = try all() // a malformed file is reported, not overwritten
        try file.update(in: config) { servers in servers[name] = mode == .auto ? nil : .string(mode.rawValue) }
    }
}

/// The era each server is to be spoken to in, when the operator fixed one (`mcp protocol NAME
/// modern`): `HOME/server-protocols.json`, claudesh's own, so that no client's file carries a key
/// the client does not know. A server not named is probed with `auto`.
package struct ProtocolOverrides: Sendable {
    package typealias Error = HomeJSONFile.Error
    private let file: HomeJSONFile
    package var path: String { file.path }

    init(home: String) {
        file = HomeJSONFile(home: home, name: "server-protocols.json")
    }

    /// Every server's fixed era, by name; a missing file is none.
    package func all() throws(Error) -> [String: ProtocolMode] {
        var modes: [String: ProtocolMode] = [:]
        for (name, value) in try file.members(shape: "server names and auto, modern or legacy") {
            guard let word = value.stringValue, let mode = ProtocolMode(word: word) else {
                throw .malformed("\(path): \(name)'s era is not auto, modern or legacy")
            }
            modes[name] = mode
        }
        return modes
    }

    /// Fixes `name`'s era; `auto` removes the entry.
    package func set(_ name: String, to mode: ProtocolMode) throws(Error) {
        var modes = try all()
        modes[name] = mode == .auto ? nil : mode
        try file.write(modes.map { ($0.key, JSONValue.string($0.value.rawValue)) })
    }
}

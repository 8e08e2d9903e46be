/// The era each server is to be spoken to in, when the operator fixed one (`mcp protocol NAME
/// modern`): `HOME/server-protocols.json`, claudesh's own, so that no client's file carries a key
/// the client does not know. A server not named is probed with `auto`.
package struct ProtocolOverrides: Sendable {
    package let path: String

    package enum Error: Swift.Error, CustomStringConvertible, Sendable {
        case file(FileError)
        case malformed(String)

        package var description: String {
            switch self {
            case .file(let error): return error.description
            case .malformed(let reason): return reason
            }
        }
    }

    init(home: String) {
        path = Path.join(home, "server-protocols.json")
    }

    /// Every server's fixed era, by name; a missing file is none.
    package func all() throws(Error) -> [String: ProtocolMode] {
        guard Path.kind(of: path) != .missing else { return [:] }
        let bytes: [UInt8]
        do { bytes = try FileIO.read(path) } catch { throw .file(error) }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw .malformed("\(path):\(error.line):\(error.column): \(error.message)") }
        guard case .object(let members) = value else {
            throw .malformed("\(path): not an object of server names and auto, modern or legacy")
        }
        var modes: [String: ProtocolMode] = [:]
        for (name, value) in members {
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
        let object = JSONValue.object(modes.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value.rawValue)) })
        do {
            try FileIO.makeDirectory(Path.directory(of: path))
            try AtomicFile.write(Array((object.serialized(pretty: true) + "\n").utf8), to: path, mode: 0o600)
        } catch {
            throw .file(error)
        }
    }
}

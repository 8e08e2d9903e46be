/// A small JSON object of claudesh's own in its home (`server-protocols.json`, `canaries.json`,
/// `tool-pins.json`): read whole, written whole through `AtomicFile` with mode 0600. A malformed
/// one is reported at FILE:LINE:COLUMN and left as it is, so that the operator can fix it.
package struct HomeJSONFile: Sendable {
    let path: String

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

    init(home: String, name: String) {
        path = Path.join(home, name)
    }

    /// The members of the file's object; none when there is no file. `shape` says what the
    /// object holds, for the error when the file holds something else.
    func members(shape: String) throws(Error) -> [(String, JSONValue)] {
        guard Path.kind(of: path) != .missing else { return [] }
        let bytes: [UInt8]
        do { bytes = try FileIO.read(path) } catch { throw .file(error) }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw .malformed("\(path):\(error.line):\(error.column): \(error.message)") }
        guard case .object(let members) = value else { throw .malformed("\(path): not an object of \(shape)") }
        return members
    }

    /// Replaces the file with `members`, sorted by name so that a change shows as one in a diff.
    func write(_ members: [(String, JSONValue)]) throws(Error) {
        let object = JSONValue.object(members.sorted { $0.0 < $1.0 })
        do {
            try FileIO.makeDirectory(Path.directory(of: path))
            try AtomicFile.write(Array((object.serialized(pretty: true) + "\n").utf8), to: path, mode: 0o600)
        } catch {
            throw .file(error)
        }
    }

    /// A malformed member's error: the file, the member and what it should be.
    func malformed(_ name: String, _ reason: String) -> Error {
        .malformed("\(path): \(name): \(reason)")
    }
}

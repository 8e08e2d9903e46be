/// The canaries, one per server, in `HOME/canaries.json`: claudesh's own file, never the
/// client's, whose schema has no place for them.
package struct Canaries: Sendable {
    package typealias Error = HomeJSONFile.Error
    private let file: HomeJSONFile
    package var path: String { file.path }

    init(home: String) {
        file = HomeJSONFile(home: home, name: "canaries.json")
    }

    /// Every server's canary, by name; a missing file is none.
    package func all() throws(Error) -> [String: Canary] {
        var canaries: [String: Canary] = [:]
        for (server, value) in try file.members(shape: "server names and their canaries") {
            guard let canary = Canary(json: value) else {
                throw file.malformed(server, "not a canary ({\"tool\": NAME, \"arguments\": {...}, \"expect\": TEXT or null})")
            }
            canaries[server] = canary
        }
        return canaries
    }

    /// Sets `server`'s canary (nil removes it); returns the one it replaced.
    @discardableResult
    func set(_ server: String, to canary: Canary?) throws(Error) -> Canary? {
        var canaries = try all()
        let previous = canaries[server]
        canaries[server] = canary
        try file.write(canaries.map { ($0.key, $0.value.json) })
        return previous
    }
}

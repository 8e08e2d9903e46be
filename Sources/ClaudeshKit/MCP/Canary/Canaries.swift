/// The canaries, one per server, in `HOME/canaries.json`: claudesh's own file, never the
/// client's, whose schema has no place for them; by config file, then server name
/// (`ServerStateFile`).
package struct Canaries: Sendable {
    package typealias Error = HomeJSONFile.Error
    private let file: ServerStateFile
    package var path: String { file.path }

    init(home: String, defaultConfig: String) {
        file = ServerStateFile(home: home, name: "canaries.json", defaultConfig: defaultConfig, shape: "their canaries")
    }

    /// Every canary: config, server, canary; a missing file is none.
    package func all() throws(Error) -> [(config: String, server: String, canary: Canary)] {
        var canaries: [(config: String, server: String, canary: Canary)] = []
        for (config, server, value) in try file.entries() {
            guard let canary = Canary(json: value) else {
                throw file.malformed(server, in: config, "not a canary ({\"tool\": NAME, \"arguments\": {...}, \"expect\": TEXT or null})")
            }
            canaries.append((config, server, canary))
        }
        return canaries
    }

    /// The canaries of `config`'s servers, by name.
    package func all(in config: String) throws(Error) -> [String: Canary] {
        var canaries: [String: Canary] = [:]
        for entry in try all() where entry.config == config { canaries[entry.server] = entry.canary }
        return canaries
    }

    /// Sets the canary of `server` of `config` (nil removes it); returns the one it replaced.
    @discardableResult
    func set(_ server: String, in config: String, to canary: Canary?) throws(Error) -> Canary? {
        let previous = try all(in: config)[server]
        try file.update(in: config) { servers in servers[server] = canary?.json }
        return previous
    }
}

/// What claudesh keeps per server entry in its home (`server-protocols.json`, `canaries.json`,
/// `tool-pins.json`), by the config file the entry is in and then by its name:
/// `{"/home/me/.config/Claude/claude_desktop_config.json": {"time": …}}`. Two files may each
/// have a server of the same name, and they are different servers: a pin or canary of one is
/// not the other's.
///
/// A top-level key is a config's absolute path (it starts with `/`). Any other key is an entry
/// of the layout by name alone, from before entries were told apart by file: it is read as the
/// default config's (`mcp-config`, where it was made) and written under that path next time.
struct ServerStateFile: Sendable {
    typealias Error = HomeJSONFile.Error
    let file: HomeJSONFile
    /// Where the entries by name alone belong.
    let defaultConfig: String
    /// What a server's value is, for the error when the file holds something else.
    let shape: String

    var path: String { file.path }

    init(home: String, name: String, defaultConfig: String, shape: String) {
        file = HomeJSONFile(home: home, name: name)
        self.defaultConfig = defaultConfig
        self.shape = shape
    }

    /// Every entry: config path, server name, value. A name both by itself and under the
    /// default config is the one under the config.
    func entries() throws(Error) -> [(config: String, server: String, value: JSONValue)] {
        var nested: [(config: String, server: String, value: JSONValue)] = []
        var byName: [(config: String, server: String, value: JSONValue)] = []
        for (key, value) in try file.members(shape: "config files and, in each, server names and \(shape)") {
            guard key.hasPrefix("/") else {
                byName.append((defaultConfig, key, value))
                continue
            }
            guard case .object(let servers) = value else {
                throw file.malformed(key, "not an object of server names and \(shape)")
            }
            nested += servers.map { (key, $0.0, $0.1) }
        }
        let kept = Set(nested.filter { $0.config == defaultConfig }.map { $0.server })
        return nested + byName.filter { !kept.contains($0.server) }
    }

    /// The servers of `config` and their values.
    func entries(in config: String) throws(Error) -> [String: JSONValue] {
        var values: [String: JSONValue] = [:]
        for entry in try entries() where entry.config == config { values[entry.server] = entry.value }
        return values
    }

    /// Changes `config`'s servers (a value set to nil is removed) and writes the whole file in
    /// the layout by config, the others kept.
    func update(in config: String, _ change: (inout [String: JSONValue]) -> Void) throws(Error) {
        var configs: [String: [String: JSONValue]] = [:]
        for entry in try entries() { configs[entry.config, default: [:]][entry.server] = entry.value }
        change(&configs[config, default: [:]])
        let members = configs.filter { !$0.value.isEmpty }.map { config, servers in
            (config, JSONValue.object(servers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
        }
        try file.write(members)
    }

    /// A malformed server value's error: the file, the server (and its config) and what it should be.
    func malformed(_ server: String, in config: String, _ reason: String) -> Error {
        file.malformed(config == defaultConfig ? server : "\(server) (of \(config))", reason)
    }
}

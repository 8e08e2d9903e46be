/// Something claudesh keeps for one server (its canary, its fixed era), with the config file
/// the server is in: a server is its name in its file.
package struct ServerState<Value: Sendable>: Sendable {
    package var config: String
    package var server: String
    package var value: Value
    /// Whether the server is of the config commands use by default (`mcp-config`).
    package var isDefaultConfig: Bool
}

extension Workspace {
    /// `entries` of the config `word` names (every config's when nil), the default config's
    /// first, then by config and server name.
    func listed<Value>(_ entries: [(config: String, server: String, value: Value)], in word: String?) -> [ServerState<Value>] {
        let defaultConfig = configLocation().key
        let only = word.map { configLocation($0).key }
        return entries
            .filter { only == nil || $0.config == only }
            .map { ServerState(config: $0.config, server: $0.server, value: $0.value, isDefaultConfig: $0.config == defaultConfig) }
            .sorted { ($0.isDefaultConfig ? "" : $0.config, $0.server) < ($1.isDefaultConfig ? "" : $1.config, $1.server) }
    }

    /// The eras fixed per server (`mcp protocol`) of the config `word` names, or of every config.
    package func fixedEras(in word: String? = nil) throws(ProtocolOverrides.Error) -> [ServerState<ProtocolMode>] {
        listed(try protocolOverrides.all().map { ($0.config, $0.server, $0.mode) }, in: word)
    }

    /// `mcp protocol NAME ERA`: fixes the era of `server` of the config `word` names (`auto`
    /// forgets it); returns the file, not written under a dry run.
    /// A server of no config of its own (a plugin's, an extension's) has its era under its own key.
    package func fixEra(of server: String, in word: String?, to mode: ProtocolMode) throws(ProtocolOverrides.Error) -> String {
        let overrides = protocolOverrides
        var config = configLocation(word).key
        var name = server
        if word == nil, (try? self.config(nil))?.entry(named: server) == nil, let resolved = try? resolveServer(server, config: nil) {
            config = resolved.config
            name = resolved.name
        }
        if !dryRun { try overrides.set(name, in: config, to: mode) }
        return overrides.path
    }
}

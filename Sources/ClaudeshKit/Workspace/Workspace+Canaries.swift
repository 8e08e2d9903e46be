/// Canaries: the one tool call per server that `mcp check` and `health` make after the
/// handshake, kept in `HOME/canaries.json`.
extension Workspace {
    package var canaries: Canaries { Canaries(home: home, defaultConfig: configLocation().key) }

    /// What `mcp canary add` did.
    package struct CanaryAdded: Sendable {
        package var canary: Canary
        /// The canary it replaced, if the server had one.
        package var replaced: Canary?
        package var path: String
        /// False under a dry run.
        package var written: Bool
    }

    /// `mcp canary add`: `tool` of `server` with `words` (`NAME=VALUE`), typed and checked
    /// against the tool's live schema (the server is opened for it), kept as built. Nothing is
    /// written when the file cannot be read, the tool is not the server's, or an argument is wrong.
    package func addCanary(_ tool: String, to server: String, words: [String], expect: String?, options: ClientOptions) async throws -> CanaryAdded {
        if let expect, expect.isEmpty { throw OperationError.usage("--expect takes the text the answer must hold, not nothing") }
        let store = canaries
        // Kept by the server's own config and its name there (a plugin's server has its own).
        let resolved = try resolveServer(server, config: options.config)
        let config = resolved.config
        let previous = try store.all(in: config)[resolved.name]
        let tools = try await tools(of: server, options: options)
        let description = try ToolDescription.named(tool, in: tools, server: server)
        let canary = Canary(tool: tool, arguments: try ToolArguments.build(words, json: nil, for: description), expect: expect)
        guard !dryRun else { return CanaryAdded(canary: canary, replaced: previous, path: store.path, written: false) }
        try store.set(resolved.name, in: config, to: canary)
        return CanaryAdded(canary: canary, replaced: previous, path: store.path, written: true)
    }

    /// The canaries of the config `word` names, or of every config when `word` is nil.
    package func canaryList(in word: String? = nil) throws(Canaries.Error) -> [ServerState<Canary>] {
        listed(try canaries.all().map { ($0.config, $0.server, $0.canary) }, in: word)
    }

    /// `mcp canary remove`: the canary of `server` of the config `word` names; nil under a dry
    /// run (nothing written).
    package func removeCanary(of server: String, in word: String?) throws -> Canary? {
        let store = canaries
        var config = configLocation(word).key
        var name = server
        // A server of no config of its own (a plugin's, an extension's) has its canary under its own key.
        if word == nil, try store.all(in: config)[server] == nil, let resolved = try? resolveServer(server, config: nil) {
            config = resolved.config
            name = resolved.name
        }
        let all = try store.all(in: config)
        guard let canary = all[name] else {
            throw OperationError.usage("\(server) of \(config) has no canary" + (all.isEmpty ? "" : " (its canaries: \(all.keys.sorted().joined(separator: ", ")))"))
        }
        guard !dryRun else { return nil }
        try store.set(name, in: config, to: nil)
        return canary
    }
}

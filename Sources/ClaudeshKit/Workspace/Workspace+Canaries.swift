/// Canaries: the one tool call per server that `mcp check` and `health` make after the
/// handshake, kept in `HOME/canaries.json`.
extension Workspace {
    package var canaries: Canaries { Canaries(home: home) }

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
        let previous = try store.all()[server]
        let tools = try await tools(of: server, options: options)
        let description = try ToolDescription.named(tool, in: tools, server: server)
        let canary = Canary(tool: tool, arguments: try ToolArguments.build(words, json: nil, for: description), expect: expect)
        guard !dryRun else { return CanaryAdded(canary: canary, replaced: previous, path: store.path, written: false) }
        try store.set(server, to: canary)
        return CanaryAdded(canary: canary, replaced: previous, path: store.path, written: true)
    }

    /// Every canary, by server name.
    package func canaryList() throws(Canaries.Error) -> [(server: String, canary: Canary)] {
        try canaries.all().sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// `mcp canary remove`: the canary removed; nil under a dry run (nothing written).
    package func removeCanary(of server: String) throws -> Canary? {
        let store = canaries
        let all = try store.all()
        guard let canary = all[server] else {
            throw OperationError.usage("\(server) has no canary" + (all.isEmpty ? "" : " (canaries: \(all.keys.sorted().joined(separator: ", ")))"))
        }
        guard !dryRun else { return nil }
        try store.set(server, to: nil)
        return canary
    }
}

/// Tool pins and context weight: each check compares a server's tool surface with the one the
/// operator accepted (`HOME/tool-pins.json`), and weighs what its tools cost a model's context.
extension Workspace {
    package var toolPins: ToolPins { ToolPins(home: home, defaultConfig: configLocation().key) }

    /// Compares each passing result with its server's pin, by the result's config (a server seen for the first
    /// time is pinned), and adds the warnings worth a look: tools changed since pinned, a
    /// context weight over `mcp-context-warn`. Returns why the pins could not be read or
    /// written, when they could not; the rest is done all the same.
    func reviewSurfaces(_ results: inout [ProbeResult], pins: Result<[String: [String: ToolPins.Pin]], ToolPins.Error>) -> String? {
        var firstSeen: [(config: String, server: String, surface: ToolSurface)] = []
        for index in results.indices {
            guard results[index].passed, let surface = results[index].surface else { continue }
            let server = results[index].entry.isEmpty ? results[index].server : results[index].entry
            if case .success(let pins) = pins {
                if let pin = pins[results[index].config]?[server] {
                    results[index].pin = pin.surface.hash == surface.hash ? .same : .changed
                } else {
                    results[index].pin = .pinned
                    firstSeen.append((results[index].config, server, surface))
                }
            } else {
                results[index].pin = .unknown
            }
            if results[index].pin == .changed {
                // The commands as the result names it: a server of no config of its own (a
                // plugin's, an extension's, `time@user`) is found by that name.
                let shown = results[index].server
                results[index].warnings.append("tools changed since pinned (mcp tools \(shown) --diff shows what; mcp pin \(shown) accepts)")
            }
            if surface.contextTokens > settings.mcpContextWarn {
                results[index].warnings.append("its tools weigh ~\(surface.contextTokens) tokens of context, over mcp-context-warn (\(settings.mcpContextWarn))")
            }
        }
        if case .failure(let error) = pins { return "tools not compared with their pins: \(error)" }
        guard !dryRun else { return nil }
        do {
            try toolPins.pin(firstSeen, at: now)
            return nil
        } catch {
            return "new pins not written: \(error)"
        }
    }

    /// What `mcp pin` did for one server.
    package struct PinOutcome: Sendable {
        package var server: String
        /// The surface pinned; nil when the server could not be probed.
        package var surface: ToolSurface?
        /// The hash it replaced, if the server had a pin.
        package var previousHash: String?
        /// Why it was not pinned.
        package var reason: String?
    }

    /// `mcp pin`: probes `names` (every server, when empty) of the config `word` names and pins
    /// each one's tools as they are now; one that fails keeps its pin. Under a dry run nothing
    /// is written.
    /// A name the config has not is looked for among the servers Claude starts (a plugin's
    /// `plugin:p:s`, an extension's, or a `NAME@SCOPE` that `mcp check --all` showed).
    package func pinTools(_ names: [String], in word: String?, options: ProbeOptions) async throws -> [PinOutcome] {
        let store = toolPins
        let config = try config(word)
        let pins = try store.all()
        var servers = config.servers.filter { names.isEmpty || names.contains($0.name) }
        let elsewhere = names.filter { name in config.entry(named: name) == nil }
        if !elsewhere.isEmpty {
            let started = Self.startedServers(inventory().entries)
            for name in elsewhere {
                guard let server = started.first(where: { $0.name == name || $0.label == name }) else { _ = try config.requireEntry(named: name); continue }
                servers.append(server)
            }
        }
        var options = probeOptions(options)
        options.runsCanaries = false
        let results = await probe(await probePlan(servers), options: options)
        let outcomes = results.map { result in
            PinOutcome(server: result.server, surface: result.passed ? result.surface : nil, previousHash: pins[result.config]?[result.entry]?.surface.hash,
                       reason: result.passed ? nil : result.reason ?? "failed")
        }
        if !dryRun {
            try store.pin(zip(results, outcomes).compactMap { result, outcome in outcome.surface.map { (result.config, result.entry, $0) } }, at: now)
        }
        return outcomes
    }

    /// `mcp tools SERVER --diff`: its tools now against its pin.
    package func toolChanges(of server: String, options: ClientOptions) async throws -> ToolChanges {
        let resolved = try resolveServer(server, config: options.config)
        let pins = try toolPins.all(in: resolved.config)
        let tools = try await tools(of: server, options: options)
        return ToolChanges(server: server, pinned: pins[resolved.name], current: ToolSurface(tools: tools.map { tool in tool.raw }))
    }
}

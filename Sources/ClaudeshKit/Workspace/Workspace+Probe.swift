/// Probing servers: the plan (how to start each, what to mask), the probe, and `mcp check`'s
/// whole operation with the last known good saved when every server passed.
extension Workspace {
    /// The targets of `servers`, each started as the client would start it (or why it cannot
    /// be), with its canary, and the session's redactor masking as well the secrets that the
    /// `claudesh exec` entries among them will decrypt: a server may echo its token.
    func probePlan(_ servers: [ConfiguredServer]) async -> ProbePlan {
        var referenced: Set<String> = []
        let modes = Result { () throws(ProtocolOverrides.Error) in try protocolOverrides.all() }
        let canaries = Result { () throws(Canaries.Error) in try self.canaries.all() }
        func mode(of server: ConfiguredServer) -> ProtocolMode {
            (try? modes.get())?.first { $0.config == server.config && $0.server == server.name }?.mode ?? .auto
        }
        func canary(of server: ConfiguredServer) -> Canary? {
            (try? canaries.get())?.first { $0.config == server.config && $0.server == server.name }?.canary
        }
        let targets = servers.map { server -> Prober.Target in
            let launch: Result<ServerLaunch, ProbeFailure>
            var transport = "?"
            do throws(ProbeFailure) {
                let definition: ServerDefinition
                switch server.definition {
                case .success(let value): definition = value
                case .failure(let error): throw .invalidConfig(error.description)
                }
                transport = definition.transport.name
                referenced.formUnion(definition.secrets.map { $0.name })
                launch = .success(try ServerLaunch(definition, environment: environment.variables, directory: environment.currentDirectory, lookup: context.lookup))
            } catch {
                launch = .failure(error)
            }
            var target = Prober.Target(name: server.label ?? server.name, transport: transport, launch: launch, mode: mode(of: server), canary: canary(of: server), config: server.config)
            target.entry = server.name
            return target
        }
        let modesProblem: String? = if case .failure(let error) = modes { error.description } else { nil }
        let canariesProblem: String? = if case .failure(let error) = canaries { error.description } else { nil }
        var decrypted: [String] = []
        for name in referenced.sorted() where context.vault.value(of: name) == nil {
            // One that cannot be decrypted fails its server's probe, which says why.
            if let value = try? await store.value(of: name) { decrypted.append(value) }
        }
        return ProbePlan(targets: targets, redactor: redactor.adding(decrypted), modesProblem: modesProblem, canariesProblem: canariesProblem)
    }

    /// `base` with the servers' logs in `HOME/logs`, and, when it sets no timeout, MCP_TIMEOUT's
    /// (milliseconds, as Claude Code reads it) if that is set.
    func probeOptions(_ base: ProbeOptions = ProbeOptions()) -> ProbeOptions {
        var options = base
        options.logFolder = logFolder
        if options.timeout == nil, let text = context.environment.variables["MCP_TIMEOUT"], let milliseconds = Int(text), milliseconds > 0 {
            options.timeout = .milliseconds(milliseconds)
        }
        return options
    }

    /// Probes every target of `plan`, all at once within `options`' concurrency.
    /// `--protocol`, when given, speaks that era to every server whatever its own setting.
    func probe(_ plan: ProbePlan, options: ProbeOptions, onResult: @Sendable (ProbeResult) async -> Void = { _ in }) async -> [ProbeResult] {
        var targets = plan.targets
        for index in targets.indices {
            if !options.runsCanaries { targets[index].canary = nil }
            if let mode = options.protocolMode {
                targets[index].mode = mode
            } else if let problem = plan.modesProblem, case .success = targets[index].launch {
                // The eras fixed per server are needed and cannot be read: no server is probed
                // in an era that may be the wrong one.
                targets[index].launch = .failure(.invalidConfig(problem))
            }
        }
        return await Prober.check(targets, options: options, redactor: plan.redactor, onResult: onResult)
    }

    /// The eras fixed per server (`mcp protocol`).
    package var protocolOverrides: ProtocolOverrides { ProtocolOverrides(home: home, defaultConfig: configLocation().key) }

    /// Probes every server of `config`, with `options`; nil when it has none. Whether each
    /// starts is asked (recover, selftest), not whether it works: no canary is called.
    func probeAll(of config: ClientConfig, options: ProbeOptions) async -> [ProbeResult]? {
        let servers = config.servers
        guard !servers.isEmpty else { return nil }
        var options = probeOptions(options)
        options.runsCanaries = false
        return await probe(await probePlan(servers), options: options)
    }

    /// `mcp check`: probes `names` (every server, when empty) of the config `word` names, calls
    /// their canaries (unless `options` says not), reviews their tools against their pins; when
    /// every server of the config passed, saves the config as the last known good. Pins or
    /// canaries that cannot be read stop it before anything is probed: their file is named.
    /// `onProbing` gets the names of the servers about to be probed and the config's path.
    package func checkServers(_ names: [String], in word: String?, options: ProbeOptions,
                              onProbing: @Sendable ([String], String) async -> Void = { _, _ in },
                              onResult: @Sendable (ProbeResult) async -> Void = { _ in }) async throws -> ServerCheck {
        let config = try config(word)
        var check = try await check(try config.servers(named: names), label: config.location.description, options: options, onProbing: onProbing, onResult: onResult)
        if names.isEmpty && !check.results.isEmpty { check.lastKnownGood = refreshLastKnownGood(config, after: check.results) }
        return check
    }

    /// `mcp check --all`: probes the servers Claude starts for the project (the inventory's
    /// active entries, narrowed by `scope` and `client`; `names` picks some by name), each
    /// with its own config's canary, era and pin. No config is saved as the last known good:
    /// the copy is of one file.
    package func checkInventory(_ names: [String], _ filter: InventoryFilter, options: ProbeOptions,
                                onProbing: @Sendable ([String], String) async -> Void = { _, _ in },
                                onResult: @Sendable (ProbeResult) async -> Void = { _ in }) async throws -> ServerCheck {
        let inventory = inventory(project: filter.project)
        let servers = Self.startedServers(inventory.filtered(filter))
        let uncheckable = Set(inventory.entries.filter { $0.uncheckable != nil }.map { $0.name })
        for name in names where !servers.contains(where: { $0.name == name || $0.label == name }) && !uncheckable.contains(name) {
            throw OperationError.usage("no server Claude starts is named '\(name.clipped(60))' (mcp list --all shows every one and its state)")
        }
        var check = try await check(servers.filter { names.isEmpty || names.contains($0.name) || names.contains($0.label ?? "") }, label: "every server Claude starts for \(inventory.project)",
                                    options: options, onProbing: onProbing, onResult: onResult)
        check.problems = inventory.problems
        check.notChecked = inventory.filtered(filter).filter { $0.state == .active && (names.isEmpty || names.contains($0.name)) }
            .compactMap { entry in entry.uncheckable.map { "\(entry.name): \($0)" } }
        return check
    }

    /// The servers of `entries` that Claude starts, a name two clients use made `NAME@SCOPE`
    /// so that each result says which one it is.
    package static func startedServers(_ entries: [InventoryEntry]) -> [ConfiguredServer] {
        labelled(entries.filter { $0.state == .active && $0.uncheckable == nil }.map { entry in
            var server = entry.server
            server.scope = entry.scope.word
            return (server, labelScope(entry.scope))
        })
    }

    /// The scope part of a `NAME@SCOPE` label: an extension's id, so that two extensions of one
    /// name stay two.
    static func labelScope(_ scope: ServerScope) -> String {
        if case .desktopExtension(let id) = scope { return id }
        return scope.word
    }

    /// `servers`, each whose name another one has too labelled `NAME@SCOPE`.
    static func labelled(_ servers: [(server: ConfiguredServer, scope: String)]) -> [ConfiguredServer] {
        var counts: [String: Int] = [:]
        for entry in servers { counts[entry.server.name, default: 0] += 1 }
        return servers.map { entry in
            var server = entry.server
            if counts[server.name, default: 0] > 1 { server.label = "\(server.name)@\(entry.scope)" }
            if server.scope == nil { server.scope = entry.scope }
            return server
        }
    }

    /// Probes `servers`, calls their canaries (unless `options` says not), reviews their tools
    /// against their pins. Pins or canaries that cannot be read stop it before anything is
    /// probed. `label` says what is probed, for `onProbing`.
    func check(_ servers: [ConfiguredServer], label: String, options: ProbeOptions,
               onProbing: @Sendable ([String], String) async -> Void, onResult: @Sendable (ProbeResult) async -> Void) async throws -> ServerCheck {
        var check = ServerCheck(config: label, results: [], lastKnownGood: .notSaved)
        guard !servers.isEmpty else { return check }
        let pins = try toolPins.all()
        let plan = await probePlan(servers)
        if options.runsCanaries, let problem = plan.canariesProblem { throw OperationError.failed(problem) }
        await onProbing(servers.map { $0.label ?? $0.name }, label)
        check.results = await probe(plan, options: probeOptions(options), onResult: onResult)
        try Task.checkCancellation()
        check.pinProblem = reviewSurfaces(&check.results, pins: .success(pins))
        return check
    }

    /// Saves `config` as the last known good when `results` are every server of it and each
    /// passed: what mcp check, health and recover do after a probe, so that the copy follows
    /// the newest config that works. Not under a dry run.
    @discardableResult
    func refreshLastKnownGood(_ config: ClientConfig, after results: [ProbeResult]) -> ServerCheck.Saving {
        guard !dryRun, !results.isEmpty, results.count == config.entries.count, results.allSatisfy({ !$0.isDown }) else { return .notSaved }
        do {
            try lastKnownGood.save(config)
            return .saved
        } catch {
            return .notWritten(error.description)
        }
    }
}

/// A probe's plan: how to start each server, and the redactor its logs and results pass.
struct ProbePlan: Sendable {
    var targets: [Prober.Target]
    var redactor: Redactor
    /// Why `mcp protocol`'s file cannot be read, when it cannot: it fails each probe that would
    /// need it (none under `--protocol`).
    var modesProblem: String? = nil
    /// Why `canaries.json` cannot be read, when it cannot.
    var canariesProblem: String? = nil
}

/// What `mcp check` found.
package struct ServerCheck: Sendable {
    package enum Saving: Sendable, Equatable {
        case notSaved
        case saved
        /// Every server passed, but the copy could not be written: why.
        case notWritten(String)
    }

    package var config: String
    package var results: [ProbeResult]
    package var lastKnownGood: Saving
    /// Why the tools were not compared with their pins or new pins not written, if so.
    package var pinProblem: String?
    /// Files of the inventory that could not be read (`mcp check --all`): their servers are missing.
    package var problems: [String] = []
    /// Servers Claude starts that claudesh cannot (`NAME: why`).
    package var notChecked: [String] = []

    /// The servers that are down; a server asking for authorization is not one.
    package var failed: [ProbeResult] { results.filter { $0.isDown } }
    /// The servers that start but whose canary failed.
    package var canariesFailed: [ProbeResult] { results.filter { $0.canaryFailed } }
    package var awaitingAuthorization: [ProbeResult] { results.filter { $0.needsAuthorization } }
}

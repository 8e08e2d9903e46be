/// The health report of everything the session operates, and its history.
extension Workspace {
    /// Runs every check of the report, the slow ones (probes, docker, gpg) at the same time,
    /// and masks it: the report is laid out, shown and kept as it will be read.
    /// Each server's canary is called after its handshake (unless `runsCanaries` is false) and
    /// its tools are reviewed against their pin. The servers are those of the mcp-config config
    /// and every other one Claude starts for the current folder (`filter`, when given, narrows
    /// them to a part of the inventory).
    package func healthReport(timeout: Duration? = nil, protocolMode: ProtocolMode? = nil, runsCanaries: Bool = true,
                              filter: InventoryFilter? = nil) async -> Redacted<HealthReport> {
        // `--all` alone is what health covers anyway: the mcp-config config with the rest.
        let filter = filter == InventoryFilter() ? nil : filter
        var options = probeOptions(ProbeOptions(deadline: .seconds(60)))
        if let timeout { options.timeout = timeout }
        options.protocolMode = protocolMode
        options.runsCanaries = runsCanaries
        let now = self.now
        let location = configLocation()
        var plan = ProbePlan(targets: [], redactor: redactor)
        var serversWithSecrets: [String] = []
        let covered = coveredServers(filter: filter)
        var serverChecks = covered.lines
        let servers = covered.servers
        let probedConfig = covered.config
        if !servers.isEmpty {
            serversWithSecrets = servers.filter { (try? $0.definition.get())?.secrets.isEmpty == false }.map { $0.label ?? $0.name }
            plan = await probePlan(servers)
        }
        async let probed = probe(plan, options: options)
        async let containers = containerChecks()
        let gateway = gatewayChecks()
        async let storeChecks = HealthChecks.store(store, serversWithSecrets: serversWithSecrets)
        async let keyChecks = HealthChecks.gnupg(gnupg, now: now, neededBy: whatNeedsAKey(serversWithSecrets: serversWithSecrets))
        let backups = HealthChecks.backups(folder: settings.backupDir, now: now)
        var probeResults = await probed
        // A config whose every server passed is the newest that works.
        if let probedConfig { refreshLastKnownGood(probedConfig, after: probeResults.filter { $0.config == location.key }) }
        if let problem = reviewSurfaces(&probeResults, pins: Result { () throws(ToolPins.Error) in try toolPins.all() }) {
            serverChecks.append(.init(.servers, "tool-pins", .warning, problem))
        }
        if runsCanaries, !plan.targets.isEmpty, let problem = plan.canariesProblem {
            serverChecks.append(.init(.servers, "canaries", .failed, "no canary was called: \(problem)"))
        }
        let serverLines = serverChecks + HealthChecks.servers(probeResults) + HealthChecks.canaries(probeResults)
        let report = HealthReport(time: now, checks: serverLines + (await containers) + gateway + (await storeChecks) + (await keyChecks) + backups)
        return plan.redactor.seal(report)
    }

    /// What health checks: the servers of the mcp-config config and every other server Claude
    /// starts for the project (`filter` narrows them to part of the inventory, and leaves the
    /// config out), labelled `NAME@SCOPE` where a name repeats; the config when its servers are
    /// among them; and the lines for what cannot be checked or read.
    func coveredServers(filter: InventoryFilter?) -> (servers: [ConfiguredServer], config: ClientConfig?, lines: [HealthReport.Check]) {
        let location = configLocation()
        var lines: [HealthReport.Check] = []
        var probedConfig: ClientConfig?
        var servers: [ConfiguredServer] = []
        if filter == nil {
            do {
                let config = try ClientConfig(location: location)
                remember(config)
                servers = config.servers
                if !servers.isEmpty { probedConfig = config }
            } catch {
                lines = [.init(.servers, "config", .failed, "\(error)")]
            }
        }
        let inventory = inventory(project: filter?.project)
        for (file, version) in wipedConfigs() {
            lines.append(.init(.servers, "config-history", .warning,
                               "mcp restore \(version.id) puts back the \(version.servers.count) server\(version.servers.count == 1 ? "" : "s") \(file) had \(Timestamp.age(seconds: now - version.seen)) ago: it has none now"))
        }
        for problem in inventory.problems { lines.append(.init(.servers, "inventory", .warning, "\(problem) (its servers are not checked)")) }
        let started = inventory.filtered(filter ?? InventoryFilter()).filter { entry in !servers.contains { $0.config == entry.server.config && $0.name == entry.name } }
        for entry in started where entry.state == .active {
            if let why = entry.uncheckable { lines.append(.init(.servers, entry.name, .off, why)) }
        }
        let defaultScope = switch settings.mcpConfig {
        case .desktop: "desktop"
        case .user: "user"
        case .project: "project"
        case .local: "local"
        case .file: "file"
        }
        servers = Self.labelled(servers.map { ($0, defaultScope) } + started.filter { $0.state == .active && $0.uncheckable == nil }.map { entry in
            var server = entry.server
            server.scope = entry.scope.word
            return (server, Self.labelScope(entry.scope))
        })
        if servers.isEmpty && lines.isEmpty {
            lines = [.init(.servers, "config", .off, "no servers in \(location.description), nor any other Claude starts here: mcp add NAME -- COMMAND")]
        }
        return (servers, probedConfig, lines)
    }

    /// Why this setup needs a GnuPG key, or nil when nothing does yet (a machine that only runs
    /// MCP servers): then a missing key is a part not set up, not a failure.
    func whatNeedsAKey(serversWithSecrets: [String]) -> String? {
        if store.exists { return "the store at \(store.directory) is encrypted to one" }
        if !serversWithSecrets.isEmpty { return "\(serversWithSecrets.joined(separator: ", ")) take secrets from the store" }
        if !BackupArchive.names(in: settings.backupDir).isEmpty { return "the backups in \(settings.backupDir) are encrypted to one" }
        if let id = settings.gpgID { return "the gpg-id setting names \(id)" }
        return nil
    }

    /// Keeps the report in `HOME/health.sqlite`, pruned to the history-days setting; not under a
    /// dry run, nor when the check was cut short (Ctrl-C is not a failure of what it checked).
    /// A history that cannot be written is not fatal: what to say of it, or nil.
    package func record(_ report: Redacted<HealthReport>) -> String? {
        guard !dryRun, !Task.isCancelled else { return nil }
        do {
            try HealthHistory(home: home).record(report, keepDays: settings.historyDays)
            return nil
        } catch {
            return "the health history was not written: \(error)"
        }
    }

    /// The gateway's calls per backend (`name` alone) over the last `span` seconds, every
    /// profile together; none without a history.
    package func gatewayCallHistory(name: String?, span: Int) throws(HealthHistory.Error) -> [HealthHistory.CallSummary] {
        guard HealthHistory.exists(home: home) else { return [] }
        let until = Timestamp.preciseNow
        let summaries = try HealthHistory(home: home).callSummaries(profile: nil, since: until - Double(span), until: until)
        return summaries.filter { name == nil || $0.backend == name }
    }

    /// What the history says of each checked thing (`name` alone) over the last `span` seconds;
    /// none without a history.
    package func healthHistory(name: String?, span: Int) throws(HealthHistory.Error) -> (since: Int, until: Int, summaries: [HealthHistory.Summary]) {
        let until = now
        guard HealthHistory.exists(home: home) else { return (until - span, until, []) }
        return (until - span, until, try HealthHistory(home: home, readOnly: true).summaries(name: name, since: until - span, until: until))
    }
}

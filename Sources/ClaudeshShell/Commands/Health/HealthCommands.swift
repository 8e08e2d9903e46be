#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// health, health watch, health history: one dashboard of everything claudesh operates, and the
/// record of every check it made.
enum HealthCommands {
    static let group = "Health"

    static let probeFlags = [
        Flag("timeout", value: "S", "seconds one server's probe may take (default 10)"),
        .json,
    ]

    @MainActor
    static var command: Command {
        Command(
            "health", group: group, summary: "One dashboard: MCP servers, containers, the secrets store, GnuPG, backups (exit 1 if anything failed)",
            discussion: """
            Every server is probed at once (initialize, tools/list, ping); the compose services are
            read from the engine; the store's secrets and git state, the secret key and the agent,
            and the newest backup with its last verify are looked at. Each result is recorded in
            HOME/health.sqlite (health history reads it; the history-days setting prunes it).
            Warnings (a backup two days old, changes not pushed) do not fail the check.
            """,
            flags: probeFlags,
            examples: ["health", "health --json", "claudesh health   (from cron: exit 1 when unhealthy)"],
            subcommands: [watch, history]
        ) { invocation in
            let report = try await check(invocation)
            if invocation.wantsJSON {
                invocation.output.json(report.json)
            } else {
                invocation.output.line(HealthBox.render(report, output: invocation.output, width: Terminal.columns(environment: invocation.session.context.environment)))
            }
            return report.isHealthy ? .success : .failure
        }
    }

    /// The report as it is shown and kept: gathered, masked, recorded.
    @MainActor
    static func check(_ invocation: Invocation) async throws -> HealthReport {
        let report = masked(try await gather(invocation), invocation.session.context)
        record(report, invocation)
        return report
    }

    /// Runs every check of the report, the slow ones (probes, docker, gpg) at the same time.
    @MainActor
    static func gather(_ invocation: Invocation) async throws -> HealthReport {
        let context = invocation.session.context
        var options = ProbeOptions(deadline: .seconds(60))
        if let timeout = try MCPCheckCommands.seconds(invocation.arguments, "timeout") { options.timeout = timeout }
        options.logFolder = Path.join(context.home, "logs")
        let now = Int(time(nil))

        // MCP servers.
        let configPath = context.settings.mcpConfig.path(in: context.environment)
        var serverChecks: [HealthReport.Check] = []
        var targets: [Prober.Target] = []
        var secrets: [String] = []
        do {
            let config = try ClientConfig(path: configPath)
            if config.entries.isEmpty {
                serverChecks = [.init(.servers, "config", .off, "no servers in \(configPath): mcp add NAME -- COMMAND")]
            } else {
                targets = MCPCheckCommands.targets(config.entries, context)
                secrets = await MCPCheckCommands.referencedSecrets(config.entries, context)
            }
        } catch {
            serverChecks = [.init(.servers, "config", .failed, "\(error)")]
        }
        async let probed = Prober.check(targets, options: options, secrets: secrets)
        async let containers = containerChecks(invocation)
        async let store = HealthChecks.store(SecretsAccess.store(context))
        async let gnupg = HealthChecks.gnupg(SecretsAccess.gnupg(context), now: now)
        let backups = HealthChecks.backups(folder: context.settings.backupDir, now: now)
        let servers = serverChecks + HealthChecks.servers(await probed)
        return HealthReport(time: now, checks: servers + (await containers) + (await store) + (await gnupg) + backups)
    }

    /// The compose services, when there is a compose file: a missing file is nothing to check,
    /// an engine that does not answer is a failure.
    @MainActor
    static func containerChecks(_ invocation: Invocation) async -> [HealthReport.Check] {
        let path = invocation.session.context.settings.composeFile
        guard Path.kind(of: path) == .file else { return [.init(.containers, "compose", .off, "no compose file at \(path): compose init")] }
        do {
            let access = try await ComposeAccess.prepare(invocation)
            let containers = try await access.engine.containers(project: access.project)
            let services = access.serviceHealth(containers)
            return services.isEmpty ? [.init(.containers, "compose", .off, "no services in \(path)")] : HealthChecks.containers(services)
        } catch {
            return [.init(.containers, "compose", .failed, "\(error)")]
        }
    }

    /// The report with loaded secrets and token shapes masked in every detail: what leaves the
    /// process passes the redactor, and the box is laid out from what it will show.
    @MainActor
    static func masked(_ report: HealthReport, _ context: SessionContext) -> HealthReport {
        var masked = report
        let redactor = Redactor(values: context.vault.values)
        for index in masked.checks.indices { masked.checks[index].detail = redactor.redact(masked.checks[index].detail) }
        return masked
    }

    /// Keeps the (masked) report in the history; a history that cannot be written is said, not
    /// fatal. A check cut short by Ctrl-C is not a failure of what it checked: not recorded.
    @MainActor
    static func record(_ report: HealthReport, _ invocation: Invocation) {
        let context = invocation.session.context
        guard !context.dryRun, !Task.isCancelled else { return }
        do {
            try HealthHistory(home: context.home).record(report, keepDays: context.settings.historyDays)
        } catch {
            invocation.session.report("the health history was not written: \(error)")
        }
    }

    static let watch = Command(
        "watch", group: group, summary: "Redraw the dashboard in place every few seconds until Ctrl-C",
        flags: [Flag("interval", value: "S", "seconds between checks (default 10)"), probeFlags[0]],
        examples: ["health watch", "health watch --interval 30"]
    ) { invocation in
        let interval = try MCPCheckCommands.seconds(invocation.arguments, "interval") ?? .seconds(10)
        let output = invocation.output
        let onTerminal = isatty(1) == 1
        var healthy = true
        while !Task.isCancelled {
            let report = try await check(invocation)
            guard !Task.isCancelled else { break }
            healthy = report.isHealthy
            let box = HealthBox.render(report, output: output, width: Terminal.columns(environment: invocation.session.context.environment))
            // Home and clear to the end: the new box overwrites the old without a flash.
            output.write((onTerminal ? "\u{1B}[H\u{1B}[J" : "") + box + "\n" + output.styled("every \(Units.seconds(interval.seconds)); Ctrl-C stops", .dim) + "\n")
            do { try await Task.sleep(for: interval) } catch { break }
        }
        return healthy ? .success : .failure
    }
}

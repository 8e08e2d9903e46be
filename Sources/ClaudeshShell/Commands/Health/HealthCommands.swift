#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// health, health watch, health history: one dashboard of everything claudesh operates, and the
/// record of every check it made.
enum HealthCommands {
    static let group = CommandGroup.health

    static let probeFlags = [
        Flag("timeout", value: "S", "seconds one server's probe may take (default 30, or MCP_TIMEOUT in milliseconds)"),
        .protocolMode, .noCanary, .json,
    ] + Flag.inventory

    @MainActor
    static var command: Command {
        Command(
            "health", group: group, summary: "One dashboard: MCP servers, containers, the secrets store, GnuPG, backups (exit 1 if anything failed)",
            discussion: """
            Every server is probed at once, in its era (as mcp check does); the compose services are
            read from the engine; the store's secrets and git state, the secret key and the agent,
            and the newest backup with its last verify are looked at. A server's canary (mcp
            canary) is called after its handshake, on the same session: a failed canary is
            unhealthy, as its own line under MCP canaries, while the server's line says it
            starts. Each result is recorded in HOME/health.sqlite (health history reads it,
            canaries apart from servers; the history-days setting prunes it). Warnings (a backup
            two days old, changes not pushed, tools changed since pinned, a context weight over
            mcp-context-warn) do not fail the check.
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

    /// The report as it is shown and kept: gathered, masked, recorded; a history that cannot be
    /// written is said, not fatal.
    @MainActor
    static func check(_ invocation: Invocation) async throws -> HealthReport {
        let workspace = invocation.workspace
        let arguments = invocation.arguments
        let report = await workspace.healthReport(timeout: try arguments.seconds("timeout"), protocolMode: try arguments.protocolMode(),
                                                  runsCanaries: !arguments.has("no-canary"), filter: try arguments.inventoryFilter())
        if let problem = workspace.record(report) { invocation.session.report(problem) }
        return report.value
    }

    static let watch = Command(
        "watch", group: group, summary: "Redraw the dashboard in place every few seconds until Ctrl-C",
        flags: [Flag("interval", value: "S", "seconds between checks (default 10)"), probeFlags[0], probeFlags[1], probeFlags[2]],
        examples: ["health watch", "health watch --interval 30"]
    ) { invocation in
        let interval = try invocation.arguments.seconds("interval") ?? .seconds(10)
        let output = invocation.output
        let onTerminal = isatty(1) == 1
        // Only Ctrl-C (or a signal) ends the watch: it ends as any interrupted command does,
        // its line ended and status 130, whatever the last dashboard said.
        while true {
            let report = try await check(invocation)
            try Task.checkCancellation()
            let box = HealthBox.render(report, output: output, width: Terminal.columns(environment: invocation.session.context.environment))
            // Home and clear to the end: the new box overwrites the old without a flash.
            if onTerminal { output.clearScreen() }
            output.write(box + "\n" + output.styled("every \(Units.seconds(interval.seconds)); Ctrl-C stops", .dim) + "\n")
            try await Task.sleep(for: interval)
        }
    }
}

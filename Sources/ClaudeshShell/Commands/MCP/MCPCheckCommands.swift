#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// mcp check, mcp retry, mcp good: the probe and the last known good config.
enum MCPCheckCommands {
    static let group = MCPCommands.group

    @MainActor
    static var all: [Command] { [check, retry, good] }

    static let probeFlags = [
        Flag("timeout", value: "S", "seconds one attempt may take, start to the ping's answer"),
        Flag("retries", value: "N", "attempts after the first for failures that are not permanent"),
        Flag("deadline", value: "S", "seconds all attempts of all servers may take together"),
        Flag("jobs", short: "j", value: "N", "servers probed at the same time (default 16)"),
        Flag.config, .json,
    ]

    static let check = Command(
        "check", group: group, summary: "Probe servers with a real MCP handshake (initialize, tools/list, ping), all at once",
        discussion: """
        Exit status 1 when any server failed. When every server of the config passed, the config
        is saved as the last known good (mcp good restore puts it back). Each server's stderr goes
        to HOME/logs/mcp-NAME.log, with loaded secrets and the entry's env values masked.
        Defaults: --timeout 30 (or MCP_TIMEOUT, in milliseconds, as Claude Code reads it), --retries 0, --deadline 60.
        """,
        arguments: [Argument("NAME", "servers to check (default: all)", completion: .serverNames, optional: true, variadic: true)],
        flags: probeFlags,
        examples: ["mcp check", "mcp check time github --timeout 5", "mcp check --retries 3 --json"]
    ) { invocation in
        try await probe(invocation, defaults: ProbeOptions())
    }

    static let retry = Command(
        "retry", group: group, summary: "Check with retries and backoff, for boot: a server still starting gets time",
        discussion: """
        mcp check with --retries 4 (five attempts, as the classic retry script), exponential backoff
        with full jitter from 1 s up to 16 s, and a 120 s deadline. Permanent failures (command not
        found, not executable, malformed entry, HTTP 401) are reported at once, not retried.
        """,
        arguments: check.arguments,
        flags: probeFlags,
        examples: ["mcp retry", "mcp retry github --retries 9 --deadline 300"]
    ) { invocation in
        try await probe(invocation, defaults: ProbeOptions(retries: 4, deadline: .seconds(120), backoff: Backoff(base: .seconds(1), cap: .seconds(16))))
    }

    static let good = Command(
        "good", group: group, summary: "The last known good config: save or restore it",
        subcommands: [
            Command(
                "save", group: group, summary: "Save the config as the last known good (HOME/backups/mcp-config-good.json)",
                flags: [.config], examples: ["mcp good save"]
            ) { invocation in
                let saved = try invocation.workspace.saveLastKnownGood(invocation.arguments.value("config"))
                invocation.output.line("Saved \(saved.config) as the last known good: \(saved.saved)")
                return .success
            },
            Command(
                "restore", group: group, summary: "Put the last known good config back (the current file is kept as FILE.before-restore)",
                flags: [.config], examples: ["mcp good restore", "mcp good restore --config desktop"]
            ) { invocation in
                let workspace = invocation.workspace
                let config = invocation.arguments.value("config")
                guard let restored = try workspace.restoreLastKnownGood(to: config) else {
                    invocation.output.line("would restore \(workspace.lastKnownGood.path) to \(workspace.configPath(config)) (dry run: nothing written)")
                    return .success
                }
                invocation.output.line("Restored the last known good config to \(restored.path)" + (restored.keptAs.map { "; the previous file is \($0)" } ?? ""))
                return .success
            },
        ]
    )

    /// Runs the probe of `mcp check` and `mcp retry` and renders it.
    @MainActor
    static func probe(_ invocation: Invocation, defaults: ProbeOptions) async throws -> ExitStatus {
        var options = defaults
        let arguments = invocation.arguments
        if let value = try arguments.seconds("timeout") { options.timeout = value }
        if let value = try arguments.seconds("deadline") { options.deadline = value }
        if let value = try arguments.count("retries", minimum: 0) { options.retries = value }
        if let value = try arguments.count("jobs", minimum: 1) { options.concurrency = value }

        let output = invocation.output
        let live = !invocation.wantsJSON && isatty(2) == 1
        // Results arrive in the order servers finish: the name column is set once, up front.
        let nameWidth = NameWidth()
        let check = try await invocation.workspace.checkServers(arguments.positionals, in: arguments.value("config"), options: options, onProbing: { @MainActor names, path in
            nameWidth.value = names.map(DisplayWidth.of).max() ?? 0
            if live { output.error(output.styled("probing \(names.count) server\(names.count == 1 ? "" : "s") in \(path)…", .dim)) }
        }, onResult: { @MainActor result in
            guard live, !Task.isCancelled else { return } // after Ctrl-C, results are the cancellation's
            output.error(progressLine(result, output, nameWidth: nameWidth.value))
        })
        let results = check.results
        guard !results.isEmpty else {
            if invocation.wantsJSON {
                output.json(.object([("config", .string(check.config)), ("passed", .int(0)), ("failed", .int(0)), ("servers", .array([]))]))
            } else {
                output.line(MCPCommands.noServers(in: check.config))
            }
            return .success
        }
        let failed = check.failed
        if invocation.wantsJSON {
            output.json(.object([
                ("config", .string(check.config)), ("passed", .int(results.count - failed.count)), ("failed", .int(failed.count)),
                ("servers", .array(results.map { $0.json })),
            ]))
        } else {
            output.line(ProbeReport.table(results, output))
            for result in failed { output.line(ProbeReport.failureDetail(result, output)) }
        }
        switch check.lastKnownGood {
        case .notSaved: break
        case .saved:
            if !invocation.wantsJSON { output.line(output.styled(allPassed(results.count) + "; saved as the last known good config.", .dim)) }
        case .notWritten(let reason):
            invocation.session.report("could not save the last known good config: \(reason)")
        }
        return failed.isEmpty ? .success : .failure
    }

    /// "  ok    NAME  12 ms", the names padded to `nameWidth` so that the lines align.
    @MainActor
    static func progressLine(_ result: ProbeResult, _ output: Output, nameWidth: Int) -> String {
        let name = DisplayWidth.pad(result.server, to: nameWidth)
        if result.passed {
            return "  " + output.styled("ok", .green) + "    \(name)  \(ProbeReport.milliseconds(result))"
        }
        return "  " + output.styled("FAIL", .red) + "  \(name)  \((result.reason ?? "").clipped(100))"
    }

    /// "All 3 passed", and for one server "1 passed".
    static func allPassed(_ count: Int) -> String {
        count == 1 ? "1 passed" : "All \(count) passed"
    }
}

/// The width of the live lines' name column, known once the servers are.
@MainActor
private final class NameWidth {
    var value = 0
}

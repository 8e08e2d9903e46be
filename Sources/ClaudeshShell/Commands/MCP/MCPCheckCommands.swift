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
    static var all: [Command] { [check, retry, good, protocolSetting] }

    static let probeFlags = [
        Flag("timeout", value: "S", "seconds one attempt may take, start to the last answer"),
        Flag("retries", value: "N", "attempts after the first for failures that are not permanent"),
        Flag("deadline", value: "S", "seconds all attempts of all servers may take together"),
        Flag("jobs", short: "j", value: "N", "servers probed at the same time (default 16)"),
        Flag.protocolMode, Flag.config, .noCanary, .json,
    ] + Flag.inventory

    static let check = Command(
        "check", group: group, summary: "Probe servers as Claude would (either MCP era: server/discover or initialize, then tools/list), all at once",
        discussion: """
        Exit status 1 when any server failed. A server that answers HTTP 401 or 403 with a
        WWW-Authenticate challenge to an entry without credentials is shown as AUTH (needs
        authorization: Claude signs in with OAuth, claudesh holds no token): up, not down, and
        not a failure of the check. When every server of the config passed, the config
        is saved as the last known good (mcp good restore puts it back). Each server's stderr goes
        to HOME/logs/mcp-NAME.log, with loaded secrets and the entry's env values masked.
        Defaults: --timeout 30 (or MCP_TIMEOUT, in milliseconds, as Claude Code reads it), --retries 0, --deadline 60.
        The era is found out as the 2026-07-28 revision says: server/discover first, initialize
        when the server answers as a legacy one does (or stays silent on stdio for 2 s, and then
        whichever answer proves the era is taken); --protocol, or mcp protocol NAME ERA for one
        server, fixes it. A modern server is never sent initialize, ping or a session id.
        A server's canary (mcp canary add) is called after its handshake on the same session;
        one that fails makes the exit status 1 while the server's own line stays ok.
        Each server's tools are hashed and compared with their pin (HOME/tool-pins.json; a
        server seen for the first time is pinned): tools changed since pinned, and a context
        weight (the tools' JSON in tokens, UTF-8 bytes / 4) over the mcp-context-warn setting,
        are warnings, not failures.
        """,
        arguments: [Argument("NAME", "servers to check (default: all)", completion: .serverNames, optional: true, variadic: true)],
        flags: probeFlags,
        examples: ["mcp check", "mcp check time github --timeout 5", "mcp check --retries 3 --json", "mcp check --protocol legacy"]
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

    static let protocolSetting = Command(
        "protocol", group: group, summary: "The MCP era a server is checked in: list the fixed ones, or fix one (auto finds it out)",
        discussion: """
        Kept in HOME/server-protocols.json, claudesh's own file: the client's config is not
        touched. mcp check, mcp retry, health and recover use it; --protocol on a command
        overrides it for that run. auto removes the server's entry. The era is the server's of
        one config file (--config, default mcp-config): a server of the same name in another
        file has its own. Without NAME, every file's fixed eras are listed.
        """,
        arguments: [
            Argument("NAME", "the server (default: list every fixed one)", completion: .serverNames, optional: true),
            Argument("ERA", "auto, modern or legacy", completion: .choices(ProtocolMode.allCases.map { $0.rawValue }), optional: true),
        ],
        flags: [Flag.config, .json],
        examples: ["mcp protocol", "mcp protocol old-server legacy", "mcp protocol old-server auto", "mcp protocol old-server legacy --config project"]
    ) { invocation in
        let workspace = invocation.workspace
        let words = invocation.arguments.positionals
        let output = invocation.output
        let config = invocation.arguments.value("config")
        if words.count == 2 {
            guard let mode = ProtocolMode(word: words[1]) else {
                throw ShellError.usage("the era is auto, modern or legacy, not '\(words[1].clipped())'")
            }
            let path = try workspace.fixEra(of: words[0], in: config, to: mode)
            if workspace.dryRun {
                output.line("would check \(words[0]) in \(mode == .auto ? "whichever era it speaks" : "the \(mode.rawValue) era") (dry run: \(path) not written)")
            } else {
                output.line(mode == .auto ? "\(words[0]) is checked in whichever era it speaks (auto)" : "\(words[0]) is checked in the \(mode.rawValue) era (\(path))")
            }
            return .success
        }
        // One server is one config's (the default one's without --config); the list is every file's.
        let fixed = try workspace.fixedEras(in: words.isEmpty ? config : config ?? workspace.settings.mcpConfig.description).filter { words.isEmpty || $0.server == words[0] }
        if invocation.wantsJSON {
            output.json(ServerStateTable.json(fixed) { mode in [("era", .string(mode.rawValue))] })
        } else if fixed.isEmpty {
            output.line(words.isEmpty ? "every server is checked in whichever era it speaks (auto)" : "\(words[0]) is checked in whichever era it speaks (auto)")
        } else {
            output.line(ServerStateTable.render(fixed, headers: ["ERA"], width: invocation.terminalWidth) { mode in [mode.rawValue] })
        }
        return .success
    }

    /// Runs the probe of `mcp check` and `mcp retry` and renders it.
    @MainActor
    static func probe(_ invocation: Invocation, defaults: ProbeOptions) async throws -> ExitStatus {
        var options = defaults
        let arguments = invocation.arguments
        if let value = try arguments.seconds("timeout") { options.timeout = value }
        if let value = try arguments.seconds("deadline") { options.deadline = value }
        if let value = try arguments.count("retries", minimum: 0) { options.retries = value }
        if let value = try arguments.count("jobs", minimum: 1) { options.concurrency = value }
        options.protocolMode = try arguments.protocolMode()
        options.runsCanaries = !arguments.has("no-canary")

        let output = invocation.output
        let live = !invocation.wantsJSON && isatty(2) == 1
        // Results arrive in the order servers finish: the name column is set once, up front.
        let nameWidth = NameWidth()
        let onProbing = { @MainActor @Sendable (names: [String], path: String) in
            nameWidth.value = names.map(DisplayWidth.of).max() ?? 0
            if live { output.error(output.styled("probing \(names.count) server\(names.count == 1 ? "" : "s") in \(path)…", .dim)) }
        }
        let onResult = { @MainActor @Sendable (result: ProbeResult) in
            guard live, !Task.isCancelled else { return } // after Ctrl-C, results are the cancellation's
            output.error(progressLine(result, output, nameWidth: nameWidth.value))
        }
        let check = if let filter = try arguments.inventoryFilter() {
            try await invocation.workspace.checkInventory(arguments.positionals, filter, options: options, onProbing: onProbing, onResult: onResult)
        } else {
            try await invocation.workspace.checkServers(arguments.positionals, in: arguments.value("config"), options: options, onProbing: onProbing, onResult: onResult)
        }
        for problem in check.problems { invocation.session.report("warning: \(problem) (its servers are not checked)") }
        for line in check.notChecked where !invocation.wantsJSON { output.line(output.styled(line, .dim)) }
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
        let awaiting = check.awaitingAuthorization
        let canariesFailed = check.canariesFailed
        if invocation.wantsJSON {
            output.json(.object([
                ("config", .string(check.config)), ("passed", .int(results.count - failed.count - awaiting.count)), ("failed", .int(failed.count)),
                ("needs_authorization", .int(awaiting.count)), ("canaries_failed", .int(canariesFailed.count)),
                ("servers", .array(results.map { $0.json })),
            ]))
        } else {
            output.line(ProbeReport.table(results, output))
            let notes = ProbeReport.notes(results, output)
            if !notes.isEmpty { output.line(notes) }
            for result in failed + awaiting { output.line(ProbeReport.failureDetail(result, output)) }
        }
        if let problem = check.pinProblem { invocation.session.report(problem) }
        switch check.lastKnownGood {
        case .notSaved: break
        case .saved:
            if !invocation.wantsJSON { output.line(output.styled(allPassed(results.count) + "; saved as the last known good config.", .dim)) }
        case .notWritten(let reason):
            invocation.session.report("could not save the last known good config: \(reason)")
        }
        return failed.isEmpty && canariesFailed.isEmpty ? .success : .failure
    }

    /// "  ok    NAME  12 ms", the names padded to `nameWidth` so that the lines align.
    @MainActor
    static func progressLine(_ result: ProbeResult, _ output: Output, nameWidth: Int) -> String {
        let name = DisplayWidth.pad(result.server, to: nameWidth)
        if result.passed {
            return "  " + output.styled("ok", .green) + "    \(name)  \(ProbeReport.milliseconds(result))"
        }
        if result.needsAuthorization {
            return "  " + output.styled("AUTH", .yellow) + "  \(name)  needs authorization"
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

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
        MCPConfigAccess.configFlag, .json,
    ]

    static let check = Command(
        "check", group: group, summary: "Probe servers with a real MCP handshake (initialize, tools/list, ping), all at once",
        discussion: """
        Exit status 1 when any server failed. When every server of the config passed, the config
        is saved as the last known good (mcp good restore puts it back). Each server's stderr goes
        to HOME/logs/mcp-NAME.log, with loaded secrets and the entry's env values masked.
        Defaults: --timeout 10, --retries 0, --deadline 60.
        """,
        arguments: [Argument("NAME", "servers to check (default: all)", completion: MCPConfigAccess.serverNames, optional: true, variadic: true)],
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
                flags: [MCPConfigAccess.configFlag], examples: ["mcp good save"]
            ) { invocation in
                let config = try MCPConfigAccess.load(invocation)
                let store = LastKnownGood(home: invocation.session.context.home)
                try store.save(config)
                invocation.output.line("Saved \(config.path) as the last known good: \(store.path)")
                return .success
            },
            Command(
                "restore", group: group, summary: "Put the last known good config back (the current file is kept as FILE.before-restore)",
                flags: [MCPConfigAccess.configFlag], examples: ["mcp good restore", "mcp good restore --config desktop"]
            ) { invocation in
                let path = MCPConfigAccess.path(invocation)
                let store = LastKnownGood(home: invocation.session.context.home)
                guard store.exists else {
                    throw ShellError.failed("no last known good config yet (\(store.path)): run mcp check until every server passes, or mcp good save")
                }
                if invocation.session.context.dryRun {
                    invocation.output.line("would restore \(store.path) to \(path) (dry run: nothing written)")
                    return .success
                }
                let restored = try store.restore(to: path)
                invocation.output.line("Restored the last known good config to \(restored.path)" + (restored.keptAs.map { "; the previous file is \($0)" } ?? ""))
                return .success
            },
        ]
    )

    /// Runs the probe of `mcp check` and `mcp retry` and renders it.
    @MainActor
    static func probe(_ invocation: Invocation, defaults: ProbeOptions) async throws -> ExitStatus {
        let context = invocation.session.context
        var options = defaults
        let arguments = invocation.arguments
        if let value = try seconds(arguments, "timeout") { options.timeout = value }
        if let value = try seconds(arguments, "deadline") { options.deadline = value }
        if let value = try count(arguments, "retries", minimum: 0) { options.retries = value }
        if let value = try count(arguments, "jobs", minimum: 1) { options.concurrency = value }
        options.logFolder = Path.join(context.home, "logs")

        let config = try MCPConfigAccess.load(invocation)
        let names = arguments.positionals
        for name in names { _ = try config.requireEntry(named: name) }
        let chosen = config.entries.filter { names.isEmpty || names.contains($0.name) }
        guard !chosen.isEmpty else {
            if invocation.wantsJSON {
                invocation.output.json(.object([("config", .string(config.path)), ("passed", .int(0)), ("failed", .int(0)), ("servers", .array([]))]))
            } else {
                invocation.output.line(MCPConfigAccess.noServers(in: config))
            }
            return .success
        }
        let targets = targets(chosen, context)

        let output = invocation.output
        let live = !invocation.wantsJSON && isatty(2) == 1
        if live { output.error(output.styled("probing \(targets.count) server\(targets.count == 1 ? "" : "s") in \(config.path)…", .dim)) }
        let secrets = await referencedSecrets(chosen, context)
        let results = await Prober.check(targets, options: options, secrets: secrets) { @MainActor result in
            guard live, !Task.isCancelled else { return } // after Ctrl-C, results are the cancellation's
            output.error(progressLine(result, output))
        }
        try Task.checkCancellation()
        let failed = results.filter { !$0.passed }
        if invocation.wantsJSON {
            output.json(.object([
                ("config", .string(config.path)), ("passed", .int(results.count - failed.count)), ("failed", .int(failed.count)),
                ("servers", .array(results.map { $0.json })),
            ]))
        } else {
            output.line(ProbeReport.table(results, output))
            for result in failed { output.line(ProbeReport.failureDetail(result, output)) }
        }
        if failed.isEmpty && names.isEmpty && !context.dryRun {
            let store = LastKnownGood(home: context.home)
            do {
                try store.save(config)
                if !invocation.wantsJSON { output.line(output.styled("All \(results.count) passed; saved as the last known good config.", .dim)) }
            } catch {
                invocation.session.report("could not save the last known good config: \(error)")
            }
        }
        return failed.isEmpty ? .success : .failure
    }

    /// The probe targets of `entries`: each started as the client would start it, or why it
    /// cannot be.
    @MainActor
    static func targets(_ entries: [(name: String, entry: JSONValue)], _ context: SessionContext) -> [Prober.Target] {
        entries.map { name, entry in
            let launch: Result<ServerLaunch, ProbeFailure>
            var transport = "?"
            do throws(ProbeFailure) {
                let definition: ServerDefinition
                do throws(ServerDefinition.Error) { definition = try ServerDefinition(name: name, entry: entry) } catch { throw .invalidConfig(error.description) }
                transport = definition.transport.name
                launch = .success(try ServerLaunch(definition, environment: context.environment.variables, directory: context.environment.currentDirectory, lookup: context.lookup))
            } catch {
                launch = .failure(error)
            }
            return Prober.Target(name: name, transport: transport, launch: launch)
        }
    }

    /// The values a probe's logs and reasons must mask: the loaded secrets, and those the
    /// `claudesh exec` entries being probed will decrypt (a server may echo its token).
    @MainActor
    static func referencedSecrets(_ entries: [(name: String, entry: JSONValue)], _ context: SessionContext) async -> [String] {
        var values = context.vault.values
        let names = Set(entries.flatMap { (try? ServerDefinition(name: $0.name, entry: $0.entry))?.secrets ?? [] }.map(\.name))
        let store = SecretsAccess.store(context)
        for name in names.sorted() where context.vault.value(of: name) == nil {
            // One that cannot be decrypted fails its server's probe, which says why.
            if let value = try? await store.value(of: name) { values.append(value) }
        }
        return values
    }

    @MainActor
    static func progressLine(_ result: ProbeResult, _ output: Output) -> String {
        if result.passed {
            return "  " + output.styled("ok", .green) + "    \(result.server)  \(ProbeReport.milliseconds(result))"
        }
        return "  " + output.styled("FAIL", .red) + "  \(result.server)  \((result.reason ?? "").clipped(100))"
    }

    static func seconds(_ arguments: ParsedArguments, _ flag: String) throws(ShellError) -> Duration? {
        guard let text = arguments.value(flag) else { return nil }
        guard let value = Double(text), value > 0, value <= 86_400 else {
            throw .usage("--\(flag) takes seconds, a number above 0 (e.g. 2.5), not '\(text.clipped())'")
        }
        return .milliseconds(Int((value * 1000).rounded()))
    }

    static func count(_ arguments: ParsedArguments, _ flag: String, minimum: Int) throws(ShellError) -> Int? {
        guard let text = arguments.value(flag) else { return nil }
        guard let value = Int(text), value >= minimum, value <= 1000 else {
            throw .usage("--\(flag) takes a whole number from \(minimum) to 1000, not '\(text.clipped())'")
        }
        return value
    }
}

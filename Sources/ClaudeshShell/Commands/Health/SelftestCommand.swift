#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// selftest: the integration checks of the classic setup, one line each.
enum SelftestCommand {
    struct Check {
        var name: String
        /// nil: nothing to check here (no compose file).
        var passed: Bool?
        var detail: String
    }

    static let command = Command(
        "selftest", group: HealthCommands.group, summary: "The integration checks: servers connect, the store decrypts, containers run, a backup is made and verifies (exit 1 on any failure)",
        discussion: """
        The backup is made of the real backup set into a private temporary folder, verified
        there, and removed: the backup folder is not touched. Containers are checked only when
        there is a compose file.
        """,
        flags: [.json],
        examples: ["selftest", "claudesh selftest   (from CI or cron)"]
    ) { invocation in
        let context = invocation.session.context
        async let servers = serversCheck(invocation)
        async let store = storeCheck(context)
        async let containers = containersCheck(invocation)
        let checks = [await servers, await store, await containers, await backupCheck(context)]
        let failed = checks.filter { $0.passed == false }
        let output = invocation.output
        if invocation.wantsJSON {
            output.json(.object([
                ("passed", .bool(failed.isEmpty)),
                ("checks", .array(checks.map { .object([("name", .string($0.name)), ("passed", $0.passed.map(JSONValue.bool) ?? .null), ("detail", .string($0.detail))]) })),
            ]))
        } else {
            for check in checks {
                let mark = check.passed.map { $0 ? output.styled("✔", .green) : output.styled("✘", .red) } ?? output.styled("–", .dim)
                output.line("\(mark) \(check.name): \(check.detail)")
            }
            output.line(failed.isEmpty ? "All checks passed." : "\(failed.count) of \(checks.count) checks failed.")
        }
        return failed.isEmpty ? .success : .failure
    }

    @MainActor
    static func serversCheck(_ invocation: Invocation) async -> Check {
        let context = invocation.session.context
        let name = "MCP servers connect"
        do {
            let config = try ClientConfig(path: context.settings.mcpConfig.path(in: context.environment))
            // No servers is nothing to check, as no compose file is.
            guard !config.entries.isEmpty else { return Check(name: name, passed: nil, detail: "no servers in \(config.path): mcp add NAME -- COMMAND") }
            let results = await Prober.check(MCPCheckCommands.targets(config.entries, context), options: ProbeOptions(logFolder: Path.join(context.home, "logs")),
                                             secrets: await MCPCheckCommands.referencedSecrets(config.entries, context))
            let failed = results.filter { !$0.passed }
            guard failed.isEmpty else { return Check(name: name, passed: false, detail: failed.map { "\($0.server): \($0.reason ?? "failed")" }.joined(separator: "; ")) }
            return Check(name: name, passed: true, detail: "\(results.count) of \(results.count) passed the handshake")
        } catch {
            return Check(name: name, passed: false, detail: "\(error)")
        }
    }

    @MainActor
    static func storeCheck(_ context: SessionContext) async -> Check {
        let name = "pass store readable"
        let store = SecretsAccess.store(context)
        do {
            try store.requireInitialized()
            let names = store.names()
            guard let first = names.first(where: { $0.hasPrefix("claude/") }) ?? names.first else {
                return Check(name: name, passed: true, detail: "initialised, no secrets yet to decrypt")
            }
            _ = try await store.value(of: first)
            return Check(name: name, passed: true, detail: "\(names.count) secret\(names.count == 1 ? "" : "s"); \(first) decrypts")
        } catch {
            return Check(name: name, passed: false, detail: "\(error)")
        }
    }

    @MainActor
    static func containersCheck(_ invocation: Invocation) async -> Check {
        let checks = await HealthCommands.containerChecks(invocation)
        let name = "containers running"
        if checks.allSatisfy({ $0.state == .off }) { return Check(name: name, passed: nil, detail: checks.first?.detail ?? "no compose file") }
        let failed = checks.filter { $0.state == .failed }
        guard failed.isEmpty else { return Check(name: name, passed: false, detail: failed.map { "\($0.name): \($0.detail)" }.joined(separator: "; ")) }
        return Check(name: name, passed: true, detail: "\(checks.count) service\(checks.count == 1 ? "" : "s") up")
    }

    @MainActor
    static func backupCheck(_ context: SessionContext) async -> Check {
        let name = "backup made and verified"
        do {
            let scratch = try PrivateFolder(prefix: "claudesh-selftest.")
            defer { scratch.remove() }
            let folder = scratch.path
            let environment = SecretsAccess.environment(context).variables
            let set = BackupSet.standard(context: context).excluding(folder: folder)
            let (manifest, stamps) = try set.manifest(now: Int(time(nil)))
            let created = try await BackupArchive.create(manifest, set: set, stamps: stamps, folder: folder, recipients: try BackupCommands.recipients(context), environment: environment)
            let verified = try await BackupArchive.verify(created.path, environment: environment)
            guard verified.isWhole else { return Check(name: name, passed: false, detail: verified.problems.prefix(3).joined(separator: "; ")) }
            return Check(name: name, passed: true, detail: "\(created.members) members, \(Units.size(created.bytes)), whole")
        } catch {
            return Check(name: name, passed: false, detail: "\(error)")
        }
    }
}

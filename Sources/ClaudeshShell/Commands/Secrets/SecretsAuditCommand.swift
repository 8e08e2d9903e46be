import ClaudeshKit

/// secrets audit: clear-text secrets in the client configs, the compose file, .env files and
/// shell rc files; --fix moves the ones in server env into the store.
enum SecretsAuditCommand {
    static let command = Command(
        "audit", group: CommandGroup.secrets, summary: "Find clear-text secrets in configs, compose, .env and rc files (exit 1 if any)",
        discussion: """
        Looks for known token shapes (ghp_, github_pat_, sk-, sk-ant-, xoxb-, AKIA, glpat-, ...) and
        long random-looking values in env, header and token-like fields. --fix moves each value
        in a stdio server's env into the store (claude/SERVER/VARIABLE) and rewrites the entry to
        start the server through 'claudesh exec --secret', after a confirm; the rest is listed
        for fixing by hand.
        """,
        flags: [Flag("fix", "move server env values into the store and rewrite the entries"), .yes, .json],
        examples: ["secrets audit", "secrets audit --fix", "secrets audit --fix --yes"]
    ) { invocation in
        let targets = invocation.workspace.auditTargets
        let findings = targets.flatMap(SecretAudit.scan)
        if invocation.wantsJSON {
            invocation.output.json(.object([
                ("scanned", .array(targets.map { .string($0.path) })),
                ("findings", .array(findings.map { finding in
                    .object([
                        ("file", .string(finding.file)), ("line", .int(finding.line)), ("column", .int(finding.column)),
                        ("key", .string(finding.key)), ("kind", .string(finding.kind)), ("masked", .string(finding.masked)),
                    ])
                })),
            ]))
        } else if findings.isEmpty {
            invocation.output.line("No clear-text secrets found in \(targets.count) file\(targets.count == 1 ? "" : "s").")
        } else {
            let rows = findings.map { ["\($0.file):\($0.line):\($0.column)", $0.key, $0.kind, $0.masked] }
            invocation.output.line(Table(headers: ["FILE", "KEY", "KIND", "VALUE"], rows: rows, width: invocation.terminalWidth).render())
            invocation.output.line("\(findings.count) clear-text secret\(findings.count == 1 ? "" : "s") in \(Set(findings.map { $0.file }).count) file(s).")
        }
        guard !findings.isEmpty else { return .success }
        guard invocation.arguments.has("fix") else {
            if !invocation.wantsJSON { invocation.output.line("Move the server env values into the store: secrets audit --fix") }
            return .failure
        }
        return try await fix(findings, targets: targets, invocation)
    }

    @MainActor
    static func fix(_ findings: [AuditFinding], targets: [SecretAudit.Target], _ invocation: Invocation) async throws -> ExitStatus {
        let output = invocation.output
        let configs = Set(targets.filter { $0.isClientConfig }.map { $0.path })
        let plan = AuditFix(findings: findings, clientConfigs: configs)
        let workspace = invocation.workspace
        let store = workspace.store
        for finding in plan.manual {
            output.line("fix by hand: \(finding.file):\(finding.line):\(finding.column) \(finding.key) (\(finding.kind))")
        }
        guard !plan.moves.isEmpty else { return .failure }
        try store.requireInitialized()
        for move in plan.moves {
            output.line("\(move.file): \(move.server).env.\(move.variable) → pass \(move.secret), via claudesh exec --secret")
        }
        if workspace.dryRun {
            output.line("nothing changed (dry run)")
            return .failure
        }
        try invocation.confirm("Move \(plan.moves.count) value\(plan.moves.count == 1 ? "" : "s") into \(store.directory) and rewrite the entries?")
        let written = try await workspace.applyAuditFix(plan)
        for file in written { output.line("Rewrote \(file)") }
        output.line("Check the servers still start: mcp check")
        return plan.manual.isEmpty ? .success : .failure
    }
}

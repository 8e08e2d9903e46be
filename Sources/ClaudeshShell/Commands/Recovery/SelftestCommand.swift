import ClaudeshKit

/// selftest: the integration checks of the classic setup, one line each.
enum SelftestCommand {
    static let command = Command(
        "selftest", group: CommandGroup.health, summary: "The integration checks: servers connect, the store decrypts, containers run, a backup is made and verifies (exit 1 on any failure)",
        discussion: """
        The backup is made of the real backup set into a private temporary folder, verified
        there, and removed: the backup folder is not touched. Containers are checked only when
        there is a compose file.
        """,
        flags: [.json],
        examples: ["selftest", "claudesh selftest   (from CI or cron)"]
    ) { invocation in
        let checks = await invocation.workspace.selftest()
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
}

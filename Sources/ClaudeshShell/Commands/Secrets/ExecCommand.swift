import ClaudeshKit

/// exec: a program with secrets in its environment only, claudesh replaced by it.
enum ExecCommand {
    static let command = Command(
        "exec", group: CommandGroup.secrets, summary: "Run a program with secrets in its environment, in place of claudesh",
        discussion: """
        Decrypts each --secret (a loaded one is used as it is), puts it in the program's
        environment only, and replaces claudesh with the program (execve): its pid, pipes and
        signals are the caller's. Usable as the command of a Claude Desktop entry:
        "command": "/usr/local/bin/claudesh", "args": ["exec", "--secret", "GITHUB_TOKEN=claude/github-token", "--", "npx", ...]
        Put -- before the program so its flags stay its own.
        """,
        arguments: [
            Argument("COMMAND", "the program", completion: .commandLine),
            Argument("ARGS", "its arguments", optional: true, variadic: true),
        ],
        flags: [.secret("put the store's secret NAME in the variable ENV")],
        examples: ["exec --secret GITHUB_TOKEN=claude/github-token -- npx -y @modelcontextprotocol/server-github"]
    ) { invocation in
        let session = invocation.session
        let workspace = invocation.workspace
        let references = try invocation.arguments.secretReferences()
        let spec = try await workspace.execSpec(invocation.arguments.positionals, secrets: references)
        if session.context.dryRun {
            invocation.output.line("would run \(spec.commandLine) with \(references.map { $0.variable }.joined(separator: ", ")) from \(workspace.store.directory) (dry run)")
            return .success
        }
        try ProcessReplacement.exec(spec) { session.beforeReplacingProcess?() }
    }
}

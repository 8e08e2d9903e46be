import ClaudeshKit

/// source, try, confirm, echo, sleep, mkdir: what recorded scripts are made of.
enum ScriptCommands {
    static let group = CommandGroup.scripts

    static var all: [Command] { [source, `try`, confirm, echo, sleep, mkdir] }

    static let source = Command(
        "source", group: group, summary: "Run a .claudesh script in this session (its variables stay set)",
        discussion: "A relative FILE is found next to the script that sources it (psql's \\ir); at the prompt, in the current folder.",
        arguments: [
            Argument("FILE", "the script", completion: .path),
            Argument("ARGS", "its $1, $2...", optional: true, variadic: true),
        ],
        examples: ["source scripts/install.claudesh", "source lib/common.claudesh prod"]
    ) { invocation in
        let arguments = invocation.arguments.positionals
        let session = invocation.session
        return await ScriptRunner.run(path: arguments[0], arguments: Array(arguments.dropFirst()), relativeTo: session.scriptDirectory, in: session)
    }

    static let `try` = Command(
        "try", group: group, summary: "Run a command and go on even if it fails (its error is still shown)",
        discussion: "The command's own status is kept in the variable TRY_STATUS: a script ends with it by `exit ${TRY_STATUS}`.",
        arguments: [Argument("COMMAND", "the command and its arguments", completion: .commandLine, variadic: true)],
        examples: ["try mcp check github", "try compose down"],
        takesRawArguments: true
    ) { invocation in
        let status = await invocation.session.execute(words: invocation.arguments.positionals)
        // Kept so that a script can go on and still end with the verdict: `exit ${TRY_STATUS}`.
        invocation.session.context.variables["TRY_STATUS"] = String(status.rawValue)
        // Ctrl-C, SIGTERM and exit still stop the script: only failure is forgiven.
        if status.rawValue >= 128 || invocation.session.exitRequest != nil { return status }
        return .success
    }

    static let confirm = Command(
        "confirm", group: group, summary: "Ask a yes/no question; 'no' fails (and stops a script)",
        discussion: "--yes, here or on the claudesh command line, answers yes. Without a terminal and without --yes it fails.",
        arguments: [Argument("QUESTION", "what to ask", variadic: true)],
        flags: [.yes],
        examples: ["confirm \"Restore the newest backup?\""]
    ) { invocation in
        try invocation.confirm(invocation.arguments.positionals.joined(separator: " "))
        return .success
    }

    static let echo = Command(
        "echo", group: group, summary: "Print the words, separated by spaces",
        arguments: [Argument("WORDS", "what to print", optional: true, variadic: true)],
        examples: ["echo \"backing up to ${BACKUP_DIR:-~/backups/claude}\""],
        takesRawArguments: true
    ) { invocation in
        invocation.output.line(invocation.arguments.positionals.joined(separator: " "))
        return .success
    }

    static let mkdir = Command(
        "mkdir", group: group, summary: "Make folders and their parents (mode 0700); one that is there is left as it is",
        arguments: [Argument("DIR", "the folders", completion: .directory, variadic: true)],
        examples: ["mkdir ~/.claude/logs ~/.claude/docker ~/backups/claude"]
    ) { invocation in
        let context = invocation.session.context
        for given in invocation.arguments.positionals {
            let path = context.environment.absolutePath(given)
            if Path.kind(of: path) == .directory {
                invocation.output.line("Already done: \(path) exists")
            } else if context.dryRun {
                invocation.output.line("would make \(path) (dry run)")
            } else {
                try FileIO.makeDirectory(path)
                invocation.output.line("Made \(path)")
            }
        }
        return .success
    }

    static let sleep = Command(
        "sleep", group: group, summary: "Wait SECONDS (fractions allowed); Ctrl-C stops the wait",
        arguments: [Argument("SECONDS", "how long")],
        examples: ["sleep 2", "sleep 0.5"]
    ) { invocation in
        let text = invocation.arguments.positionals[0]
        guard let seconds = Double(text), seconds >= 0, seconds.isFinite, seconds <= 86_400 * 365 else {
            throw ShellError.usage("SECONDS must be a number from 0 up, not '\(text.clipped())'")
        }
        try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
        return .success
    }
}

import ClaudeshKit

/// help, history, version, exit.
enum ShellCommands {
    static let group = CommandGroup.shell

    static var all: [Command] { [help, history, version, exit] }

    static let help = Command(
        "help", group: group, summary: "List the commands, or show one command's usage, flags and examples",
        arguments: [Argument("COMMAND", "a command, and a subcommand", completion: .commandName, optional: true, variadic: true)],
        flags: [.json],
        examples: ["help", "help set", "help --json"]
    ) { invocation in
        let session = invocation.session
        let words = invocation.arguments.positionals
        if words.isEmpty {
            if invocation.wantsJSON {
                invocation.output.json(.array(session.registry.commands.filter { !$0.isHidden }.map { HelpFormatter.json($0, path: $0.name) }))
            } else {
                invocation.output.line(HelpFormatter.overview(session.registry, width: session.terminalWidth))
            }
            return .success
        }
        let match = try session.registry.resolve(words, group: true, atPrompt: session.isAtPrompt)
        guard match.rest.isEmpty else {
            throw ShellError.usage("'\(match.pathText)' has no subcommand '\(match.rest[0].clipped())'")
        }
        if invocation.wantsJSON {
            invocation.output.json(HelpFormatter.json(match.command, path: match.pathText))
        } else {
            invocation.output.line(HelpFormatter.detail(of: match.command, path: match.pathText, width: session.terminalWidth))
        }
        return .success
    }

    static let history = Command(
        "history", group: group, summary: "List the command history (HOME/history)",
        discussion: """
        Lines that start with a space, and lines that contain a loaded secret, are not saved.
        Up-arrow and Ctrl-R recall entries at the prompt.
        """,
        arguments: [Argument("N", "show only the last N entries", optional: true)],
        flags: [.json],
        examples: ["history 20"]
    ) { invocation in
        let session = invocation.session
        let entries = try session.history ?? HistoryFile(path: session.context.historyPath, limit: Repl.historySize).load()
        var first = 0
        if let text = invocation.arguments.positional(0) {
            guard let count = Int(text), count >= 0 else { throw ShellError.usage("N must be a whole number, not '\(text.clipped())'") }
            first = max(0, entries.count - count)
        }
        let numbered = entries.enumerated().dropFirst(first)
        if invocation.wantsJSON {
            invocation.output.json(.array(numbered.map { .object([("number", .int($0.offset + 1)), ("line", .string($0.element))]) }))
        } else {
            let width = String(entries.count).count
            for (index, line) in numbered {
                let number = String(index + 1)
                invocation.output.line(String(repeating: " ", count: width - number.count) + number + "  " + line)
            }
        }
        return .success
    }

    static let version = Command(
        "version", group: group, summary: "Show the claudesh version", flags: [.json]
    ) { invocation in
        if invocation.wantsJSON {
            invocation.output.json(.object([("version", .string(ClaudeshMain.version))]))
        } else {
            invocation.output.line("claudesh \(ClaudeshMain.version)")
        }
        return .success
    }

    static let exit = Command(
        "exit", aliases: ["quit"], group: group, summary: "Leave the shell, or end a script, with a status",
        arguments: [Argument("STATUS", "0 to 255; default 0", optional: true)],
        examples: ["exit", "exit 1"]
    ) { invocation in
        var status = ExitStatus.success
        if let text = invocation.arguments.positional(0) {
            guard let value = Int32(text), (0...255).contains(value) else {
                throw ShellError.usage("STATUS must be a number from 0 to 255, not '\(text.clipped())'")
            }
            status = ExitStatus(rawValue: value)
        }
        invocation.session.exitRequest = status
        return status
    }
}

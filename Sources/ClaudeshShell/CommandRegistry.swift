import ClaudeshKit

/// The one table of commands. Dispatch, `help`, completion and `__complete` all read it.
package final class CommandRegistry: Sendable {
    let commands: [Command]

    package init(_ commands: [Command]) {
        self.commands = commands
    }

    /// A command found for the first words of a line.
    struct Match: Sendable {
        var command: Command
        /// The full names, e.g. ["mcp", "list"], however they were abbreviated.
        var path: [String]
        /// The words after the command's name.
        var rest: [String]
        var pathText: String { path.joined(separator: " ") }
    }

    /// Finds the command `words` name, allowing unique prefixes ("he" for "help").
    /// `group`: a command that only holds subcommands is an answer too (`help mcp`).
    func resolve(_ words: [String], group: Bool = false) throws(ShellError) -> Match {
        guard let first = words.first else { throw .usage("no command given") }
        var command = try Self.lookup(first, in: commands, within: nil)
        var path = [command.name]
        var index = 1
        while !command.subcommands.isEmpty {
            guard index < words.count, !words[index].hasPrefix("-") else {
                if command.handler != nil || group { break }
                let names = command.subcommands.filter { !$0.isHidden }.map { $0.name }.joined(separator: ", ")
                if index < words.count, words[index] == "--help" { break }
                throw .usage("'\(path.joined(separator: " "))' needs a subcommand: \(names)")
            }
            command = try Self.lookup(words[index], in: command.subcommands, within: path.joined(separator: " "))
            path.append(command.name)
            index += 1
        }
        return Match(command: command, path: path, rest: Array(words[index...]))
    }

    /// A command or subcommand by exact name, alias or unique prefix.
    static func lookup(_ word: String, in candidates: [Command], within parent: String?) throws(ShellError) -> Command {
        if let exact = candidates.first(where: { $0.name == word || $0.aliases.contains(word) }) { return exact }
        let visible = candidates.filter { !$0.isHidden }
        let matches = visible.filter { command in
            command.name.hasPrefix(word) || command.aliases.contains { $0.hasPrefix(word) }
        }
        let what = parent.map { "subcommand of '\($0)'" } ?? "command"
        if matches.count == 1 { return matches[0] }
        if matches.count > 1 {
            throw .usage("ambiguous \(what) '\(word)': \(matches.map { $0.name }.joined(separator: ", "))")
        }
        var message = "unknown \(what) '\(word.clipped())'"
        if let guess = Suggestions.closest(to: word, among: visible.map({ $0.name })) {
            message += "; did you mean '\(parent.map { $0 + " " } ?? "")\(guess)'?"
        } else {
            message += parent.map { "; see 'help \($0)'" } ?? "; type 'help' for the list"
        }
        throw .usage(message)
    }
}

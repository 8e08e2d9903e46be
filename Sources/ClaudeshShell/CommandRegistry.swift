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

    /// Finds the command `words` name, allowing unique prefixes ("hist" for "history").
    /// `group`: a command that only holds subcommands is an answer too (`help mcp`).
    /// `atPrompt`: errors point to `help` as typed at the prompt, else as `claudesh help`.
    func resolve(_ words: [String], group: Bool = false, atPrompt: Bool = false) throws(ShellError) -> Match {
        guard let first = words.first else { throw .usage("no command given") }
        let help = HelpReference(atPrompt: atPrompt)
        var command = try Self.lookup(first, in: commands, within: nil, help: help)
        var path = [command.name]
        var index = 1
        while !command.subcommands.isEmpty {
            guard index < words.count, !words[index].hasPrefix("-") else {
                if command.handler != nil || group { break }
                if index < words.count, words[index] == "--help" || words[index] == "-h" { break }
                let pathText = path.joined(separator: " ")
                if index < words.count {
                    throw .usage("unknown flag '\(words[index].clipped())' of '\(pathText)' (see '\(pathText) --help')")
                }
                let names = command.subcommands.filter { !$0.isHidden }.map { $0.name }.joined(separator: ", ")
                throw .usage("'\(pathText)' needs a subcommand: \(names)")
            }
            command = try Self.lookup(words[index], in: command.subcommands, within: path.joined(separator: " "), help: help)
            path.append(command.name)
            index += 1
        }
        return Match(command: command, path: path, rest: Array(words[index...]))
    }

    /// A command or subcommand by exact name, alias or unique prefix.
    static func lookup(_ word: String, in candidates: [Command], within parent: String?, help: HelpReference = HelpReference(atPrompt: true)) throws(ShellError) -> Command {
        if let exact = candidates.first(where: { $0.name == word || $0.aliases.contains(word) }) { return exact }
        let visible = candidates.filter { !$0.isHidden }
        let matches = visible.filter { command in
            command.name.hasPrefix(word) || command.aliases.contains { $0.hasPrefix(word) }
        }
        // "subcommand 'chek' of 'mcp'": the word first, where the eye looks for it.
        let what = (parent == nil ? "command" : "subcommand") + " '\(word.clipped())'" + (parent.map { " of '\($0)'" } ?? "")
        if matches.count == 1 { return matches[0] }
        if matches.count > 1 {
            throw .usage("ambiguous \(what): \(matches.map { $0.name }.joined(separator: ", "))")
        }
        if let guess = Suggestions.closest(to: word, among: visible.map({ $0.name })) {
            throw .usage("unknown \(what): did you mean '\(guess)'?")
        }
        throw .usage("unknown \(what); " + (parent.map { help.see($0) } ?? help.forTheList))
    }
}

/// How an error points to `help`: typed at the prompt, or as `claudesh help` from a shell.
struct HelpReference: Sendable {
    var atPrompt: Bool

    var forTheList: String { atPrompt ? "type 'help' for the list" : "run 'claudesh help' for the list" }

    func see(_ topic: String) -> String { atPrompt ? "see 'help \(topic)'" : "see 'claudesh help \(topic)'" }
}

import ClaudeshKit

/// What runs a command: it gets the parsed invocation and returns a status or throws.
package typealias CommandHandler = @MainActor @Sendable (Invocation) async throws -> ExitStatus

/// One command, declared once: the declaration drives dispatch, help, REPL completion and the
/// shell completion scripts alike.
package struct Command: Sendable {
    package var name: String
    package var aliases: [String]
    /// The section of `help` it is listed under.
    package var group: String
    package var summary: String
    /// More text for `help NAME`.
    package var discussion: String?
    package var arguments: [Argument]
    package var flags: [Flag]
    package var examples: [String]
    package var subcommands: [Command]
    /// Words after the command are passed on as they are, flags included (`try`, `echo`).
    package var takesRawArguments: Bool
    /// Left out of `help` and completion (`__complete`).
    package var isHidden: Bool
    package var handler: CommandHandler?

    package init(
        _ name: String, aliases: [String] = [], group: String, summary: String, discussion: String? = nil,
        arguments: [Argument] = [], flags: [Flag] = [], examples: [String] = [], subcommands: [Command] = [],
        takesRawArguments: Bool = false, isHidden: Bool = false, handler: CommandHandler? = nil
    ) {
        self.name = name
        self.aliases = aliases
        self.group = group
        self.summary = summary
        self.discussion = discussion
        self.arguments = arguments
        self.flags = flags
        self.examples = examples
        self.subcommands = subcommands
        self.takesRawArguments = takesRawArguments
        self.isHidden = isHidden
        self.handler = handler
    }

    package func flag(named name: String) -> Flag? { flags.first { $0.name == name } }
    package func flag(short: Character) -> Flag? { flags.first { $0.short == short } }
}

package struct Argument: Sendable {
    package var name: String
    package var summary: String
    package var completion: Completion
    package var isOptional: Bool
    /// Takes every remaining word; only the last argument may.
    package var isVariadic: Bool

    package init(_ name: String, _ summary: String, completion: Completion = .none, optional: Bool = false, variadic: Bool = false) {
        self.name = name
        self.summary = summary
        self.completion = completion
        self.isOptional = optional
        self.isVariadic = variadic
    }
}

package struct Flag: Sendable {
    /// The long name, without `--`.
    package var name: String
    package var short: Character?
    package var summary: String
    /// The value's name in help (`--timeout S`); nil for a flag that takes no value.
    package var valueName: String?
    package var completion: Completion
    package var isRepeatable: Bool

    package init(_ name: String, short: Character? = nil, value valueName: String? = nil, _ summary: String, completion: Completion = .none, repeatable: Bool = false) {
        self.name = name
        self.short = short
        self.summary = summary
        self.valueName = valueName
        self.completion = completion
        self.isRepeatable = repeatable
    }

    /// `--json`, on every command that reports data.
    package static let json = Flag("json", "print the result as JSON")
}

/// What completes an argument's or a flag's value.
package enum Completion: Sendable {
    case none
    case path
    case directory
    /// A command name, then its subcommands (`help`).
    case commandName
    /// A whole command line (`try`).
    case commandLine
    case choices([String])
    /// Values from the session, e.g. server names or secret paths.
    case custom(@MainActor @Sendable (CompletionInput) -> [String])
}

/// What a custom completion gets.
package struct CompletionInput: Sendable {
    /// The word being completed.
    package var partial: String
    /// The command's positional arguments already given.
    package var positionals: [String]
    /// The values of flags already given, by long name (`--config FILE` → "config": "FILE").
    package var flags: [String: String] = [:]
    package var context: SessionContext
}

import ClaudeshKit

/// What runs a command: it gets the parsed invocation and returns a status or throws.
package typealias CommandHandler = @MainActor @Sendable (Invocation) async throws -> ExitStatus

/// One command, declared once: the declaration drives dispatch, help, REPL completion and the
/// shell completion scripts alike.
package struct Command: Sendable {
    var name: String
    var aliases: [String]
    /// The section of `help` it is listed under.
    var group: String
    var summary: String
    /// More text for `help NAME`.
    var discussion: String?
    var arguments: [Argument]
    var flags: [Flag]
    var examples: [String]
    var subcommands: [Command]
    /// Words after the command are passed on as they are, flags included (`try`, `echo`).
    var takesRawArguments: Bool
    /// Left out of `help` and completion (`__complete`).
    var isHidden: Bool
    var handler: CommandHandler?

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

    func flag(named name: String) -> Flag? { flags.first { $0.name == name } }
    func flag(short: Character) -> Flag? { flags.first { $0.short == short } }
}

package struct Argument: Sendable {
    var name: String
    var summary: String
    var completion: Completion
    var isOptional: Bool
    /// Takes every remaining word; only the last argument may.
    var isVariadic: Bool

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
    var name: String
    var short: Character?
    var summary: String
    /// The value's name in help (`--timeout S`); nil for a flag that takes no value.
    var valueName: String?
    var completion: Completion
    var isRepeatable: Bool

    init(_ name: String, short: Character? = nil, value valueName: String? = nil, _ summary: String, completion: Completion = .none, repeatable: Bool = false) {
        self.name = name
        self.short = short
        self.summary = summary
        self.valueName = valueName
        self.completion = completion
        self.isRepeatable = repeatable
    }

    /// `--json`, on every command that reports data.
    static let json = Flag("json", "print the result as JSON")
    /// mcp check, mcp retry and health: the servers' canaries are not called.
    static let noCanary = Flag("no-canary", "do not call the servers' canaries (mcp canary): the handshake only")
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
    var partial: String
    /// The command's positional arguments already given.
    var positionals: [String]
    /// The values of flags already given, by long name (`--config FILE` → "config": "FILE").
    var flags: [String: String] = [:]
    var context: SessionContext
}

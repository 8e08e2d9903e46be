import ClaudeshKit

/// What runs a command: it gets the parsed invocation and returns a status or throws.
public typealias CommandHandler = @MainActor @Sendable (Invocation) async throws -> ExitStatus

/// One command, declared once: the declaration drives dispatch, help, REPL completion and the
/// shell completion scripts alike.
public struct Command: Sendable {
    public var name: String
    public var aliases: [String]
    /// The section of `help` it is listed under.
    public var group: String
    public var summary: String
    /// More text for `help NAME`.
    public var discussion: String?
    public var arguments: [Argument]
    public var flags: [Flag]
    public var examples: [String]
    public var subcommands: [Command]
    /// Words after the command are passed on as they are, flags included (`try`, `echo`).
    public var takesRawArguments: Bool
    /// Left out of `help` and completion (`__complete`).
    public var isHidden: Bool
    public var handler: CommandHandler?

    public init(
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

    public func flag(named name: String) -> Flag? { flags.first { $0.name == name } }
    public func flag(short: Character) -> Flag? { flags.first { $0.short == short } }
}

public struct Argument: Sendable {
    public var name: String
    public var summary: String
    public var completion: Completion
    public var isOptional: Bool
    /// Takes every remaining word; only the last argument may.
    public var isVariadic: Bool

    public init(_ name: String, _ summary: String, completion: Completion = .none, optional: Bool = false, variadic: Bool = false) {
        self.name = name
        self.summary = summary
        self.completion = completion
        self.isOptional = optional
        self.isVariadic = variadic
    }
}

public struct Flag: Sendable {
    /// The long name, without `--`.
    public var name: String
    public var short: Character?
    public var summary: String
    /// The value's name in help (`--timeout S`); nil for a flag that takes no value.
    public var valueName: String?
    public var completion: Completion
    public var isRepeatable: Bool

    public init(_ name: String, short: Character? = nil, value valueName: String? = nil, _ summary: String, completion: Completion = .none, repeatable: Bool = false) {
        self.name = name
        self.short = short
        self.summary = summary
        self.valueName = valueName
        self.completion = completion
        self.isRepeatable = repeatable
    }

    /// `--json`, on every command that reports data.
    public static let json = Flag("json", "print the result as JSON")
}

/// What completes an argument's or a flag's value.
public enum Completion: Sendable {
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
public struct CompletionInput: Sendable {
    /// The word being completed.
    public var partial: String
    /// The command's positional arguments already given.
    public var positionals: [String]
    /// The values of flags already given, by long name (`--config FILE` → "config": "FILE").
    public var flags: [String: String] = [:]
    public var context: SessionContext
}

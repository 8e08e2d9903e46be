#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// A script being run: its name for messages, its folder for `source`, its arguments for `$1`.
struct ScriptFrame: Sendable {
    var name: String
    var directory: String
    var arguments: [String]
    var line = 0
}

/// What a command's handler gets.
@MainActor
package struct Invocation {
    let session: Session
    let match: CommandRegistry.Match
    let arguments: ParsedArguments

    var output: Output { session.output }
    /// The session's operations, over its context as it is now.
    var workspace: Workspace { Workspace(session.context) }
    /// `--json` was given, or the session's `output` setting is json.
    var wantsJSON: Bool {
        arguments.has("json") || (match.command.flag(named: "json") != nil && session.context.settings.output == .json)
    }
    /// The columns a table may take; see `Session.terminalWidth`.
    var terminalWidth: Int? { session.terminalWidth }
    /// `--yes` was given, after the command or on claudesh's command line.
    var assumesYes: Bool {
        arguments.has("yes") || session.context.assumeYes
    }

    /// Asks `question` unless `--yes` answers it; see `Session.confirm`.
    func confirm(_ question: String, onStandardError: Bool = false) throws {
        try session.confirm(question, assumeYes: assumesYes, onStandardError: onStandardError)
    }
}

/// The shell's state and its interpreter: the one place a line of input becomes a command run,
/// whether it was typed, read from a script or given on the command line.
@MainActor
final class Session {
    var context: SessionContext
    let registry: CommandRegistry
    let output: Output
    /// Scripts being run, innermost last.
    private(set) var frames: [ScriptFrame] = []
    /// Set by `exit`: the REPL and scripts stop with this status.
    var exitRequest: ExitStatus?
    /// Every history entry, the file's then this session's; nil until the REPL or `history` loads it.
    var history: [String]?
    /// Reads an answer from the person at the terminal (for `confirm`); nil when there is none.
    var askUser: (@MainActor () -> Terminal.Answer)?
    private(set) var errorsReported = 0
    /// Run just before `exec` replaces claudesh: what the REPL must save first (its history).
    var beforeReplacingProcess: (@MainActor () -> Void)?
    /// The REPL reads the lines: messages may say "type 'help'".
    var isInteractive = false
    /// A line typed at the prompt, not one of a script (the rc file included).
    var isAtPrompt: Bool { isInteractive && frames.isEmpty }
    /// The columns tables and help are laid out in: the terminal's (or COLUMNS); none into a
    /// pipe or file, where a line is best left whole for grep.
    var terminalWidth: Int? {
        isatty(1) == 1 || context.environment.variables["COLUMNS"] != nil ? Terminal.columns(environment: context.environment) : nil
    }

    /// The output is made here, with the context's redactor: there is no other kind.
    init(context: SessionContext, registry: CommandRegistry, destination: Output.Destination = .standardStreams, usesColor: Bool = false) {
        self.context = context
        self.registry = registry
        output = Output(destination: destination, redactor: context.redactor, usesColor: usesColor)
    }

    /// `$NAME` from variables and the environment, `$1`... from the innermost script.
    var expansion: Tokenizer.Expansion {
        let context = self.context
        let frame = frames.last
        return Tokenizer.Expansion(
            variable: { context.lookup($0) },
            positional: frame.map { [$0.name] + $0.arguments } ?? ["claudesh"]
        )
    }

    /// Runs one logical line. Errors are reported here; the status is returned.
    @discardableResult
    func execute(line: String) async -> ExitStatus {
        let words: [String]
        do {
            words = try Tokenizer.words(line, expansion: expansion)
        } catch {
            report(error.description)
            context.lastStatus = ExitStatus.usage.rawValue
            return .usage
        }
        if words.isEmpty { return .success }
        return await execute(words: words)
    }

    /// Runs a command given as words.
    @discardableResult
    func execute(words: [String]) async -> ExitStatus {
        let status: ExitStatus
        do {
            let match = try registry.resolve(words, atPrompt: isAtPrompt)
            let arguments = try ParsedArguments.parse(match.rest, for: match.command, path: match.pathText)
            if arguments.wantsHelp || match.command.handler == nil {
                output.line(HelpFormatter.detail(of: match.command, path: match.pathText, width: terminalWidth))
                status = .success
            } else {
                status = try await match.command.handler!(Invocation(session: self, match: match, arguments: arguments))
            }
        } catch let error as ShellError {
            report(error.description)
            status = error.status
        } catch let error as ClientFailure {
            report(error.description)
            if case .cancelled = error { status = .interrupted } else { status = error.isUsage ? .usage : .failure }
        } catch is CancellationError {
            if let signal = Interrupts.termination {
                report("terminated by signal \(signal)")
                status = ExitStatus(rawValue: 128 + signal)
            } else {
                if isatty(2) == 1 { output.error("") } // the terminal echoed ^C without a line break
                report("interrupted")
                status = .interrupted
            }
        } catch {
            report(String(describing: error))
            status = .failure
        }
        context.lastStatus = status.rawValue
        return status
    }

    /// Writes an error to standard error, with `FILE:LINE:` inside a script.
    func report(_ message: String) {
        errorsReported += 1
        if let frame = frames.last {
            output.error("\(frame.name):\(frame.line): \(message)")
        } else {
            output.error(output.styled("claudesh: ", .red) + message)
        }
    }

    /// Asks `question` on the terminal; throws unless the answer is yes. `assumeYes` (`--yes`)
    /// answers yes; without a terminal and without `--yes` it fails with a message that names
    /// `--yes`. `onStandardError`: the question and its answer stay out of standard output (a
    /// command that prints JSON there).
    func confirm(_ question: String, assumeYes: Bool, onStandardError: Bool = false) throws {
        if assumeYes {
            if onStandardError { output.error("\(question) [y/N] yes (--yes)") } else { output.line("\(question) [y/N] yes (--yes)") }
            return
        }
        guard let ask = askUser else {
            throw ShellError.failed("no terminal to ask \"\(question.clipped())\": add --yes to answer yes")
        }
        if onStandardError { output.ask("\(question) [y/N] ") } else { output.write("\(question) [y/N] ") }
        let answer: String
        switch ask() {
        case .line(let text): answer = text
        case .end: throw ShellError.failed("no answer to \"\(question.clipped())\"")
        case .interrupted:
            output.line()
            throw CancellationError()
        }
        let word = answer.trimmingWhitespace.lowercased()
        guard word == "y" || word == "yes" else {
            throw ShellError.failed("not confirmed: \(question.clipped())")
        }
    }

    func push(_ frame: ScriptFrame) { frames.append(frame) }
    func popFrame() { frames.removeLast() }
    func setLine(_ line: Int) { frames[frames.count - 1].line = line }

    /// The folder that relative paths in the current script are resolved against.
    var scriptDirectory: String { frames.last?.directory ?? context.environment.currentDirectory }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// The store and keyring of a session, secret-name completion, and reading a secret from the
/// person at the terminal or from standard input.
enum SecretsAccess {
    /// The environment for gpg and pass: the session's, with GPG_TTY so a pinentry can ask on
    /// this terminal.
    static func environment(_ context: SessionContext) -> Environment {
        var environment = context.environment
        if environment.variables["GPG_TTY"] == nil, isatty(0) == 1, let name = ttyname(0) {
            environment.variables["GPG_TTY"] = String(cString: name)
        }
        return environment
    }

    static func store(_ context: SessionContext) -> PasswordStore { PasswordStore(environment: environment(context)) }

    static func gnupg(_ context: SessionContext) -> GnuPG { GnuPG(environment: environment(context).variables) }

    /// Secret names, one folder level at a time, from the file tree: no gpg call.
    static let secretNames = Completion.custom { input in
        PasswordStore(environment: input.context.environment).completions(for: input.partial)
    }

    /// `ENV=NAME`: the name part completes once `=` is typed.
    static let secretReferences = Completion.custom { input in
        guard let equals = input.partial.firstIndex(of: "=") else { return [] }
        let prefix = String(input.partial[...equals])
        let store = PasswordStore(environment: input.context.environment)
        return store.completions(for: String(input.partial[input.partial.index(after: equals)...])).map { prefix + $0 }
    }

    static let secretFlag = Flag(
        "secret", short: "s", value: "ENV=NAME", "put the store's secret NAME in the variable ENV (repeatable)",
        completion: secretReferences, repeatable: true
    )

    /// The value for `name`: typed twice with echo off on a terminal; else one line (or, with
    /// `multiline`, everything) from standard input.
    @MainActor
    static func readValue(for name: String, multiline: Bool, session: Session) throws -> [UInt8] {
        if session.frames.last?.name == "<stdin>" {
            throw ShellError.failed("standard input is the script being run: insert \(name) at the prompt, or pipe the value to a one-shot 'claudesh secrets insert \(name)'")
        }
        if isatty(0) == 1 {
            if multiline {
                Output.send("Enter the contents of \(name); end with Ctrl-D on an empty line.\n", to: 2)
                return try Array(readLines(hidden: true).utf8)
            }
            let first = try line(Terminal.readHidden("Value for \(name): "))
            let second = try line(Terminal.readHidden("Again: "))
            guard first == second else { throw ShellError.failed("the two entries differ; nothing was stored") }
            return Array(first.utf8)
        }
        if multiline { return try Array(readLines(hidden: false).utf8) }
        return Array(try line(Terminal.readAnswer()).utf8)
    }

    /// Lines up to the end of input, each with its newline.
    @MainActor
    private static func readLines(hidden: Bool) throws -> String {
        var text = ""
        while true {
            switch hidden ? Terminal.readHidden("") : Terminal.readAnswer() {
            case .line(let line): text += line + "\n"
            case .end: return text
            case .interrupted: throw CancellationError()
            }
        }
    }

    private static func line(_ answer: Terminal.Answer) throws -> String {
        switch answer {
        case .line(let text): return text.hasSuffix("\r") ? String(text.dropLast()) : text
        case .end: throw ShellError.failed("no value given (the input ended); nothing was stored")
        case .interrupted: throw CancellationError()
        }
    }
}

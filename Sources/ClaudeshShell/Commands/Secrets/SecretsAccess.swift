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
    /// `multiline`, everything) from standard input. Bytes that are not UTF-8 are refused.
    @MainActor
    static func readValue(for name: String, multiline: Bool, session: Session) throws -> [UInt8] {
        if session.frames.last?.name == "<stdin>" {
            throw ShellError.failed("standard input is the script being run: insert \(name) at the prompt, or pipe the value to a one-shot 'claudesh secrets insert \(name)'")
        }
        let value: [UInt8]
        if isatty(0) == 1 {
            if multiline {
                Output.send("Enter the contents of \(name); end with Ctrl-D on an empty line.\n", to: 2)
                value = try readLines(hidden: true)
            } else {
                let first = try line(Terminal.readHidden("Value for \(name): "))
                let second = try line(Terminal.readHidden("Again: "))
                guard first == second else { throw ShellError.failed("the two entries differ; nothing was stored") }
                value = first
            }
        } else if multiline {
            value = try readLines(hidden: false)
        } else {
            value = try line(Terminal.readRawAnswer())
            // A PEM file piped in without --multiline must not be cut to its first line unnoticed.
            if case .line(let more) = Terminal.readRawAnswer(), !more.isEmpty {
                throw ShellError.failed("standard input has more than one line: add --multiline to store all of it; nothing was stored")
            }
        }
        guard String(validating: value, as: UTF8.self) != nil else {
            throw ShellError.failed("the value is not UTF-8 text: claudesh stores and injects text secrets only; nothing was stored")
        }
        return value
    }

    /// Lines up to the end of input, joined by newlines (the store adds the last one back).
    @MainActor
    private static func readLines(hidden: Bool) throws -> [UInt8] {
        var lines: [[UInt8]] = []
        while true {
            switch hidden ? Terminal.readHidden("") : Terminal.readRawAnswer() {
            case .line(let line): lines.append(line)
            case .end: return Array(lines.joined(separator: [UInt8(ascii: "\n")]))
            case .interrupted: throw CancellationError()
            }
        }
    }

    private static func line(_ answer: Terminal.RawAnswer) throws -> [UInt8] {
        switch answer {
        case .line(let bytes): return bytes.last == UInt8(ascii: "\r") ? Array(bytes.dropLast()) : bytes
        case .end: throw ShellError.failed("no value given (the input ended); nothing was stored")
        case .interrupted: throw CancellationError()
        }
    }
}

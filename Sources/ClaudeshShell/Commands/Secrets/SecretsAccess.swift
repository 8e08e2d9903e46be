#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// Reading a secret from the person at the terminal or from standard input.
enum SecretsAccess {
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
                session.output.ask("Enter the contents of \(name); end with Ctrl-D on an empty line.\n")
                value = try readLines(hidden: true, output: session.output)
            } else {
                let first = try line(Terminal.readHidden("Value for \(name): ", output: session.output))
                let second = try line(Terminal.readHidden("Again: ", output: session.output))
                guard first == second else { throw ShellError.failed("the two entries differ; nothing was stored") }
                value = first
            }
        } else if multiline {
            value = try readLines(hidden: false, output: session.output)
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
    private static func readLines(hidden: Bool, output: Output) throws -> [UInt8] {
        var lines: [[UInt8]] = []
        while true {
            switch hidden ? Terminal.readHidden("", output: output) : Terminal.readRawAnswer() {
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

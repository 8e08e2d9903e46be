#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CEditLine
import ClaudeshKit

/// Questions to the person at the terminal, outside the line editor.
enum Terminal {
    /// Whether standard input is a terminal someone can answer on.
    static var canAsk: Bool { isatty(0) == 1 }

    enum Answer: Equatable {
        case line(String)
        case end
        case interrupted
    }

    /// A line as typed, before it is text: a secret is checked for UTF-8, not repaired.
    enum RawAnswer: Equatable {
        case line([UInt8])
        case end
        case interrupted
    }

    /// Reads one line of answer after the question has been printed.
    static func readAnswer() -> Answer {
        switch readRawAnswer() {
        case .line(let bytes): return .line(String(decoding: bytes, as: UTF8.self))
        case .end: return .end
        case .interrupted: return .interrupted
        }
    }

    /// One line from standard input, its bytes as they came (without the newline).
    static func readRawAnswer() -> RawAnswer {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        csignal_drain_prompt()
        let reader = csignal_open_reader(0)
        defer { csignal_close_reader(reader, 0) }
        while true {
            switch csignal_read_byte(reader, &byte, nil, nil) {
            case 1:
                if byte == UInt8(ascii: "\n") { return .line(bytes) }
                bytes.append(byte)
            case 0:
                return bytes.isEmpty ? .end : .line(bytes)
            default:
                _ = Interrupts.takePending()
                return .interrupted
            }
        }
    }

    /// Reads a line with echo off (a secret, a passphrase). `prompt` goes to standard error,
    /// and the terminal's settings come back however the read ends.
    @MainActor
    static func readHidden(_ prompt: String, output: Output) -> RawAnswer {
        var saved = termios()
        let isTerminal = tcgetattr(0, &saved) == 0
        if isTerminal {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(0, TCSANOW, &quiet)
        }
        // Echo goes off before the prompt shows: what is typed as soon as it appears is hidden too.
        output.ask(prompt)
        defer {
            if isTerminal {
                tcsetattr(0, TCSANOW, &saved)
                output.ask("\n") // the Enter that was not echoed
            }
        }
        return readRawAnswer()
    }
}

extension Terminal {
    /// The columns of the terminal on `fd`, else COLUMNS, else 100.
    static func columns(fd: Int32 = 1, environment: Environment) -> Int {
        var size = winsize()
        if isatty(fd) == 1, ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return Int(size.ws_col) }
        if let text = environment.variables["COLUMNS"], let value = Int(text), value > 20 { return value }
        return 100
    }
}

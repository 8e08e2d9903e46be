#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CEditLine

/// Questions to the person at the terminal, outside the line editor.
enum Terminal {
    /// Whether standard input is a terminal someone can answer on.
    static var canAsk: Bool { isatty(0) == 1 }

    enum Answer: Equatable {
        case line(String)
        case end
        case interrupted
    }

    /// Reads one line of answer after the question has been printed.
    static func readAnswer() -> Answer {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        csignal_drain_prompt()
        let reader = csignal_open_reader(0)
        defer { csignal_close_reader(reader, 0) }
        while true {
            switch csignal_read_byte(reader, &byte, nil, nil) {
            case 1:
                if byte == UInt8(ascii: "\n") { return .line(String(decoding: bytes, as: UTF8.self)) }
                bytes.append(byte)
            case 0:
                return bytes.isEmpty ? .end : .line(String(decoding: bytes, as: UTF8.self))
            default:
                _ = Interrupts.takePending()
                return .interrupted
            }
        }
    }

    /// Reads a line with echo off (a secret, a passphrase). `prompt` goes to standard error,
    /// and the terminal's settings come back however the read ends.
    static func readHidden(_ prompt: String) -> Answer {
        Output.send(prompt, to: 2)
        var saved = termios()
        let isTerminal = tcgetattr(0, &saved) == 0
        if isTerminal {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(0, TCSANOW, &quiet)
        }
        defer {
            if isTerminal {
                tcsetattr(0, TCSANOW, &saved)
                Output.send("\n", to: 2) // the Enter that was not echoed
            }
        }
        return readAnswer()
    }
}

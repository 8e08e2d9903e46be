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
}

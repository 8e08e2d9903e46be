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

    /// Prints `question` and reads one line of answer; nil at end of input or on Ctrl-C.
    static func ask(_ question: String) -> String? {
        Output.send(question, to: 1)
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        csignal_drain_prompt()
        while true {
            switch csignal_read_byte(0, &byte, nil, nil) {
            case 1:
                if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
                bytes.append(byte)
            case 0:
                return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
            default:
                Output.send("\n", to: 1)
                return nil
            }
        }
    }
}

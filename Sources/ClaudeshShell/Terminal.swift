#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Questions to the person at the terminal, outside the line editor.
enum Terminal {
    /// Whether standard input is a terminal someone can answer on.
    static var canAsk: Bool { isatty(0) == 1 }

    /// Prints `question` and reads one line of answer; nil at end of input.
    static func ask(_ question: String) -> String? {
        Output.send(question, to: 1)
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = read(0, &byte, 1)
            if count < 0 && errno == EINTR {
                return nil // Ctrl-C while asking: no answer
            }
            if count <= 0 { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
    }
}

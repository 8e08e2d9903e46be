#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// Reads a file descriptor line by line, as bytes, without loading it all.
///
/// Each byte is looked at once however long the line, and a line is bounded: a script that is
/// really /dev/zero or one huge line ends with an error instead of filling memory.
struct LineSource {
    /// Far longer than any command a person or a script writes.
    static let maximumLineLength = 1 << 20

    struct LineTooLong: Error, CustomStringConvertible {
        var description: String { "a line longer than \(Units.size(Int64(LineSource.maximumLineLength))): is this a script?" }
    }

    private let fd: Int32
    private let closesOnEnd: Bool
    private var buffer: [UInt8] = []
    private var start = 0
    /// How many bytes from `start` are known to hold no newline.
    private var scanned = 0
    private var atEnd = false
    /// The lines handed out so far.
    private(set) var linesRead = 0

    init(fd: Int32, closesOnEnd: Bool) {
        self.fd = fd
        self.closesOnEnd = closesOnEnd
    }

    /// The next line without its "\n" (and "\r\n"), or nil at the end.
    mutating func next() throws(LineTooLong) -> [UInt8]? {
        while true {
            if let newline = buffer[(start + scanned)...].firstIndex(of: UInt8(ascii: "\n")) {
                guard newline - start <= Self.maximumLineLength else { throw LineTooLong() }
                var line = Array(buffer[start..<newline])
                start = newline + 1
                scanned = 0
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                linesRead += 1
                return line
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                guard buffer.count - start <= Self.maximumLineLength else { throw LineTooLong() }
                let line = Array(buffer[start...])
                start = buffer.count
                scanned = 0
                linesRead += 1
                return line
            }
            scanned = buffer.count - start
            guard scanned <= Self.maximumLineLength else { throw LineTooLong() }
            fill()
        }
    }

    private mutating func fill() {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 {
                atEnd = true
                if closesOnEnd { close(fd) }
                return
            }
            buffer.append(contentsOf: chunk[0..<count])
            return
        }
    }

    func closeEarly() {
        if closesOnEnd && !atEnd { close(fd) }
    }
}

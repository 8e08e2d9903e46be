#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file descriptor line by line, as bytes, without loading it all.
struct LineSource {
    private let fd: Int32
    private let closesOnEnd: Bool
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    init(fd: Int32, closesOnEnd: Bool) {
        self.fd = fd
        self.closesOnEnd = closesOnEnd
    }

    /// The next line without its "\n" (and "\r\n"), or nil at the end.
    mutating func next() -> [UInt8]? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[start..<newline])
                start = newline + 1
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return line
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = Array(buffer[start...])
                start = buffer.count
                return line
            }
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

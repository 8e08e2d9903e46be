#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A server's stderr, redacted line by line, written to `HOME/logs/mcp-NAME.log` and its last
/// lines kept for the failure message.
final class ServerLog: Sendable {
    let path: String?
    private let state = Mutex(State())
    private let redactor: Redactor
    static let keptLines = 20

    private struct State {
        var fd: Int32 = -1
        var pending: [UInt8] = []
        var tail: [String] = []
        /// The last line read, not yet written (`take`).
        var held: [UInt8]?
    }

    /// `folder` nil keeps the lines in memory only. A log that cannot be opened is not a reason
    /// to fail the probe: the tail is still shown.
    init(server: String, folder: String?, redactor: Redactor) {
        self.redactor = redactor
        guard let folder else { path = nil; return }
        let path = Path.join(folder, "mcp-\(Self.fileName(server)).log")
        var fd: Int32 = -1
        if (try? FileIO.makeDirectory(folder)) != nil {
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
            if fd >= 0 { _ = fchmod(fd, 0o600) } // an older log may have been made with another mode
        }
        self.path = fd >= 0 ? path : nil
        state.withLock { $0.fd = fd }
    }

    deinit { state.withLock { if $0.fd >= 0 { close($0.fd) } } }

    /// A name safe as one path component: letters, digits, `.`, `_` and `-`.
    static func fileName(_ server: String) -> String {
        let safe = String(server.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar)) ? Character(scalar) : "_"
        })
        return safe.hasPrefix(".") ? "_" + safe.dropFirst() : safe
    }

    /// Reads `stream` to its end.
    func record(_ stream: AsyncStream<[UInt8]>) async {
        for await chunk in stream { append(chunk) }
        append([], final: true)
    }

    func append(_ bytes: [UInt8], final: Bool = false) {
        state.withLock { state in
            state.pending += bytes
            var lines: [[UInt8]] = []
            while let newline = state.pending.firstIndex(of: 0x0A) {
                lines.append(Array(state.pending[..<newline]))
                state.pending.removeSubrange(...newline)
            }
            if final && !state.pending.isEmpty {
                lines.append(state.pending)
                state.pending = []
            }
            for raw in lines { take(raw, into: &state) }
            if final, let held = state.held {
                keep(redactor.clean(String(decoding: held, as: UTF8.self)), into: &state)
                state.held = nil
            }
        }
    }

    /// A line that ends with the start of a secret is written once the next one has come: a
    /// secret that a server wrapped across the two is masked whole, and a mask that spans the
    /// break joins them into one line.
    private func take(_ raw: [UInt8], into state: inout State) {
        guard let held = state.held else {
            if redactor.mayContinue(raw) { state.held = raw } else { keep(redactor.clean(String(decoding: raw, as: UTF8.self)), into: &state) }
            return
        }
        state.held = nil
        let both = redactor.clean(String(decoding: held + [0x0A] + raw, as: UTF8.self))
        // Each line holds no break of its own: the one in `both` is gone only if a mask took it.
        let parts = both.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return keep(both, into: &state) }
        keep(String(parts[0]), into: &state)
        if redactor.mayContinue(raw) { state.held = raw } else { keep(String(parts[1]), into: &state) }
    }

    private func keep(_ text: String, into state: inout State) {
        let line = redactor.seal(text)
        Self.write(line, to: state.fd, path: path)
        let trimmed = line.value.trimmingWhitespace
        guard !trimmed.isEmpty else { return }
        state.tail.append(trimmed)
        if state.tail.count > Self.keptLines { state.tail.removeFirst() }
    }

    /// Marks the start of attempt `number` in the log; the kept lines start over.
    func beginAttempt(_ number: Int) {
        state.withLock { state in
            if let held = state.held { keep(redactor.clean(String(decoding: held, as: UTF8.self)), into: &state) }
            state.held = nil
            state.tail = []
            state.pending = []
            Self.write(redactor.seal("--- attempt \(number)"), to: state.fd, path: path)
        }
    }

    /// The log's one way to its file: a line that has passed the redactor.
    private static func write(_ line: Redacted<String>, to fd: Int32, path: String?) {
        if fd >= 0 { try? FileIO.writeAll(fd, Array((line.value + "\n").utf8), path: path ?? "") }
    }

    /// The last `count` non-empty lines.
    func lastLines(_ count: Int) -> [String] {
        state.withLock { state in
            let held = state.held.map { redactor.clean(String(decoding: $0, as: UTF8.self)).trimmingWhitespace } ?? ""
            return Array((state.tail + (held.isEmpty ? [] : [held])).suffix(min(count, Self.keptLines)))
        }
    }
}

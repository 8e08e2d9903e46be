#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A server's stderr, redacted line by line, written to `HOME/logs/mcp-NAME.log` and its last
/// lines kept for the failure message.
///
/// Bounded whatever the server writes: a line longer than `lineLimit` is cut into pieces, and
/// a file that reaches `fileLimit` becomes `mcp-NAME.log.1` (replacing the one before) while a
/// new one starts, so a server's log takes at most twice that on disk.
final class ServerLog: Sendable {
    let path: String?
    private let state = Mutex(State())
    private let redactor: Redactor
    static let keptLines = 20
    static let lineLimit = 64 << 10
    static let fileLimit = 1 << 20

    private struct State {
        var fd: Int32 = -1
        var written = 0
        var pending = LineBuffer(limit: ServerLog.lineLimit)
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
    func record(_ stream: some AsyncSequence<[UInt8], Never>) async {
        for await chunk in stream { append(chunk) }
        append([], final: true)
    }

    func append(_ bytes: [UInt8], final: Bool = false) {
        state.withLock { state in
            state.pending.append(bytes)
            var lines: [[UInt8]] = []
            while let line = state.pending.nextLine() { lines.append(line) }
            if state.pending.isOverLimit || (final && !state.pending.isEmpty) { lines.append(state.pending.takeRest()) }
            for raw in lines { take(raw, into: &state) }
            if final, let held = state.held {
                keep(redactor.clean(String(decoding: held, as: UTF8.self)), into: &state)
                state.held = nil
            }
        }
    }

    /// A whole line of the server's that came over the protocol (a log message), kept apart
    /// from a stderr line still being written.
    func note(_ text: String) {
        state.withLock { state in keep(redactor.clean(text), into: &state) }
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
        guard parts.count == 2 else {
            // The joined line may end with the start of another secret, too: it waits, masked.
            if redactor.mayContinue(raw) { state.held = Array(both.utf8) } else { keep(both, into: &state) }
            return
        }
        keep(String(parts[0]), into: &state)
        if redactor.mayContinue(raw) { state.held = raw } else { keep(String(parts[1]), into: &state) }
    }

    private func keep(_ text: String, into state: inout State) {
        let line = redactor.seal(text)
        write(line, into: &state)
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
            state.pending = LineBuffer(limit: Self.lineLimit)
            write(redactor.seal("--- attempt \(number)"), into: &state)
        }
    }

    /// The log's one way to its file: a line that has passed the redactor.
    private func write(_ line: Redacted<String>, into state: inout State) {
        guard state.fd >= 0, let path else { return }
        let bytes = Array((line.value + "\n").utf8)
        if state.written > 0 && state.written + bytes.count > Self.fileLimit { rotate(&state, path: path) }
        guard state.fd >= 0 else { return }
        try? FileIO.writeAll(state.fd, bytes, path: path)
        state.written += bytes.count
    }

    /// The full file becomes the previous one, and writing goes on in a new one.
    private func rotate(_ state: inout State, path: String) {
        close(state.fd)
        _ = rename(path, path + ".1")
        state.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        state.written = 0
    }

    /// The last `count` non-empty lines.
    func lastLines(_ count: Int) -> [String] {
        state.withLock { state in
            let held = state.held.map { redactor.clean(String(decoding: $0, as: UTF8.self)).trimmingWhitespace } ?? ""
            return Array((state.tail + (held.isEmpty ? [] : [held])).suffix(min(count, Self.keptLines)))
        }
    }
}

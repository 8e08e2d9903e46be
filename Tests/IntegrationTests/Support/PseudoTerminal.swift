import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program on a new pseudo-terminal, as a person's terminal would: it is the session
/// leader and the terminal is its controlling terminal, so Ctrl-C reaches it as SIGINT.
final class PseudoTerminal {
    struct Timeout: Error, CustomStringConvertible {
        let pattern: String
        let screen: String
        var description: String { "timed out waiting for \(pattern.debugDescription); the terminal showed:\n\(screen)" }
    }

    /// glibc's POSIX_SPAWN_SETSID (2.26+), hidden from Swift behind _GNU_SOURCE.
    static let spawnSetSID: Int32 = 0x80

    let pid: pid_t
    private let master: Int32
    /// Everything the program wrote, escape sequences removed.
    private(set) var transcript = ""
    /// Where the next `expect` starts looking.
    private var cursor: String.Index
    private var exitStatus: Int32?

    init(_ arguments: [String], environment: [String: String], columns: UInt16 = 100, rows: UInt16 = 30) throws {
        var masterFD: Int32 = -1
        var slaveFD: Int32 = -1
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&masterFD, &slaveFD, nil, nil, &size) == 0 else { throw POSIXError(.init(rawValue: errno)!) }
        let slaveName = String(cString: ttyname(slaveFD))
        close(slaveFD)
        master = masterFD
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // After setsid, opening the terminal makes it the controlling terminal.
        posix_spawn_file_actions_addopen(&actions, 0, slaveName, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(Self.spawnSetSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, arguments[0], &actions, &attributes, argv, envp)
        guard result == 0 else { close(master); throw POSIXError(.init(rawValue: result)!) }
        pid = child
        cursor = transcript.startIndex
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(master)
    }

    func send(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(master, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 { return }
            offset += written
        }
    }

    /// Waits until the output since the last match contains `pattern`; returns that output.
    @discardableResult
    func expect(_ pattern: String, timeout: Double = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let range = transcript[cursor...].range(of: pattern) {
                let seen = String(transcript[cursor..<range.upperBound])
                cursor = range.upperBound
                return seen
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0, pump(timeout: remaining) else {
                throw Timeout(pattern: pattern, screen: String(transcript[cursor...]))
            }
        }
    }

    /// What arrives within `seconds`, without waiting for anything in particular.
    func drain(for seconds: Double) -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while deadline.timeIntervalSinceNow > 0, pump(timeout: deadline.timeIntervalSinceNow) {}
        let seen = String(transcript[cursor...])
        cursor = transcript.endIndex
        return seen
    }

    /// Waits for the program to end and returns its exit status (128+N for signal N).
    func waitForExit(timeout: Double = 20) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while deadline.timeIntervalSinceNow > 0 {
            _ = pump(timeout: 0.05)
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
                exitStatus = code
                return code
            }
        }
        return nil
    }

    /// Reads what is available; false when nothing came before the timeout or the terminal closed.
    private func pump(timeout: Double) -> Bool {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, Int32(max(1, min(timeout, 1) * 1000)))
        guard ready > 0 else { return ready == 0 && timeout > 1 ? true : false }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = read(master, &buffer, buffer.count)
        guard count > 0 else { return false }
        let offset = transcript.distance(from: transcript.startIndex, to: cursor)
        transcript += Self.plain(String(decoding: buffer[0..<count], as: UTF8.self))
        cursor = transcript.index(transcript.startIndex, offsetBy: offset)
        return true
    }

    /// Text without terminal escape sequences and carriage returns.
    static func plain(_ raw: String) -> String {
        var out = ""
        var iterator = raw.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            if scalar == "\u{1B}" {
                guard let next = iterator.next() else { break }
                if next == "[" {
                    while let c = iterator.next(), !(0x40...0x7E).contains(c.value) {}
                }
                continue
            }
            if scalar == "\r" || scalar == "\u{7}" { continue }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The history file: one entry a line, the newest last, at most `limit` entries, mode 0600.
///
/// Like psql, a session appends only the lines it added, under a lock, and rewrites the file
/// atomically; two shells open at once therefore both keep their lines.
package struct HistoryFile: Sendable {
    let path: String
    let limit: Int

    package init(path: String, limit: Int = 1000) {
        self.path = path
        self.limit = limit
    }

    /// The saved entries, oldest first; none if there is no file yet.
    package func load() throws(FileError) -> [String] {
        guard Path.kind(of: path) != .missing else { return [] }
        let lines = Self.lines(try FileIO.read(path))
        return Array(lines.suffix(limit))
    }

    /// Adds `entries` after what the file holds now and keeps the newest `limit`. The entries
    /// come from `Redactor.historyEntry`, which keeps out every line that holds a secret.
    package func append(_ entries: [Redacted<String>]) throws(FileError) {
        guard !entries.isEmpty else { return }
        let folder = Path.directory(of: path)
        try FileIO.makeDirectory(folder)
        // Lock the folder, not the file: the file is replaced by rename, so a lock on it
        // would be held on an inode that is gone.
        let lockFD = open(folder, O_RDONLY | O_CLOEXEC)
        guard lockFD >= 0 else { throw FileError("open", folder) }
        defer { close(lockFD) }
        while flock(lockFD, LOCK_EX) != 0 {
            if errno != EINTR { throw FileError("lock", folder) }
        }
        defer { flock(lockFD, LOCK_UN) }
        let current = Path.kind(of: path) == .missing ? [] : Self.lines(try FileIO.read(path))
        let kept = (current + entries.map { Self.singleLine($0.value) }).suffix(limit)
        var bytes: [UInt8] = []
        for line in kept {
            bytes.append(contentsOf: line.utf8)
            bytes.append(UInt8(ascii: "\n"))
        }
        try AtomicFile.write(bytes, to: path, mode: 0o600)
    }

    /// Whether a line typed at the prompt goes into history: not blank, not starting with a
    /// space (the user's way to keep a line out), and holding neither a loaded secret nor
    /// anything shaped like an API token.
    static func shouldRecord(_ line: String, vault: SecretVault) -> Bool {
        guard let first = line.unicodeScalars.first, first != " ", first != "\t" else { return false }
        guard !line.trimmingWhitespace.isEmpty else { return false }
        // A token typed or pasted on the line is a secret whether or not it was loaded.
        return !vault.appears(in: line) && !TokenShapes.contains(in: line)
    }

    static func lines(_ bytes: [UInt8]) -> [String] {
        bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
            .map { String(decoding: $0, as: UTF8.self) }
    }

    /// Entries are stored one a line: a multi-line entry has its line breaks turned to spaces.
    static func singleLine(_ entry: String) -> String {
        String(entry.map { $0 == "\n" || $0 == "\r\n" || $0 == "\r" ? " " : $0 })
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Read, change, write back, never over a write another program made in between.
///
/// Claude Code rewrites `~/.claude.json` while it runs (every project, tool use, start-up). An
/// edit that read the file, changed it and renamed over it would drop a write the client made
/// in between. So the file is read with its stamp; just before the rename it is read again, and
/// if its stamp or its bytes moved, the change is made again on what is there now. The window
/// left is between that check and the rename, a few microseconds; Claude Code's own lock is
/// held meanwhile, for the writers that take it (`FileLock`).
extension AtomicFile {
    /// `path` kept changing under every attempt; nothing was written.
    package struct Conflict: Error, CustomStringConvertible, Sendable, Equatable {
        package var path: String
        package var attempts: Int

        package var description: String {
            "\(path) changed while it was being written, \(attempts) times in a row (a client rewriting it?); nothing was written: try again"
        }
    }

    /// How many times a change is made again on a file that changed meanwhile.
    static let attempts = 5

    /// Replaces `path` (through links) with what `change` makes of its bytes (nil: no file
    /// there); `change` returning nil bytes writes nothing. When the file changed between the
    /// read and the rename, `change` runs again on the new bytes, up to `attempts` times, then
    /// throws `Conflict`. Returns `change`'s result for the bytes written.
    static func update<Result>(_ path: String, mode: mode_t? = nil, _ change: ([UInt8]?) throws -> (bytes: [UInt8]?, result: Result)) throws -> Result {
        let target = try Path.writeTarget(of: path)
        try refuseReadOnly(target)
        let lock = try FileLock.acquire(for: target)
        defer { lock.release() }
        for _ in 0..<attempts {
            let before = try snapshot(target)
            let (bytes, result) = try change(before.bytes)
            guard let bytes else { return result }
            let temporary = try temporaryCopy(of: bytes, beside: target, mode: mode)
            var renamed = false
            defer { if !renamed { unlink(temporary) } }
            guard try snapshot(target) == before else { continue }
            guard rename(temporary, target) == 0 else { throw FileError("replace", target) }
            renamed = true
            FileIO.syncFolder(Path.directory(of: target))
            return result
        }
        throw Conflict(path: target, attempts: attempts)
    }

    /// A file's bytes and stamp, read together: nil and nil when it is not there.
    private struct Snapshot: Equatable {
        var stamp: FileStamp?
        var bytes: [UInt8]?
    }

    private static func snapshot(_ path: String) throws(FileError) -> Snapshot {
        // Read until the stamp holds across the read, so the bytes belong to that stamp; a file
        // rewritten in place without pause is taken as last read (the bytes are compared too).
        var last = Snapshot(stamp: nil, bytes: nil)
        for _ in 0..<100 {
            guard let stamp = FileStamp(of: path) else { return Snapshot(stamp: nil, bytes: nil) }
            let bytes: [UInt8]
            do { bytes = try FileIO.read(path) } catch where error.code == ENOENT { continue }
            last = Snapshot(stamp: stamp, bytes: bytes)
            if FileStamp(of: path) == stamp { break }
        }
        return last
    }
}

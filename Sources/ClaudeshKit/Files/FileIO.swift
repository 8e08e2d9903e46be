#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and folder creation.
package enum FileIO {
    /// The most a file that a user or another program controls may hold: well above any
    /// config, compose file, history or script, far below what would exhaust memory.
    package static let readLimit = 64 << 20

    /// The bytes of a regular file of at most `limit` bytes. Anything else (a device such as
    /// /dev/zero, a FIFO, a socket, a file past the limit) is refused before it is read: such
    /// a path in a config would otherwise fill memory or never end.
    package static func read(_ path: String, limit: Int = readLimit) throws(FileError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw FileError("read", path) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw FileError("read", path) }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw FileError("read", path, code: EISDIR)
        default: throw FileError("read", path, code: EINVAL, detail: "it is not a regular file (a device, a pipe or a socket)")
        }
        func tooLarge(_ size: Int64) -> FileError {
            FileError("read", path, code: EFBIG, detail: "it holds \(Units.size(size)), more than the \(Units.size(Int64(limit))) claudesh reads")
        }
        guard status.st_size <= limit else { throw tooLarge(Int64(status.st_size)) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(status.st_size))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError("read", path)
            }
            if count == 0 { return bytes }
            // The file may grow while it is read.
            guard bytes.count + count <= limit else { throw tooLarge(Int64(bytes.count + count)) }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// Creates `path` and its missing parents with `mode` (existing folders are left as they are).
    package static func makeDirectory(_ path: String, mode: mode_t = 0o700) throws(FileError) {
        switch Path.kind(of: path) {
        case .directory: return
        case .missing: break
        case .file, .other: throw FileError("create the folder", path, code: EEXIST)
        }
        let parent = Path.directory(of: path)
        if parent != path { try makeDirectory(parent, mode: mode) }
        if mkdir(path, mode) != 0 && errno != EEXIST { throw FileError("create the folder", path) }
    }

    /// Writes all of `bytes` to `fd`, retrying short writes and EINTR.
    package static func writeAll(_ fd: Int32, _ bytes: some Collection<UInt8>, path: String) throws(FileError) {
        let array = Array(bytes)
        var offset = 0
        while offset < array.count {
            let written = array.withUnsafeBytes { raw in
                systemWrite(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw FileError("write", path)
            }
            offset += written
        }
    }
}

extension FileIO {
    /// A new file of this user's only (0600) in `folder`, named `name`, this process's id and
    /// six random characters: the temp file that is renamed or linked into place when it is
    /// whole. The ones a killed writer left are removed first (`sweepTemporaries`).
    static func temporaryFile(in folder: String, named name: String) throws(FileError) -> (fd: Int32, path: String) {
        sweepTemporaries(in: folder, named: name)
        var template = Array(Path.join(folder, name + "\(getpid())-XXXXXX").utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw FileError("create a temporary file in", folder) }
        return (fd, template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
    }

    /// A name without a writer's id (as older versions made them) is left to its writer this long.
    static let unclaimedTemporaryAge = 3600
    /// One whose writer's id names no process here is left this long: a writer in another pid
    /// namespace (a container sharing the folder) or on another host looks gone, and no write
    /// takes a minute.
    static let orphanedTemporaryAge = 60

    /// Removes the temp files `name` that a writer killed mid-write left in `folder`: whole
    /// copies of the file (a config with its tokens) that nothing else would ever remove. Only
    /// names of this pattern whose writer process is gone and that are older than
    /// `orphanedTemporaryAge`, or, without a writer's id, older than `unclaimedTemporaryAge`;
    /// best effort.
    static func sweepTemporaries(in folder: String, named name: String) {
        let now = Int(time(nil))
        for entry in Directory.entries(of: folder) where !entry.isDirectory && entry.name.hasPrefix(name) {
            let rest = entry.name.dropFirst(name.count)
            let path = Path.join(folder, entry.name)
            if let dash = rest.firstIndex(of: "-"), rest.distance(from: dash, to: rest.endIndex) == 7, let writer = pid_t(rest[..<dash]) {
                if writer > 0, kill(writer, 0) != 0, errno == ESRCH, let stamp = FileStamp(of: path), now - stamp.seconds > orphanedTemporaryAge { unlink(path) }
            } else if rest.count == 6, !rest.contains("-"), let stamp = FileStamp(of: path), now - stamp.seconds > unclaimedTemporaryAge {
                unlink(path)
            }
        }
    }

    /// Flushes a folder's entries (a rename or link into it) to disk; best effort.
    static func syncFolder(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// Copies what is left of `source` to `destination`, 1 MiB at a time.
    static func copy(from source: Int32, to destination: Int32, path: String) throws(FileError) {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { systemRead(source, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError("read the copy of", path)
            }
            if count == 0 { return }
            try writeAll(destination, buffer[0..<count], path: path)
        }
    }
}

// The module's own `read`/`write` names would shadow the C functions inside FileIO.
@inline(__always) func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

@inline(__always) func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}

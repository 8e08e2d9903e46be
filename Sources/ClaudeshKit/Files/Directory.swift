#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The entries of a folder, read once with readdir.
package enum Directory {
    package struct Entry: Sendable, Equatable {
        package var name: String
        /// A folder, or a link to one.
        package var isDirectory: Bool
    }

    /// The entries of `path` other than `.` and `..`, in no order; empty when it cannot be read.
    package static func entries(of path: String) -> [Entry] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var entries: [Entry] = []
        while let entry = readdir(directory) {
            // Read in place: copying the 256-byte d_name tuple per entry costs more than the rest.
            let name = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            // d_type saves a stat per entry; links and file systems that do not fill it need one.
            let isDirectory: Bool
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_DIR): isDirectory = true
            case Int32(DT_REG): isDirectory = false
            default: isDirectory = Path.kind(of: Path.join(path, name)) == .directory
            }
            entries.append(Entry(name: name, isDirectory: isDirectory))
        }
        return entries
    }
}

/// A file's device and inode: the same folder reached by two paths is one.
struct FileIdentity: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64

    init?(of path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

extension Directory {
    /// Removes `path` and all under it, links removed as links (never followed).
    package static func removeTree(_ path: String) {
        for entry in entries(of: path) {
            let child = Path.join(path, entry.name)
            var info = stat()
            if lstat(child, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { removeTree(child) } else { unlink(child) }
        }
        rmdir(path)
    }
}

extension Directory {
    /// Adding, removing or renaming a name moves a folder's mtime, and so its stamp.
    private static let cache = Mutex<[String: (stamp: FileStamp, entries: [Entry])]>([:])

    /// The entries of `path` sorted by name (so that sorting candidates again is one linear pass), from memory while the folder has not changed: for
    /// completion, which asks on every TAB and would otherwise read a 10,000-name folder each time.
    static func cachedEntries(of path: String) -> [Entry] {
        guard let stamp = FileStamp(of: path) else { return [] }
        if let cached = cache.withLock({ $0[path] }), cached.stamp == stamp { return cached.entries }
        let entries = Self.entries(of: path).sorted { $0.name < $1.name }
        // A change in the same clock tick as this read would leave the mtime as it is: a folder
        // changed in the last two seconds is not remembered (git's "racy" rule).
        if stamp.seconds < Int(time(nil)) - 2 {
            cache.withLock { cache in
                if cache.count >= 32 { cache.removeAll() }
                cache[path] = (stamp, entries)
            }
        }
        return entries
    }
}

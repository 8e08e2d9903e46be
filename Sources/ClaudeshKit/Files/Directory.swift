#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The entries of a folder, read once with readdir.
public enum Directory {
    public struct Entry: Sendable, Equatable {
        public var name: String
        /// A folder, or a link to one.
        public var isDirectory: Bool
    }

    /// The entries of `path` other than `.` and `..`, in no order; empty when it cannot be read.
    public static func entries(of path: String) -> [Entry] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var entries: [Entry] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
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

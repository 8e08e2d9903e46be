#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lexical path helpers: string operations only, no file system access except `kind(of:)`.
package enum Path {
    package static func join(_ base: String, _ component: String) -> String {
        if component.hasPrefix("/") { return component }
        if base.isEmpty { return component }
        return base.hasSuffix("/") ? base + component : base + "/" + component
    }

    /// Folds `.`, `..` and repeated slashes of an absolute path.
    package static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    package static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    package static func lastComponent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    package enum Kind: Sendable { case missing, file, directory, other }

    /// What is at `path`, following links.
    package static func kind(of path: String) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    /// The path with every link resolved (realpath), or nil when it does not exist.
    static func real(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The file a write to `path` must replace: `path` itself, or, when it is a link (a dotfiles
    /// manager's), the file at the end of its chain, so that the rename lands there and the link
    /// stays. A link that leads nowhere (dangling, or a loop) throws: writing would replace the link.
    static func writeTarget(of path: String) throws(FileError) -> String {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return path }
        guard let resolved = real(path) else {
            let code = errno
            let leadsTo = linkTarget(of: path).map { " (it leads to \($0), which is not there)" } ?? ""
            throw FileError("write through the link", path + leadsTo, code: code)
        }
        return resolved
    }

    /// Whether `path` is `folder` or under it (as text: resolve both first where links matter).
    static func isInside(_ path: String, _ folder: String) -> Bool {
        path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
    }

    /// What the link at `path` points to, as written; nil when it is not a link.
    static func linkTarget(of path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Where `target` leads when read from the folder `from` (absolute, links resolved), one
    /// component at a time as the kernel would: `..` after a link goes up from where the link
    /// leads, not from its name. Components that do not exist are taken as written, but a `..`
    /// after one is not answered: what is made there later (a link) would decide it. Nil then,
    /// and when a link on the way leads nowhere (dangling, or a loop).
    static func resolving(_ target: String, from folder: String) -> String? {
        var current = target.hasPrefix("/") ? "/" : folder
        var missing = false
        for part in target.split(separator: "/") where part != "." {
            if part == ".." {
                if missing { return nil }
                current = directory(of: current)
                continue
            }
            current = join(current, String(part))
            guard !missing else { continue }
            var info = stat()
            if lstat(current, &info) != 0 {
                missing = true
            } else if info.st_mode & S_IFMT == S_IFLNK {
                guard let resolved = real(current) else { return nil }
                current = resolved
            }
        }
        return current
    }

    /// The real path of `path`, or of its nearest folder that exists with the rest appended:
    /// where something still to be made there would land.
    static func nearestReal(_ path: String) -> String? {
        var current = path
        var rest: [String] = []
        while true {
            if let resolved = real(current) { return rest.reversed().reduce(resolved) { join($0, $1) } }
            let parent = directory(of: current)
            if parent == current { return nil }
            rest.append(lastComponent(of: current))
            current = parent
        }
    }
}

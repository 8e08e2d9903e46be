#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a restore would do to each item of a backup, against the files in its target now.
///
/// Nothing an archive says may place anything outside the target: names that are absolute or
/// hold `..`, links that point outside it, anything under a link of the backup, and anything
/// whose folder in the target leads outside it through a link are refused, each with its reason.
public struct RestorePlan: Sendable, Equatable {
    public enum Change: Sendable, Equatable {
        case new
        /// What differs: "content", "mode 644 → 600", "replaces a link"…
        case changed(String)
        case unchanged
        /// Why it is not restored.
        case refused(String)
    }

    public struct Step: Sendable, Equatable {
        public var item: BackupManifest.Item
        public var change: Change
    }

    /// The folder restored into, absolute.
    public var target: String
    public var steps: [Step]

    public var new: [Step] { steps.filter { $0.change == .new } }
    public var changed: [Step] { steps.filter { if case .changed = $0.change { return true } else { return false } } }
    public var unchanged: [Step] { steps.filter { $0.change == .unchanged } }
    public var refused: [Step] { steps.filter { if case .refused = $0.change { return true } else { return false } } }
    /// The live files and links a restore replaces: what the safety backup holds.
    public var replaced: [String] {
        changed.filter { $0.item.kind != .directory }.map { Path.join(target, $0.item.path) }
    }

    public struct Error: Swift.Error, CustomStringConvertible, Sendable, Equatable {
        public var description: String
    }

    /// The items of `manifest` that `only` names (each a path as stored, relative to the home),
    /// with the folders above them; all items when `only` is empty.
    public static func selection(_ manifest: BackupManifest, only: [String]) throws(Error) -> [BackupManifest.Item] {
        guard !only.isEmpty else { return manifest.items }
        let wanted = only.map { path in
            var trimmed = Substring(path)
            while trimmed.hasPrefix("./") { trimmed = trimmed.dropFirst(2) }
            while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
            return String(trimmed)
        }
        let chosen = manifest.items.filter { item in
            wanted.contains { item.path == $0 || item.path.hasPrefix($0 + "/") || (item.kind == .directory && $0.hasPrefix(item.path + "/")) }
        }
        for path in wanted where !manifest.items.contains(where: { $0.path == path || $0.path.hasPrefix(path + "/") }) {
            throw Error(description: "the backup holds nothing at \(path) (paths are relative to the home, e.g. .password-store/claude)")
        }
        return chosen
    }

    /// The plan for `items` (parents before children, as in a manifest) restored into `target`.
    /// Files that look the same by size are hashed to tell changed from unchanged.
    public init(items: [BackupManifest.Item], target: String) {
        self.target = target
        let links = Set(items.filter { $0.kind == .symlink }.map(\.path))
        let realTarget = Self.realPath(target) ?? target
        var blocked: [String: String] = [:] // folders not restored → why
        var parentsChecked: [String: String?] = [:] // a live folder → why it may not be written in
        steps = items.map { item in
            Step(item: item, change: Self.change(item, target: target, realTarget: realTarget, links: links, blocked: &blocked, parents: &parentsChecked))
        }
    }

    private static func change(_ item: BackupManifest.Item, target: String, realTarget: String, links: Set<String>,
                               blocked: inout [String: String], parents: inout [String: String?]) -> Change {
        guard !hasUnsafeName(item.path) else { return .refused("an unsafe name") }
        if let link = linkAbove(item.path, links: links) { return .refused("it is under \(link), a link, which a restore never writes through") }
        if let folder = folders(above: item.path).first(where: { blocked[$0] != nil }) { return .refused("its folder \(folder) is not restored") }
        if item.kind == .symlink, let reason = linkEscapes(item, target: target, realTarget: realTarget, links: links) { return .refused(reason) }
        let live = Path.join(target, item.path)
        // The live folder it goes into must stay inside the target, whatever links lead there.
        let folder = Path.directory(of: live)
        if parents[folder] == nil {
            var reason: String?
            if let real = nearestRealPath(folder), !isInside(real, realTarget) {
                reason = "its folder \(Path.directory(of: item.path)) leads to \(real), outside \(target), through a link"
            }
            parents[folder] = .some(reason)
        }
        if case .some(.some(let reason)) = parents[folder] {
            if item.kind == .directory { blocked[item.path] = reason }
            return .refused(reason)
        }
        var info = stat()
        guard lstat(live, &info) == 0 else { return .new }
        let liveMode = UInt32(info.st_mode & 0o7777)
        let modeChange = liveMode == item.mode ? nil : "mode \(String(liveMode, radix: 8)) → \(String(item.mode, radix: 8))"
        switch (item.kind, info.st_mode & S_IFMT) {
        case (.directory, S_IFDIR):
            return modeChange.map(Change.changed) ?? .unchanged
        case (.directory, S_IFLNK):
            // A link the user made to a folder inside the target is written through.
            if Path.kind(of: live) == .directory, let real = realPath(live), isInside(real, realTarget) { return .unchanged }
            blocked[item.path] = "a link is there"
            return .refused("a link to outside \(target) or to no folder is there: move it away and restore again")
        case (.directory, _):
            blocked[item.path] = "a file is there"
            return .refused("a file is there where the backup has a folder: move it away and restore again")
        case (.file, S_IFREG):
            if Int64(info.st_size) == item.size, let (_, digest) = try? BackupSet.hash(live), digest == item.sha256 {
                return modeChange.map(Change.changed) ?? .unchanged
            }
            return .changed("content")
        case (.symlink, S_IFLNK):
            return readLink(live) == item.target ? .unchanged : .changed("points elsewhere")
        case (_, S_IFDIR):
            return .refused("a folder is there where the backup has a \(item.kind == .file ? "file" : "link"): move it away and restore again")
        case (_, S_IFLNK):
            return .changed("replaces a link")
        case (_, S_IFREG):
            return .changed("replaces a file")
        default:
            return .refused("a special file (socket, fifo or device) is there: move it away and restore again")
        }
    }

    /// Absolute, empty, or holding an empty, `.` or `..` component: a name that could leave the target.
    static func hasUnsafeName(_ path: String) -> Bool {
        path.isEmpty || path.hasPrefix("/") || path.split(separator: "/", omittingEmptySubsequences: false).contains { $0.isEmpty || $0 == "." || $0 == ".." }
    }

    /// `a`, `a/b` for `a/b/c`.
    static func folders(above path: String) -> [String] {
        var result: [String] = []
        var prefix = ""
        for component in path.split(separator: "/").dropLast() {
            prefix = prefix.isEmpty ? String(component) : prefix + "/" + component
            result.append(prefix)
        }
        return result
    }

    /// The backup's link that `path` is under, if any.
    static func linkAbove(_ path: String, links: Set<String>) -> String? {
        folders(above: path).first(where: links.contains)
    }

    /// Why the link `item` would point outside the target, if it would. Read as written, one
    /// component at a time: going up past the target, or on through another link of the backup
    /// (whose own target would change where `..` leads), is refused.
    static func linkEscapes(_ item: BackupManifest.Item, target: String, realTarget: String, links: Set<String>) -> String? {
        guard let destination = item.target, !destination.isEmpty else { return "a link with no target" }
        if destination.hasPrefix("/") {
            let normalized = Path.normalize(destination)
            return isInside(normalized, target) || isInside(normalized, realTarget) ? nil : "a link to \(destination), outside \(target)"
        }
        var stack = item.path.split(separator: "/").dropLast().map(String.init)
        let parts = destination.split(separator: "/", omittingEmptySubsequences: true)
        for (index, part) in parts.enumerated() {
            if part == "." { continue }
            if part == ".." {
                guard !stack.isEmpty else { return "a link to \(destination), outside \(target)" }
                stack.removeLast()
                continue
            }
            stack.append(String(part))
            if index < parts.count - 1, links.contains(stack.joined(separator: "/")) {
                return "a link to \(destination), which goes on through another link of the backup"
            }
        }
        return nil
    }

    static func isInside(_ path: String, _ folder: String) -> Bool {
        path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
    }

    static func realPath(_ path: String) -> String? {
        guard let real = realpath(path, nil) else { return nil }
        defer { free(real) }
        return String(cString: real)
    }

    /// The real path of `path`, or of its nearest folder that exists: a folder still to be made
    /// lands wherever the links above it lead.
    static func nearestRealPath(_ path: String) -> String? {
        var current = path
        while true {
            if let real = realPath(current) { return current == path ? real : Path.join(real, String(path.dropFirst(current.count + (current == "/" ? 0 : 1)))) }
            let parent = Path.directory(of: current)
            if parent == current { return nil }
            current = parent
        }
    }

    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a restore would do to each item of a backup, against the files in its target now.
///
/// Nothing an archive says may place anything outside the target: names that are absolute or
/// hold `..`, anything under a link of the backup, anything whose folder in the target leads
/// outside it through a link, and links that would point outside it are refused, each with its
/// reason. The same rules are checked again, against the files as they are then, as each item
/// is applied (`BackupRestore.apply`).
package struct RestorePlan: Sendable, Equatable {
    package enum Change: Sendable, Equatable {
        case new
        /// What differs: "content", "mode 644 → 600", "replaces a link"…
        case changed(String)
        case unchanged
        /// Why it is not restored.
        case refused(String)
        /// Left as it is by choice: part of a git repository the target keeps.
        case kept
    }

    /// What a restore does with a git repository of the backup (the pass store's `.git`). Its
    /// refs, index and objects only make sense together, so it comes back whole or not at all:
    /// never a rewound branch over objects and secrets that are newer.
    package enum GitHandling: Sendable, Equatable {
        /// A repository that is in the target stays as it is; only the files beside it come back,
        /// and show in `git status` as what they are: changes against the live history.
        case keep
        /// A repository that is in the target is replaced by the backup's, whole.
        case replace
    }

    /// One git repository of the backup and what the restore does with it.
    package struct Repository: Sendable, Equatable {
        package enum Action: Sendable, Equatable {
            /// None is in the target: the backup's comes back whole.
            case restoredWhole
            /// The target's stays as it is.
            case kept
            /// The target's is moved out (into the safety backup) and the backup's put in its place.
            case replacedWhole
        }

        /// The `.git` folder, relative to the target.
        package var path: String
        package var action: Action

        package func holds(_ path: String) -> Bool { path == self.path || path.hasPrefix(self.path + "/") }
    }

    package struct Step: Sendable, Equatable {
        package var item: BackupManifest.Item
        package var change: Change
    }

    /// The folder restored into, absolute.
    package var target: String
    /// The target with its links resolved: what "inside the target" is measured against.
    var realTarget: String
    var steps: [Step]
    /// The links of the whole backup, chosen or not: nothing is written under one.
    var links: Set<String>
    /// The git repositories of the chosen items, each handled as one unit.
    package var repositories: [Repository]

    package var new: [Step] { steps.filter { $0.change == .new } }
    package var changed: [Step] { steps.filter { if case .changed = $0.change { return true } else { return false } } }
    package var unchanged: [Step] { steps.filter { $0.change == .unchanged } }
    package var refused: [Step] { steps.filter { $0.isRefused } }
    package var kept: [Step] { steps.filter { $0.change == .kept } }
    /// The live files and links a restore replaces, and the live repositories it replaces
    /// whole: what the safety backup holds.
    package var replaced: [String] {
        changed.filter { $0.item.kind != .directory }.map { Path.join(target, $0.item.path) }
            + repositories.filter { $0.action == .replacedWhole }.map { Path.join(target, $0.path) }
    }

    struct Error: Swift.Error, CustomStringConvertible, Sendable, Equatable {
        var description: String
    }

    /// The items of `manifest` that `only` names (each a path as stored, relative to the home),
    /// with the folders above them; all items when `only` is empty.
    static func selection(_ manifest: BackupManifest, only: [String]) throws(Error) -> [BackupManifest.Item] {
        guard !only.isEmpty else { return manifest.items }
        let wanted = only.map { path in
            var trimmed = Substring(path)
            while trimmed.hasPrefix("./") { trimmed = trimmed.dropFirst(2) }
            while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
            return String(trimmed)
        }
        for path in wanted where !manifest.items.contains(where: { $0.path == path || $0.path.hasPrefix(path + "/") }) {
            throw Error(description: "the backup holds nothing at \(path) (paths are relative to the home, e.g. .password-store/claude)")
        }
        return manifest.items.filter { item in
            wanted.contains { item.path == $0 || item.path.hasPrefix($0 + "/") || (item.kind == .directory && $0.hasPrefix(item.path + "/")) }
        }
    }

    /// The plan for the items of `manifest` that `only` names, restored into `target`. Files
    /// that look the same by size are hashed to tell changed from unchanged. A git repository
    /// is handled whole, as `git` says; one chosen only in part is never replaced.
    init(_ manifest: BackupManifest, only: [String] = [], target: String, git: GitHandling = .keep) throws(Error) {
        let items = try Self.selection(manifest, only: only)
        self.target = target
        realTarget = Path.nearestReal(target) ?? target
        links = Set(manifest.items.filter { $0.kind == .symlink }.map { $0.path })
        repositories = Self.repositories(in: items, manifest: manifest, target: target, git: git)
        steps = []
        var blocked = Set<String>() // folders not restored
        for item in items {
            var change = change(of: item, blocked: blocked)
            if let repository = repositories.first(where: { $0.holds(item.path) }), !change.isRefused {
                switch repository.action {
                case .restoredWhole: break
                case .kept: change = .kept
                // The live repository is moved out first: every item of the backup's is new then.
                case .replacedWhole: change = .new
                }
            }
            if item.kind == .directory, case .refused = change { blocked.insert(item.path) }
            steps.append(Step(item: item, change: change))
        }
    }

    /// The `.git` folders among `items` (not those inside another), each with what the restore
    /// does with it: one the target lacks comes back whole; one it has is kept, or replaced
    /// whole when `git` says so and every item of it was chosen.
    static func repositories(in items: [BackupManifest.Item], manifest: BackupManifest, target: String, git: GitHandling) -> [Repository] {
        var found: [Repository] = []
        for item in items where item.kind == .directory && Path.lastComponent(of: item.path) == ".git" && !found.contains(where: { $0.holds(item.path) }) {
            var info = stat()
            let action: Repository.Action
            if lstat(Path.join(target, item.path), &info) != 0 {
                action = .restoredWhole
            } else {
                let whole = Repository(path: item.path, action: .kept)
                let chosenWhole = items.count(where: { whole.holds($0.path) }) == manifest.items.count(where: { whole.holds($0.path) })
                action = git == .replace && chosenWhole ? .replacedWhole : .kept
            }
            found.append(Repository(path: item.path, action: action))
        }
        return found
    }

    private func change(of item: BackupManifest.Item, blocked: Set<String>) -> Change {
        if case .refused(let reason) = admission(of: item, live: false) { return .refused(reason) }
        if let folder = Self.folders(above: item.path).first(where: blocked.contains) { return .refused("its folder \(folder) is not restored") }
        let live = Path.join(target, item.path)
        var info = stat()
        guard lstat(live, &info) == 0 else { return .new }
        let liveMode = UInt32(info.st_mode & 0o7777)
        let modeChange = liveMode == item.mode ? nil : "mode \(String(liveMode, radix: 8)) → \(String(item.mode, radix: 8))"
        switch (item.kind, info.st_mode & S_IFMT) {
        case (.directory, S_IFDIR):
            return modeChange.map(Change.changed) ?? .unchanged
        case (.directory, S_IFLNK):
            // A link the user made to a folder inside the target is written through (its own
            // folder's mode is left alone).
            if Path.kind(of: live) == .directory, let real = Path.real(live), Path.isInside(real, realTarget) { return .unchanged }
            return .refused("a link to outside \(target), or to no folder, is there: move it away and restore again")
        case (.directory, _):
            return .refused("a file is there where the backup has a folder: move it away and restore again")
        case (.file, S_IFREG):
            if Int64(info.st_size) == item.size, let (_, digest) = try? BackupSet.hash(live), digest == item.sha256 {
                return modeChange.map(Change.changed) ?? .unchanged
            }
            return .changed("content")
        case (.symlink, S_IFLNK):
            return Path.linkTarget(of: live) == item.target ? .unchanged : .changed("points elsewhere")
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

    /// Whether `item` may be written, judged by its name, the backup's links and the files in
    /// the target now; when it may, the real folder it goes into. `live`: at the moment of
    /// writing, when that folder must exist.
    enum Admission: Equatable {
        case refused(String)
        case allowed(realFolder: String)
    }

    func admission(of item: BackupManifest.Item, live: Bool) -> Admission {
        if Self.hasUnsafeName(item.path) { return .refused("an unsafe name") }
        if item.path.split(separator: "/").first?.hasPrefix(RestoreStaging.prefix) == true { return .refused("a name claudesh keeps for its own staging folders") }
        if let link = Self.folders(above: item.path).first(where: links.contains) {
            return .refused("it is under \(link), a link, which a restore never writes through")
        }
        let folder = Path.directory(of: Path.join(target, item.path))
        guard let realFolder = live ? Path.real(folder) : Path.nearestReal(folder) else { return .refused("its folder is missing") }
        guard Path.isInside(realFolder, realTarget) else {
            return .refused("its folder \(Path.directory(of: item.path)) leads to \(realFolder), outside \(target), through a link")
        }
        guard item.kind == .symlink else { return .allowed(realFolder: realFolder) }
        if let reason = linkRefusal(item, from: realFolder) { return .refused(reason) }
        return .allowed(realFolder: realFolder)
    }

    /// Why the link `item`, made in `realFolder`, would lead outside the target: read as
    /// written, then as the files in the target resolve it; both must stay inside.
    func linkRefusal(_ item: BackupManifest.Item, from realFolder: String) -> String? {
        guard let destination = item.target, !destination.isEmpty else { return "a link with no target" }
        guard !Self.hasControlCharacters(destination) else { return "a link whose target holds control characters" }
        if let reason = Self.writtenLinkEscapes(item.path, destination, links: links) { return reason }
        guard let leads = Path.resolving(destination, from: realFolder) else {
            return "a link to \(destination), which goes up through a name that does not exist, or through a link that leads nowhere"
        }
        return Path.isInside(leads, realTarget) ? nil : "a link to \(destination), outside \(target)"
    }

    /// Absolute, empty, holding an empty, `.` or `..` component, or a control character (a NUL
    /// would end the name the system sees): a name that could leave the target.
    static func hasUnsafeName(_ path: String) -> Bool {
        path.isEmpty || path.hasPrefix("/") || hasControlCharacters(path)
            || path.split(separator: "/", omittingEmptySubsequences: false).contains { $0.isEmpty || $0 == "." || $0 == ".." }
    }

    static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
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

    /// Why a relative link cannot be judged by the files in the target: read as written, it goes
    /// on through another link of the backup, whose own target changes where `..` leads once it
    /// is made.
    static func writtenLinkEscapes(_ path: String, _ destination: String, links: Set<String>) -> String? {
        guard !destination.hasPrefix("/") else { return nil }
        var stack = path.split(separator: "/").dropLast().map(String.init)
        let parts = destination.split(separator: "/")
        for (index, part) in parts.enumerated() where part != "." {
            if part == ".." {
                // Above the target: the check of where it leads says so.
                guard !stack.isEmpty else { return nil }
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
}

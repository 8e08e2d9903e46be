#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a backup holds: the files and folders named as its roots, walked without following
/// links (less what is excluded), each recorded with its size, mode and SHA-256.
package struct BackupSet: Sendable {
    /// The folders and files to archive, absolute, all under `home`.
    package var roots: [String]
    /// Left out wherever a walk meets them, absolute; a root named itself is never left out.
    var excluded: Set<String>
    var home: String
    /// Folders left out by identity: the folder the backup is written to, wherever it is.
    var excludedFolders: Set<FileIdentity> = []
    /// Whether a root that is a link is backed up as what it points to (the standard set) or as
    /// the link itself (the files a restore is about to replace).
    var followsRootLinks = true

    /// What Claude Code writes into `~/.claude` as it works, which a backup leaves out:
    /// transcripts, prompt history, file snapshots, plans, task lists, caches, logs, plugin
    /// clones, its own config backups, and the login's credentials. All of it is made again,
    /// or cleaned by Claude Code itself; the credentials come back with a login.
    static let claudeCodeData = [
        "projects", "history.jsonl", "file-history", "plans", "todos", "tasks", "statsig", "shell-snapshots",
        "session-env", "debug", "logs", "cache", "paste-cache", "image-cache", "ide", "plugins", "backups",
        "stats-cache.json", ".credentials.json",
    ]

    /// The set, explicit: the client configs (Claude Desktop's, `~/.claude.json` with Claude
    /// Code's servers, Claude Code's settings files), the pass store and claudesh's own files
    /// (rc file, scripts, the compose file when it is under the home, the last known good),
    /// plus the backup-include setting's paths, less backup-exclude's. Claude Code's working
    /// data is left out, even under an included folder, unless a path names it.
    static func standard(context: SessionContext) -> BackupSet {
        let environment = context.environment
        let settings = context.settings
        let claudeCode = Path.join(environment.userHome, ".claude")
        let home = context.home
        var roots = [
            environment.desktopConfigPath, environment.userConfigPath,
            Path.join(claudeCode, "settings.json"), Path.join(claudeCode, "settings.local.json"),
            PasswordStore(environment: environment).directory,
            context.rcPath, Path.join(home, "scripts"), LastKnownGood(home: home).path,
            // What claudesh keeps per server, and the entries mcp disable parked (only there).
            Path.join(home, "disabled-servers.json"), Path.join(home, "canaries.json"), Path.join(home, "tool-pins.json"), Path.join(home, "server-protocols.json"),
        ]
        // Every project's .mcp.json Claude Code knows, and the current folder's, when under the
        // home (a backup keeps paths relative to it; a project in /srv is that machine's).
        let workspace = Workspace(context)
        for project in workspace.codeProjects() + [environment.currentDirectory] {
            let file = Path.join(project, ".mcp.json")
            if Path.kind(of: file) == .file && Path.isInside(file, environment.userHome) { roots.append(file) }
        }
        // A compose file kept elsewhere (/srv/...) is not the home's to back up.
        if Path.isInside(settings.composeFile, environment.userHome) { roots.append(settings.composeFile) }
        roots += settings.backupInclude
        var unique: [String] = []
        for root in roots where !unique.contains(root) && !settings.backupExclude.contains(where: { Path.isInside(root, $0) }) {
            unique.append(root)
        }
        let transient = claudeCodeData.map { Path.join(claudeCode, $0) } + [Path.join(home, "backups"), Path.join(home, "logs")]
        return BackupSet(roots: unique, excluded: Set(transient + settings.backupExclude), home: environment.userHome)
    }

    /// The set without `folder` (where the backup is written), wherever it is: never the
    /// backups themselves. `folder` must exist.
    func excluding(folder: String) -> BackupSet {
        var set = self
        if let identity = FileIdentity(of: folder) { set.excludedFolders.insert(identity) }
        return set
    }

    enum Error: Swift.Error, CustomStringConvertible, Sendable, Equatable {
        case outsideHome(String, home: String)
        case nothing([String])
        case unreadable(String, FileError)
        case unreadableName(String)
        case outsideLink(String, target: String)

        var description: String {
            switch self {
            case .outsideHome(let path, let home): return "\(path) is not under the home (\(home)): a backup stores paths relative to it"
            case .nothing(let roots): return "nothing to back up: none of \(roots.joined(separator: ", ")) exists"
            case .unreadable(let path, let error): return "cannot read \(path): \(error.reason); nothing was written"
            case .unreadableName(let folder): return "a name in \(folder) is not UTF-8 (or vanished while being read): rename it or move it out of the backup set; nothing was written"
            case .outsideLink(let path, let target): return "\(path) is a link to \(target), outside the home: back up the target itself; nothing was written"
            }
        }
    }

    /// The path of `absolute` relative to the home.
    func relative(_ absolute: String) throws(Error) -> String {
        let prefix = home.hasSuffix("/") ? home : home + "/"
        guard absolute.hasPrefix(prefix), absolute.count > prefix.count else { throw .outsideHome(absolute, home: home) }
        return String(absolute.dropFirst(prefix.count))
    }

    /// What a file was when it was hashed: a backup fails if tar then reads something else.
    struct Stamp: Sendable, Equatable {
        var size: Int64
        var seconds: Int
        var nanoseconds: Int
    }

    static func stamp(_ info: stat) -> Stamp {
        #if canImport(Darwin)
        return Stamp(size: Int64(info.st_size), seconds: info.st_mtimespec.tv_sec, nanoseconds: info.st_mtimespec.tv_nsec)
        #else
        return Stamp(size: Int64(info.st_size), seconds: info.st_mtim.tv_sec, nanoseconds: info.st_mtim.tv_nsec)
        #endif
    }

    /// The files whose size or modification time moved since `stamps` were taken.
    func changed(since stamps: [String: Stamp]) -> [String] {
        stamps.keys.sorted().filter { relativePath in
            var info = stat()
            return lstat(Path.join(home, relativePath), &info) != 0 || Self.stamp(info) != stamps[relativePath]
        }
    }

    /// The roots that exist, each as the path it is backed up under. A root that is a link
    /// inside the home is followed; one that leads outside is refused.
    func presentRoots() throws(Error) -> [String] {
        var present: [String] = []
        let realHome = Path.real(home) ?? home
        for root in roots {
            var info = stat()
            guard lstat(root, &info) == 0 else { continue }
            guard followsRootLinks else {
                present.append(root)
                continue
            }
            // A root that is a link (a store kept elsewhere in the home) is backed up as what it
            // points to, not as the link alone: its real path, seen from the home as given (which
            // may itself be reached through a link, as /home → /usr/home).
            guard let resolved = Path.real(root) else { continue }
            if Path.isInside(resolved, realHome) {
                present.append(resolved == realHome ? home : Path.join(home, String(resolved.dropFirst(realHome.count + (realHome == "/" ? 0 : 1)))))
            } else if Path.isInside(resolved, home) {
                present.append(resolved)
            } else if Path.isInside(root, home) {
                throw .outsideLink(root, target: resolved)
            } else {
                // Named outside the home (a store kept elsewhere), not reached through a link.
                throw .outsideHome(root, home: home)
            }
        }
        guard !present.isEmpty else { throw .nothing(roots) }
        return present
    }

    /// Every item under the roots, parents before children, each file hashed (unless not
    /// `hashing`: a dry run only measures); and each file's stamp at the time.
    func manifest(now: Int, hashing: Bool = true) throws(Error) -> (BackupManifest, [String: Stamp]) {
        var items: [BackupManifest.Item] = []
        var stamps: [String: Stamp] = [:]
        var seen = Set<String>()
        // Folders listed only as the parents of a root: a later root may be one of them, and is
        // walked then.
        var parentsOnly = Set<String>()
        func add(_ path: String, isRoot: Bool = false) throws(Error) {
            guard isRoot || !excluded.contains(path) else { return }
            let listed = parentsOnly.remove(path) != nil
            guard seen.insert(path).inserted || listed else { return }
            var info = stat()
            guard lstat(path, &info) == 0 else { throw .unreadableName(Path.directory(of: path)) }
            let mode = UInt32(info.st_mode & 0o7777)
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                if let identity = FileIdentity(of: path), excludedFolders.contains(identity) { return }
                if !listed { items.append(.init(path: try relative(path), kind: .directory, size: 0, mode: mode)) }
                for entry in Directory.entries(of: path).sorted(by: { $0.name < $1.name }) { try add(Path.join(path, entry.name)) }
            case S_IFLNK:
                let target = Path.linkTarget(of: path) ?? ""
                items.append(.init(path: try relative(path), kind: .symlink, size: 0, mode: mode, target: target))
            case S_IFREG:
                let (size, digest) = hashing ? try Self.hash(path) : (Int64(info.st_size), "")
                let relativePath = try relative(path)
                items.append(.init(path: relativePath, kind: .file, size: size, mode: mode, sha256: digest))
                stamps[relativePath] = Self.stamp(info)
            default:
                return // sockets, fifos, devices: nothing a backup restores
            }
        }
        for root in try presentRoots() {
            // The folders above a root, so that a restore recreates them with their modes.
            var parents: [String] = []
            var parent = Path.directory(of: root)
            while parent.count > home.count, parent.hasPrefix(home) {
                parents.insert(parent, at: 0)
                parent = Path.directory(of: parent)
            }
            for folder in parents where !seen.contains(folder) {
                seen.insert(folder)
                parentsOnly.insert(folder)
                var info = stat()
                if stat(folder, &info) == 0 { items.append(.init(path: try relative(folder), kind: .directory, size: 0, mode: UInt32(info.st_mode & 0o7777))) }
            }
            try add(root, isRoot: true)
        }
        return (BackupManifest(created: now, items: items), stamps)
    }

    /// What `backup create --dry-run` shows: each root that exists, the bytes and files under
    /// it, without reading a file.
    package struct Measured: Sendable, Equatable {
        package var path: String
        package var bytes: Int64
        package var files: Int
    }

    /// Each present root with the size of what would be backed up under it, and the whole set
    /// (a root inside another is counted once).
    func measure() throws(Error) -> (roots: [Measured], total: Measured) {
        let items = try manifest(now: 0, hashing: false).0.items.filter { $0.kind == .file }
        let roots = try presentRoots().map { root throws(Error) in
            let relativeRoot = try relative(root)
            let under = items.filter { $0.path == relativeRoot || $0.path.hasPrefix(relativeRoot + "/") }
            return Measured(path: root, bytes: under.reduce(0) { $0 + $1.size }, files: under.count)
        }
        return (roots, Measured(path: home, bytes: items.reduce(0) { $0 + $1.size }, files: items.count))
    }

    /// A file's size and SHA-256, read in 1 MiB pieces.
    static func hash(_ path: String) throws(Error) -> (Int64, String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw .unreadable(path, FileError("open", path)) }
        defer { close(fd) }
        var hasher = SHA256()
        var size: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path, FileError("read", path))
            }
            if count == 0 { break }
            hasher.update(buffer[0..<count])
            size += Int64(count)
        }
        return (size, hasher.finalize())
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A restore: one pass that verifies the backup and writes the files it will apply into a
/// staging folder in the target; then a plan against the live files; then, once confirmed, a
/// safety backup of what it replaces and each item put in place, checked again as it is.
package final class BackupRestore {
    package let verification: BackupArchive.Verification
    package let plan: RestorePlan
    private let staging: RestoreStaging?
    /// What each replaced file was when the safety backup read it: one that moves after that is
    /// left alone rather than lost.
    private var savedStamps: [String: BackupSet.Stamp] = [:]
    /// Whether the safety backup was made: a repository is replaced whole only after it is in it.
    private var savedReplaced = false

    struct Failure: Swift.Error, CustomStringConvertible, Sendable, Equatable {
        var description: String
    }

    private init(verification: BackupArchive.Verification, plan: RestorePlan, staging: RestoreStaging?) {
        self.verification = verification
        self.plan = plan
        self.staging = staging
    }

    deinit { staging?.remove() }

    /// Reads and verifies `path`, staging the files of `only` (all when empty) in `target` unless
    /// `dryRun`. A backup that does not verify whole is refused before anything is planned.
    static func prepare(_ path: String, target: String, only: [String], git: RestorePlan.GitHandling = .keep, dryRun: Bool, environment: [String: String],
                               progress: (@Sendable (Int64) -> Void)? = nil) async throws -> BackupRestore {
        guard Path.nearestReal(target) != "/" else { throw Failure(description: "a restore never writes into /: give a folder with --to DIR") }
        var staging: RestoreStaging?
        if !dryRun {
            try FileIO.makeDirectory(target)
            RestoreStaging.removeAbandoned(in: target)
            // Only the files the plan can apply are staged: chosen, and not refused by name.
            staging = try RestoreStaging(in: target) { manifest in
                guard let plan = try? RestorePlan(manifest, only: only, target: target, git: git) else { return [] }
                return Set(plan.steps.filter { $0.item.kind == .file && $0.isWritten }.map { $0.item.path })
            }
        }
        do {
            let verification = try await BackupArchive.read(path, environment: environment, progress: progress, staging: staging)
            let name = Path.lastComponent(of: path)
            guard verification.checked else {
                throw Failure(description: "\(name) could not be read: \(verification.problems.joined(separator: "; "))")
            }
            guard verification.isWhole, let manifest = verification.manifest else {
                let problems = verification.problems.prefix(5).map { "  \($0)" }.joined(separator: "\n")
                throw Failure(description: "\(name) does not verify, so nothing was restored:\n\(problems)\(verification.problems.count > 5 ? "\n  … and \(verification.problems.count - 5) more" : "")\nbackup list shows the others; restore one that verifies")
            }
            let plan = try RestorePlan(manifest, only: only, target: target, git: git)
            try staging?.flush()
            return BackupRestore(verification: verification, plan: plan, staging: staging)
        } catch {
            staging?.remove()
            throw error
        }
    }

    /// Backs up every live file and link the plan replaces into `folder`, paths relative to the
    /// target, so that the restore can be undone; nil when it replaces nothing.
    func saveReplaced(into folder: String, recipients: [String], environment: [String: String]) async throws -> BackupArchive.Created? {
        let replaced = plan.replaced
        guard !replaced.isEmpty else { return nil }
        var set = BackupSet(roots: replaced, excluded: [], home: plan.target)
        set.followsRootLinks = false
        let (manifest, stamps) = try set.manifest(now: Int(time(nil)))
        let created = try await BackupArchive.create(manifest, set: set, stamps: stamps, folder: folder, recipients: recipients, environment: environment)
        savedStamps = stamps
        savedReplaced = true
        return created
    }

    package struct Applied: Sendable, Equatable {
        package var written: [String] = []
        /// Items left alone at the last moment, with why (a file that appeared since the plan,
        /// a folder that now leads outside the target, an error writing it).
        package var skipped: [(path: String, reason: String)] = []

        package init() {}

        package static func == (a: Applied, b: Applied) -> Bool {
            a.written == b.written && a.skipped.map { $0.path } == b.skipped.map { $0.path }
        }
    }

    /// Applies the plan: folders and files first, links last (so nothing is ever written through
    /// a link the restore made), every item checked again against the files as they are now.
    /// Each file moves into place by a rename, never half written; a new one never replaces
    /// what appeared since the plan; a replaced one that changed since the safety backup read it
    /// is left alone. Folder modes are set last, deepest first.
    /// `missingOnly`: only what the target lacks, nothing that is there replaced (a recovery
    /// brings back what was lost without undoing what was changed since the backup).
    package func apply(missingOnly: Bool = false) throws -> Applied {
        guard let staging else { throw Failure(description: "a dry run has nothing to apply") }
        let replacedWhole = plan.repositories.filter { $0.action == .replacedWhole }
        guard !missingOnly || replacedWhole.isEmpty else { throw Failure(description: "a restore of what is missing replaces no git repository") }
        guard replacedWhole.isEmpty || savedReplaced else { throw Failure(description: "a git repository is replaced only once the safety backup holds it") }
        // Each repository replaced whole leaves as one piece, into the staging folder (removed
        // with it; the safety backup holds it), so nothing of it mixes with the backup's.
        for (number, repository) in replacedWhole.enumerated() {
            let live = Path.join(plan.target, repository.path)
            guard rename(live, Path.join(staging.folder.path, "replaced-git-\(number)")) == 0 else { throw FileError("move aside", live) }
        }
        var applied = Applied()
        var modes: [(path: String, mode: UInt32)] = []
        var opened: [(path: String, mode: mode_t)] = []
        var touched = Set<String>()
        var links: [(item: BackupManifest.Item, live: String, folder: String)] = []
        let toApply = plan.steps.filter { step in
            switch step.change {
            case .new: return true
            case .changed: return !missingOnly
            case .unchanged, .refused, .kept: return false
            }
        }
        for step in toApply.filter({ $0.item.kind != .symlink }) + toApply.filter({ $0.item.kind == .symlink }) {
            let item = step.item
            do {
                let folder: String
                switch plan.admission(of: item, live: true) {
                case .refused(let reason):
                    applied.skipped.append((item.path, reason))
                    continue
                case .allowed(let realFolder):
                    folder = realFolder
                }
                let live = Path.join(folder, Path.lastComponent(of: item.path))
                if let mode = Self.openForWriting(folder) { opened.append((folder, mode)) }
                if let skipped = try put(item, at: live, isNew: step.change == .new, staging: staging) {
                    applied.skipped.append((item.path, skipped))
                    continue
                }
                if item.kind == .directory { modes.append((live, item.mode)) }
                if item.kind == .symlink { links.append((item, live, folder)) }
                applied.written.append(item.path)
                touched.insert(folder)
            } catch {
                applied.skipped.append((item.path, "\(error)"))
            }
        }
        // Once every link exists, each is judged again where it now leads: a link that only
        // escapes through another one made after it is taken away.
        for (item, live, folder) in links where plan.linkRefusal(item, from: folder) != nil {
            unlink(live)
            applied.written.removeAll { $0 == item.path }
            applied.skipped.append((item.path, plan.linkRefusal(item, from: folder) ?? "it leads outside the target"))
        }
        // Deepest first, so that a folder without write permission is closed after its
        // contents; then the folders opened for writing get their own modes back.
        for folder in modes.reversed() where !Self.setMode(folder.path, mode_t(folder.mode)) {
            applied.skipped.append((folder.path, "its mode could not be set"))
        }
        for folder in opened.reversed() where !modes.contains(where: { $0.path == folder.path }) {
            _ = Self.setMode(folder.path, folder.mode)
        }
        for folder in touched { FileIO.syncFolder(folder) }
        return applied
    }

    /// Puts one item at `live`; returns why it was left alone, if it was.
    private func put(_ item: BackupManifest.Item, at live: String, isNew: Bool, staging: RestoreStaging) throws -> String? {
        switch item.kind {
        case .directory:
            guard isNew else { return nil } // its mode is set at the end
            // Made open to its owner; the backup's mode is set once everything is inside.
            if mkdir(live, 0o700) != 0 {
                var info = stat()
                guard errno == EEXIST, lstat(live, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { throw FileError("create the folder", live) }
            }
            return nil
        case .file:
            guard let staged = staging.files[item.path] else { return "it was not staged" }
            if isNew { return try Self.createNew(live, from: staged, mode: item.mode) ? nil : "a file appeared there since the plan" }
            if let saved = savedStamps[item.path] {
                var info = stat()
                guard lstat(live, &info) == 0, BackupSet.stamp(info) == saved else { return "it changed since the safety backup read it; left as it is" }
            }
            try Self.replace(live, with: staged, mode: item.mode)
            return nil
        case .symlink:
            let destination = item.target ?? ""
            if isNew {
                guard symlink(destination, live) == 0 else {
                    guard errno == EEXIST else { throw FileError("create the link", live) }
                    return "something appeared there since the plan"
                }
                return nil
            }
            let temporary = try Self.unusedName(beside: live)
            guard symlink(destination, temporary) == 0 else { throw FileError("create the link", temporary) }
            guard rename(temporary, live) == 0 else {
                unlink(temporary)
                throw FileError("replace", live)
            }
            return nil
        }
    }

    /// Puts `staged` at `live` unless something is there: a hard link, which fails rather than
    /// replace; where there can be none (another file system, FAT), a copy created under the
    /// name itself, exclusively. False when something is there.
    private static func createNew(_ live: String, from staged: String, mode: UInt32) throws -> Bool {
        if link(staged, live) == 0 { unlink(staged); return true }
        if errno == EEXIST { return false }
        let fd = open(live, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { return false }
            throw FileError("create", live)
        }
        do {
            defer { close(fd) }
            try copy(staged, into: fd, path: live, mode: mode)
        } catch {
            unlink(live)
            throw error
        }
        return true
    }

    /// Replaces `live` with `staged` by a rename; across file systems, by a copy beside it, then
    /// a rename.
    private static func replace(_ live: String, with staged: String, mode: UInt32) throws {
        if rename(staged, live) == 0 { return }
        guard errno == EXDEV else { throw FileError("replace", live) }
        let (fd, temporary) = try FileIO.temporaryFile(in: Path.directory(of: live), named: ".\(Path.lastComponent(of: live)).restore-")
        do {
            defer { close(fd) }
            try copy(staged, into: fd, path: temporary, mode: mode)
            guard rename(temporary, live) == 0 else { throw FileError("replace", live) }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Copies `staged` into `fd` with its mode and time, flushed.
    private static func copy(_ staged: String, into fd: Int32, path: String, mode: UInt32) throws {
        let source = open(staged, O_RDONLY | O_CLOEXEC)
        guard source >= 0 else { throw FileError("read", staged) }
        defer { close(source) }
        try FileIO.copy(from: source, to: fd, path: path)
        var info = stat()
        fstat(source, &info)
        #if canImport(Darwin)
        var times = [info.st_atimespec, info.st_mtimespec]
        #else
        var times = [info.st_atim, info.st_mtim]
        #endif
        guard fchmod(fd, mode_t(mode)) == 0, futimens(fd, &times) == 0, fsync(fd) == 0 else { throw FileError("flush", path) }
    }

    /// A name nothing has beside `live`, for a link about to be renamed onto it.
    private static func unusedName(beside live: String) throws -> String {
        for attempt in 0..<100 {
            let name = Path.join(Path.directory(of: live), ".\(Path.lastComponent(of: live)).restore-\(getpid())-\(attempt)")
            var info = stat()
            if lstat(name, &info) != 0 && errno == ENOENT { return name }
        }
        throw FileError("find a temporary name beside", live, code: EEXIST)
    }

    /// Lets the restore write into `folder` when its mode does not (a 0500 folder): returns the
    /// mode to put back, or nil when nothing was changed.
    private static func openForWriting(_ folder: String) -> mode_t? {
        guard access(folder, W_OK | X_OK) != 0 else { return nil }
        var info = stat()
        guard lstat(folder, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return nil }
        let mode = info.st_mode & 0o7777
        return setMode(folder, mode | S_IWUSR | S_IXUSR) ? mode : nil
    }

    /// Sets a folder's mode through a descriptor opened without following a link.
    private static func setMode(_ folder: String, _ mode: mode_t) -> Bool {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return fchmod(fd, mode) == 0
    }
}

extension RestorePlan.Change {
    package var isRefused: Bool { if case .refused = self { return true } else { return false } }
}

extension RestorePlan.Step {
    var isRefused: Bool { change.isRefused }
    /// New or changed: what a full restore writes.
    var isWritten: Bool {
        switch change {
        case .new, .changed: return true
        case .unchanged, .refused, .kept: return false
        }
    }
}

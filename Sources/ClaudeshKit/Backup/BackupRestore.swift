#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A restore: one pass that verifies the backup and writes the files it will apply into a
/// staging folder in the target; then a plan against the live files; then, once confirmed, a
/// safety backup of what it replaces and each file moved into place.
public final class BackupRestore {
    public let verification: BackupArchive.Verification
    public let plan: RestorePlan
    private let staging: RestoreStaging?

    public struct Failure: Swift.Error, CustomStringConvertible, Sendable, Equatable {
        public var description: String
    }

    private init(verification: BackupArchive.Verification, plan: RestorePlan, staging: RestoreStaging?) {
        self.verification = verification
        self.plan = plan
        self.staging = staging
    }

    deinit { staging?.remove() }

    /// Reads and verifies `path`, staging the files of `only` (all when empty) in `target` unless
    /// `dryRun`. A backup that does not verify whole is refused before anything is planned.
    public static func prepare(_ path: String, target: String, only: [String], dryRun: Bool, environment: [String: String],
                               progress: (@Sendable (Int64) -> Void)? = nil) async throws -> BackupRestore {
        guard Path.normalize(target) != "/" else { throw Failure(description: "a restore never writes into /: give a folder with --to DIR") }
        var selectionError: RestorePlan.Error?
        var staging: RestoreStaging?
        if !dryRun {
            try FileIO.makeDirectory(target)
            // Only the files the plan can apply are staged: chosen, and not refused by name.
            staging = try RestoreStaging(in: target) { manifest in
                do {
                    let items = try RestorePlan.selection(manifest, only: only)
                    let links = Set(manifest.items.filter { $0.kind == .symlink }.map(\.path))
                    return Set(items.filter { $0.kind == .file && !RestorePlan.hasUnsafeName($0.path) && RestorePlan.linkAbove($0.path, links: links) == nil }.map(\.path))
                } catch let error as RestorePlan.Error {
                    selectionError = error
                    return []
                } catch {
                    return []
                }
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
            if let selectionError { throw selectionError }
            let items = try RestorePlan.selection(manifest, only: only)
            try staging?.flush()
            return BackupRestore(verification: verification, plan: RestorePlan(items: items, target: target), staging: staging)
        } catch {
            staging?.remove()
            throw error
        }
    }

    /// Backs up every live file and link the plan replaces into `folder`, paths relative to the
    /// target, so that the restore can be undone; nil when it replaces nothing.
    public func saveReplaced(into folder: String, recipients: [String], environment: [String: String]) async throws -> BackupArchive.Created? {
        let replaced = plan.replaced
        guard !replaced.isEmpty else { return nil }
        var set = BackupSet(roots: replaced, excluded: [], home: plan.target)
        set.followsRootLinks = false
        let (manifest, stamps) = try set.manifest(now: Int(time(nil)))
        return try await BackupArchive.create(manifest, set: set, stamps: stamps, folder: folder, recipients: recipients, environment: environment)
    }

    public struct Applied: Sendable, Equatable {
        public var written: [String] = []
        /// Items left alone at the last moment, with why (a file that appeared since the plan).
        public var skipped: [(path: String, reason: String)] = []

        public init() {}

        public static func == (a: Applied, b: Applied) -> Bool {
            a.written == b.written && a.skipped.map(\.path) == b.skipped.map(\.path)
        }
    }

    /// Applies the plan: new and changed folders, files and links, each file moved into place by
    /// a rename (never half written); a new one never replaces a file that appeared since the plan.
    public func apply() throws -> Applied {
        guard let staging else { throw Failure(description: "a dry run has nothing to apply") }
        var applied = Applied()
        var folders: [(path: String, mode: UInt32)] = []
        var touched = Set<String>()
        for step in plan.steps {
            let isNew: Bool
            switch step.change {
            case .new: isNew = true
            case .changed: isNew = false
            case .unchanged, .refused: continue
            }
            let item = step.item
            let live = Path.join(plan.target, item.path)
            let parent = Path.directory(of: live)
            guard Path.kind(of: parent) == .directory else {
                applied.skipped.append((item.path, "its folder is missing"))
                continue
            }
            switch item.kind {
            case .directory:
                // Made open to its owner; the backup's mode is set once everything is inside.
                if isNew, mkdir(live, 0o700) != 0, !(errno == EEXIST && Path.kind(of: live) == .directory) {
                    throw FileError("create the folder", live)
                }
                folders.append((live, item.mode))
            case .file:
                guard let staged = staging.files[item.path] else {
                    applied.skipped.append((item.path, "it was not staged"))
                    continue
                }
                if isNew {
                    guard try Self.createNew(live, from: staged, mode: item.mode) else {
                        applied.skipped.append((item.path, "a file appeared there since the plan"))
                        continue
                    }
                } else {
                    try Self.replace(live, with: staged, mode: item.mode)
                }
            case .symlink:
                let destination = item.target ?? ""
                if isNew {
                    if symlink(destination, live) != 0 {
                        guard errno == EEXIST else { throw FileError("create the link", live) }
                        applied.skipped.append((item.path, "something appeared there since the plan"))
                        continue
                    }
                } else {
                    let temporary = try Self.temporaryName(in: parent, for: live)
                    guard symlink(destination, temporary) == 0 else { throw FileError("create the link", temporary) }
                    guard rename(temporary, live) == 0 else {
                        unlink(temporary)
                        throw FileError("replace", live)
                    }
                }
            }
            applied.written.append(item.path)
            touched.insert(parent)
        }
        // Deepest first, so that a folder without write permission is closed after its contents.
        for folder in folders.reversed() where chmod(folder.path, mode_t(folder.mode)) != 0 {
            throw FileError("set the mode of", folder.path)
        }
        for folder in touched {
            let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd >= 0 { _ = fsync(fd); close(fd) }
        }
        return applied
    }

    /// Puts `staged` at `live` unless something is there: a hard link, which fails rather than
    /// replace; false when something is there.
    private static func createNew(_ live: String, from staged: String, mode: UInt32) throws -> Bool {
        if link(staged, live) == 0 { unlink(staged); return true }
        if errno == EEXIST { return false }
        // Another file system (a store mounted elsewhere), or none with hard links: a copy to a
        // temp name next to it, then the same refusal to replace.
        let temporary = try copyBeside(live, from: staged, mode: mode)
        defer { unlink(temporary) }
        if link(temporary, live) == 0 { return true }
        if errno == EEXIST { return false }
        guard rename(temporary, live) == 0 else { throw FileError("create", live) }
        return true
    }

    private static func replace(_ live: String, with staged: String, mode: UInt32) throws {
        if rename(staged, live) == 0 { return }
        guard errno == EXDEV else { throw FileError("replace", live) }
        let temporary = try copyBeside(live, from: staged, mode: mode)
        guard rename(temporary, live) == 0 else {
            unlink(temporary)
            throw FileError("replace", live)
        }
    }

    /// A copy of `staged` in `live`'s folder, flushed, with its mode and time.
    private static func copyBeside(_ live: String, from staged: String, mode: UInt32) throws -> String {
        let temporary = try temporaryName(in: Path.directory(of: live), for: live)
        let source = open(staged, O_RDONLY | O_CLOEXEC)
        guard source >= 0 else { throw FileError("read", staged) }
        defer { close(source) }
        let copy = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard copy >= 0 else { throw FileError("create", temporary) }
        do {
            defer { close(copy) }
            try FileIO.copy(from: source, to: copy, path: temporary)
            var info = stat()
            fstat(source, &info)
            #if canImport(Darwin)
            var times = [info.st_atimespec, info.st_mtimespec]
            #else
            var times = [info.st_atim, info.st_mtim]
            #endif
            guard fchmod(copy, mode_t(mode)) == 0, futimens(copy, &times) == 0, fsync(copy) == 0 else { throw FileError("flush", temporary) }
        } catch {
            unlink(temporary)
            throw error
        }
        return temporary
    }

    /// A name no file has in `folder`, for a file about to be renamed onto `live`.
    private static func temporaryName(in folder: String, for live: String) throws -> String {
        var template = Array(Path.join(folder, ".\(Path.lastComponent(of: live)).restore-XXXXXX").utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw FileError("create a temporary file in", folder) }
        close(fd)
        let name = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        unlink(name)
        return name
    }
}

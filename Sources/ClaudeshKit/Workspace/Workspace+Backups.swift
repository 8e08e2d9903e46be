#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Backups of the session's set: where they go, whom they are encrypted to, and making,
/// verifying, pruning and restoring them.
extension Workspace {
    /// Where the files a restore replaces are saved, under the backup folder: in the same
    /// format, but never taken for `latest` nor pruned with the backups.
    package static let beforeRestoreFolder = "before-restore"

    /// `DIR` of a `--to DIR`, else the backup-dir setting.
    package func backupFolder(_ given: String?) -> String {
        given.map(environment.absolutePath) ?? settings.backupDir
    }

    /// The client configs, the pass store, claudesh's own files, and the backup-include
    /// setting's paths, less backup-exclude's and Claude Code's working data.
    package var backupSet: BackupSet { BackupSet.standard(context: context) }

    /// What a backup into `folder` would hold, measured without reading a file: each root that
    /// exists with its size, and the whole.
    package func measureBackupSet(into folder: String) throws -> (roots: [BackupSet.Measured], total: BackupSet.Measured) {
        let set = Path.kind(of: folder) == .directory ? backupSet.excluding(folder: folder) : backupSet
        return try set.measure()
    }

    /// The keys a backup is encrypted to: the gpg-id setting, else the pass store's.
    package func backupRecipients() throws -> [String] {
        if let id = settings.gpgID { return [id] }
        let store = self.store
        guard !store.recipients.isEmpty else {
            throw OperationError.failed("no key to encrypt the backup to: set gpg-id KEY (gpg status lists your keys), or secrets init KEY")
        }
        return store.recipients
    }

    /// The backup `chosen` names in `folder`: `latest` (the default) is the newest; a bare name
    /// is looked up there; a path is taken as it is. Only files named as backups are accepted.
    package func backup(_ chosen: String?, in folder: String) throws -> String {
        let chosen = chosen ?? "latest"
        if chosen == "latest" {
            guard let newest = BackupArchive.names(in: folder).last else { throw OperationError.failed("no backups in \(folder): make one with backup create") }
            return Path.join(folder, newest)
        }
        let path = chosen.contains("/") ? environment.absolutePath(chosen) : Path.join(folder, chosen)
        guard BackupArchive.isBackupName(Path.lastComponent(of: path)) else {
            throw OperationError.usage("'\(Path.lastComponent(of: path).clipped(60))' is not a backup's name (claude-backup-YYYYMMDD-HHMMSS.tar.gz.gpg)")
        }
        guard Path.kind(of: path) == .file else { throw OperationError.failed("no backup \(path)") }
        return path
    }

    /// Archives the backup set into `folder`, encrypted to `recipients` (asked for once the set
    /// is read), and records it in the folder's index. `hashing` is told when the set is being
    /// read; `writing`, given the backup's name, may return what to tell of the bytes written.
    package func createBackup(into folder: String, recipients: @Sendable () throws -> [String], hashing: @Sendable () async -> Void = {},
                              writing: @Sendable (String) async -> (@Sendable (Int64) -> Void)? = { _ in nil }) async throws -> BackupArchive.Created {
        try FileIO.makeDirectory(folder)
        let set = backupSet.excluding(folder: folder)
        await hashing()
        let (manifest, stamps) = try set.manifest(now: now)
        let progress = await writing(BackupArchive.name(at: manifest.created))
        let created = try await BackupArchive.create(manifest, set: set, stamps: stamps, folder: folder, recipients: try recipients(),
                                                     environment: toolEnvironment.variables, progress: progress)
        var index = BackupIndex(folder: folder)
        index[Path.lastComponent(of: created.path)] = BackupIndex.Record(members: created.members, verifiedAt: nil, verifiedWhole: nil)
        try? index.save()
        return created
    }

    /// One backup of a folder, as `backup list` shows it.
    package struct BackupListing: Sendable {
        package var name: String
        package var path: String
        package var bytes: Int64
        package var record: BackupIndex.Record?
    }

    /// The backups in `folder`, oldest first.
    package func backups(in folder: String) -> [BackupListing] {
        let index = BackupIndex(folder: folder)
        return BackupArchive.names(in: folder).map { name in
            var info = stat()
            let path = Path.join(folder, name)
            return BackupListing(name: name, path: path, bytes: stat(path, &info) == 0 ? Int64(info.st_size) : 0, record: index[name])
        }
    }

    /// Decrypts `path` as a stream and checks every member against the manifest. The verdict is
    /// kept for backups in `folder` only, and only when the backup could be read: a missing key
    /// says nothing of it.
    package func verifyBackup(_ path: String, in folder: String, progress: (@Sendable (Int64) -> Void)? = nil) async throws -> BackupArchive.Verification {
        let result = try await BackupArchive.verify(path, environment: toolEnvironment.variables, progress: progress)
        if Path.directory(of: path) == folder, result.checked {
            var index = BackupIndex(folder: folder)
            let name = Path.lastComponent(of: path)
            // A damaged backup may stop before its members: keep the count its creation recorded.
            let members = result.isWhole ? result.members : index[name]?.members ?? result.members
            index[name] = BackupIndex.Record(members: members, verifiedAt: now, verifiedWhole: result.isWhole)
            try? index.save()
        }
        return result
    }

    /// What `backup prune` did, or would do.
    package struct Pruned: Sendable {
        package var plan: BackupRetention.Plan
        package var deleted: [String]
        /// Backups that could not be deleted, and why.
        package var failures: [(path: String, reason: String)]
    }

    /// Deletes the backups of `folder` that `retention` does not keep, never the newest that
    /// verified; with `dryRun`, only plans.
    package func pruneBackups(in folder: String, retention: BackupRetention, dryRun: Bool) -> Pruned {
        var index = BackupIndex(folder: folder)
        let names = BackupArchive.names(in: folder)
        let newestWhole = names.filter { index[$0]?.verifiedWhole == true }.max()
        var pruned = Pruned(plan: retention.plan(names, verifiedWhole: newestWhole), deleted: [], failures: [])
        guard !dryRun else { return pruned }
        for name in pruned.plan.delete {
            // By name in the folder, never through a pattern or a shell: spaces and odd
            // characters in the folder's path are just bytes.
            if unlink(Path.join(folder, name)) == 0 { pruned.deleted.append(name) } else {
                pruned.failures.append((Path.join(folder, name), FileError("delete", name).reason))
            }
        }
        try? index.save()
        return pruned
    }

    /// `--only` paths as a backup stores them: relative to the home (`~/x` and `/home/me/x`
    /// name `x`).
    package func pathsInBackup(_ given: [String]) throws -> [String] {
        let home = environment.userHome
        return try given.map { path in
            guard path.hasPrefix("/") || path.hasPrefix("~") else { return path }
            let absolute = environment.absolutePath(path)
            guard absolute.hasPrefix(home + "/") else { throw OperationError.usage("--only \(path.clipped(60)) is not under the home (\(home)): a backup's paths are relative to it") }
            return String(absolute.dropFirst(home.count + 1))
        }
    }

    /// Verifies `path` while staging what it would restore into `target` (nothing staged with
    /// `dryRun`), and plans the restore against the live files.
    package func prepareRestore(_ path: String, into target: String, only: [String], git: RestorePlan.GitHandling = .keep, dryRun: Bool,
                                progress: (@Sendable (Int64) -> Void)? = nil) async throws -> BackupRestore {
        try await BackupRestore.prepare(path, target: target, only: only, git: git, dryRun: dryRun, environment: toolEnvironment.variables, progress: progress)
    }

    /// The keys to save what a restore replaces to: the backups' own, or on a new machine (no
    /// setting, no store yet: the restore brings them) the key that decrypted the backup.
    package func recipients(savingFor restore: BackupRestore) throws -> [String] {
        do {
            return try backupRecipients()
        } catch {
            guard let key = restore.verification.decryptedWith else { throw error }
            return [key]
        }
    }

    /// Saves every file `restore` will replace into `BACKUP_DIR/before-restore/`.
    package func saveReplaced(by restore: BackupRestore, recipients: [String]) async throws -> BackupArchive.Created? {
        try await restore.saveReplaced(into: Path.join(settings.backupDir, Self.beforeRestoreFolder), recipients: recipients, environment: toolEnvironment.variables)
    }

    /// The newest backup of the backup folder that verifies, read (and staged unless `dryRun`)
    /// for the home; else why the newest could not be used (nil: there are none).
    func newestRestorable(dryRun: Bool) async -> (found: (name: String, restore: BackupRestore)?, problem: String?) {
        let folder = settings.backupDir
        var problem: String?
        for name in BackupArchive.names(in: folder).reversed() {
            do {
                return ((name, try await prepareRestore(Path.join(folder, name), into: environment.userHome, only: [], dryRun: dryRun)), nil)
            } catch {
                if Task.isCancelled { return (nil, "interrupted") }
                problem = problem ?? "\(name): \(error)"
            }
        }
        return (nil, problem)
    }
}

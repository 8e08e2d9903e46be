#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// backup create, list, verify, prune (restore has its own file): encrypted archives of the claudesh home, the pass store and the
/// client config, each with a manifest that verify checks every byte against.
enum BackupCommands {
    static let group = "Backups"

    @MainActor
    static var command: Command {
        Command(
            "backup", group: group, summary: "Encrypted backups: create, list, verify, restore, prune",
            discussion: """
            A backup is BACKUP_DIR/claude-backup-YYYYMMDD-HHMMSS.tar.gz.gpg (the backup-dir setting),
            encrypted to the gpg-id setting (else the pass store's keys). Its first member is a
            manifest of every file's path, size, mode and SHA-256. Plain gpg -d FILE | tar xzf -
            reads it.
            """,
            subcommands: [create, list, verify, restore, prune]
        )
    }

    /// Backup files of the backup folder, for completion.
    static let backupFiles = Completion.custom { input in
        let folder = input.context.settings.backupDir
        return ["latest"] + BackupArchive.names(in: folder)
    }

    /// The keys a backup is encrypted to: the gpg-id setting, else the pass store's.
    @MainActor
    static func recipients(_ context: SessionContext) throws -> [String] {
        if let id = context.settings.gpgID { return [id] }
        let store = SecretsAccess.store(context)
        guard !store.recipients.isEmpty else {
            throw ShellError.failed("no key to encrypt the backup to: set gpg-id KEY (gpg status lists your keys), or secrets init KEY")
        }
        return store.recipients
    }

    /// The backup FILE names: `latest` (the default) is the newest in `folder`; a bare name is
    /// looked up there; a path is taken as it is. Only files named as backups are accepted.
    static func chosenBackup(_ chosen: String?, in folder: String, names: [String], context: SessionContext) throws -> String {
        let chosen = chosen ?? "latest"
        if chosen == "latest" {
            guard let newest = names.last else { throw ShellError.failed("no backups in \(folder): make one with backup create") }
            return Path.join(folder, newest)
        }
        let path = chosen.contains("/") ? context.environment.absolutePath(chosen) : Path.join(folder, chosen)
        guard BackupArchive.isBackupName(Path.lastComponent(of: path)) else {
            throw ShellError.usage("'\(Path.lastComponent(of: path).clipped())' is not a backup's name (claude-backup-YYYYMMDD-HHMMSS.tar.gz.gpg)")
        }
        guard Path.kind(of: path) == .file else { throw ShellError.failed("no backup \(path)") }
        return path
    }

    static let create = Command(
        "create", group: group, summary: "Archive the backup set, encrypted, with its manifest; a failed stage leaves no file",
        discussion: "The set: the claudesh home without its backups/ and logs/, the pass store, Claude Desktop's config. Paths are stored relative to $HOME.",
        flags: [Flag("to", value: "DIR", "write into DIR instead of the backup-dir setting", completion: .directory), .json],
        examples: ["backup create", "backup create --to /media/usb/claude"]
    ) { invocation in
        let context = invocation.session.context
        let folder = invocation.arguments.value("to").map(context.environment.absolutePath) ?? context.settings.backupDir
        let recipients = try recipients(context)
        let standard = BackupSet.standard(context: context)
        if context.dryRun {
            invocation.output.line("would back up \(standard.roots.filter { Path.kind(of: $0) != .missing }.joined(separator: ", ")) into \(folder), encrypted to \(recipients.joined(separator: ", ")) (dry run)")
            return .success
        }
        try FileIO.makeDirectory(folder)
        let set = standard.excluding(folder: folder)
        let clock = ContinuousClock()
        let started = clock.now
        let live = !invocation.wantsJSON && isatty(2) == 1
        if live { Output.send("hashing the backup set…", to: 2) }
        let (manifest, stamps) = try set.manifest(now: Int(time(nil)))
        var report: (@Sendable (Int64) -> Void)?
        if live {
            let line = ProgressLine(label: "writing \(BackupArchive.name(at: manifest.created))")
            report = { bytes in line.show(bytes) }
        }
        let created = try await BackupArchive.create(manifest, set: set, stamps: stamps, folder: folder, recipients: recipients,
                                                     environment: SecretsAccess.environment(context).variables, progress: report)
        if live { ProgressLine.clear() }
        let seconds = max((clock.now - started).seconds, 0.001)
        var index = BackupIndex(folder: folder)
        index[Path.lastComponent(of: created.path)] = BackupIndex.Record(members: created.members, verifiedAt: nil, verifiedWhole: nil)
        try? index.save()
        if invocation.wantsJSON {
            invocation.output.json(.object([("path", .string(created.path)), ("members", .int(created.members)), ("bytes", .int(Int(created.bytes)))]))
        } else {
            invocation.output.line("Created \(created.path): \(created.members) members, \(Units.size(created.bytes)) in \(Units.seconds(seconds)) (\(Units.rate(created.bytes, seconds: seconds))), encrypted to \(recipients.joined(separator: ", "))")
        }
        return .success
    }

    static let list = Command(
        "list", aliases: ["ls"], group: group, summary: "The backups: date, size, members, last verify",
        flags: [Flag("to", value: "DIR", "list DIR instead of the backup-dir setting", completion: .directory), .json],
        examples: ["backup list"]
    ) { invocation in
        let context = invocation.session.context
        let folder = invocation.arguments.value("to").map(context.environment.absolutePath) ?? context.settings.backupDir
        let index = BackupIndex(folder: folder)
        let names = BackupArchive.names(in: folder)
        var rows: [[String]] = []
        var items: [JSONValue] = []
        for name in names {
            var info = stat()
            let size = stat(Path.join(folder, name), &info) == 0 ? Int64(info.st_size) : 0
            let record = index[name]
            let verified = record?.verifiedAt.map { "\(Units.date($0)) " + (record?.verifiedWhole == true ? "whole" : "DAMAGED") } ?? "never"
            let stamp = name.dropFirst(BackupArchive.prefix.count).prefix(15)
            let date = "\(stamp.prefix(4))-\(stamp.dropFirst(4).prefix(2))-\(stamp.dropFirst(6).prefix(2)) \(stamp.dropFirst(9).prefix(2)):\(stamp.dropFirst(11).prefix(2)):\(stamp.dropFirst(13).prefix(2))"
            rows.append([name, date, Units.size(size), record.map { String($0.members) } ?? "?", verified])
            items.append(.object([
                ("name", .string(name)), ("path", .string(Path.join(folder, name))), ("bytes", .int(Int(size))),
                ("members", record.map { .int($0.members) } ?? .null), ("verified_at", record?.verifiedAt.map { .int($0) } ?? .null),
                ("verified_whole", record?.verifiedWhole.map(JSONValue.bool) ?? .null),
            ]))
        }
        if invocation.wantsJSON {
            invocation.output.json(.object([("folder", .string(folder)), ("backups", .array(items))]))
        } else if rows.isEmpty {
            invocation.output.line("No backups in \(folder). Make one: backup create")
        } else {
            invocation.output.line(Table(headers: ["BACKUP", "DATE", "SIZE", "MEMBERS", "LAST VERIFIED"], rows: rows).render())
        }
        return .success
    }

    static let verify = Command(
        "verify", group: group, summary: "Decrypt as a stream and check every member against the manifest (exit 1 on any difference)",
        arguments: [Argument("FILE", "a backup, or latest (default)", completion: backupFiles, optional: true)],
        flags: [Flag("all", "every backup in the folder"), Flag("to", value: "DIR", "the backups in DIR instead of the backup-dir setting", completion: .directory), .json],
        examples: ["backup verify", "backup verify claude-backup-20261125-020000.tar.gz.gpg", "backup verify --all"]
    ) { invocation in
        let context = invocation.session.context
        let folder = invocation.arguments.value("to").map(context.environment.absolutePath) ?? context.settings.backupDir
        let names = BackupArchive.names(in: folder)
        var paths: [String]
        if invocation.arguments.has("all") {
            paths = names.map { Path.join(folder, $0) }
        } else {
            paths = [try chosenBackup(invocation.arguments.positional(0), in: folder, names: names, context: context)]
        }
        guard !paths.isEmpty else { throw ShellError.failed("no backups in \(folder): make one with backup create") }
        var results: [BackupArchive.Verification] = []
        for path in paths {
            let live = !invocation.wantsJSON && isatty(2) == 1
            var report: (@Sendable (Int64) -> Void)?
            if live {
                let line = ProgressLine(label: "verifying \(Path.lastComponent(of: path))")
                report = { bytes in line.show(bytes) }
            }
            let result = try await BackupArchive.verify(path, environment: SecretsAccess.environment(context).variables, progress: report)
            if live { ProgressLine.clear() }
            results.append(result)
            // The verdict is kept for backups in the backup folder only, and only when the backup
            // could be read: a missing key says nothing of it.
            if Path.directory(of: path) == folder, result.checked {
                var index = BackupIndex(folder: folder)
                let name = Path.lastComponent(of: path)
                // A damaged backup may stop before its members: keep the count its creation recorded.
                let members = result.isWhole ? result.members : index[name]?.members ?? result.members
                index[name] = BackupIndex.Record(members: members, verifiedAt: Int(time(nil)), verifiedWhole: result.isWhole)
                try? index.save()
            }
            if !invocation.wantsJSON {
                if !result.checked {
                    invocation.output.line(invocation.output.styled("\(path): could not be read", .red))
                    for problem in result.problems { invocation.output.line("  \(problem)") }
                } else if result.isWhole {
                    invocation.output.line("\(path): whole, \(result.members) members match the manifest")
                } else {
                    invocation.output.line(invocation.output.styled("\(path): DAMAGED", .red))
                    for problem in result.problems.prefix(10) { invocation.output.line("  \(problem)") }
                    if result.problems.count > 10 { invocation.output.line("  … and \(result.problems.count - 10) more") }
                }
            }
        }
        if invocation.wantsJSON {
            invocation.output.json(.array(results.map { result in
                .object([("path", .string(result.path)), ("checked", .bool(result.checked)), ("whole", .bool(result.isWhole)), ("members", .int(result.members)), ("problems", .array(result.problems.map(JSONValue.string)))])
            }))
        }
        return results.allSatisfy(\.isWhole) ? .success : .failure
    }

    static let prune = Command(
        "prune", group: group, summary: "Delete old backups: keep the last 30, or what --keep-* says; never the newest that verified",
        discussion: "Only files named as backups are considered. --dry-run shows the plan and deletes nothing.",
        flags: [
            Flag("keep-last", value: "N", "keep the N newest"),
            Flag("keep-daily", value: "N", "keep the newest of each of the last N days that have one"),
            Flag("keep-weekly", value: "N", "keep the newest of each of the last N weeks that have one"),
            Flag("dry-run", "show what would be deleted, delete nothing"),
            Flag("to", value: "DIR", "prune DIR instead of the backup-dir setting", completion: .directory),
            .json,
        ],
        examples: ["backup prune --dry-run", "backup prune --keep-daily 7 --keep-weekly 4"]
    ) { invocation in
        let context = invocation.session.context
        let arguments = invocation.arguments
        let folder = arguments.value("to").map(context.environment.absolutePath) ?? context.settings.backupDir
        func count(_ flag: String) throws -> Int? {
            guard let text = arguments.value(flag) else { return nil }
            guard let value = Int(text), value >= 0, value <= 100_000 else { throw ShellError.usage("--\(flag) takes a number of backups, not '\(text.clipped())'") }
            return value
        }
        let retention = BackupRetention(keepLast: try count("keep-last"), keepDaily: try count("keep-daily"), keepWeekly: try count("keep-weekly"))
        var index = BackupIndex(folder: folder)
        let names = BackupArchive.names(in: folder)
        let newestWhole = names.filter { index[$0]?.verifiedWhole == true }.max()
        let plan = retention.plan(names, verifiedWhole: newestWhole)
        let dryRun = context.dryRun || arguments.has("dry-run")
        var deleted: [String] = []
        if !dryRun {
            for name in plan.delete {
                // By name in the folder, never through a pattern or a shell: spaces and odd
                // characters in the folder's path are just bytes.
                if unlink(Path.join(folder, name)) == 0 { deleted.append(name) } else {
                    invocation.session.report("cannot delete \(Path.join(folder, name)): \(FileError("delete", name).reason)")
                }
            }
            try? index.save()
        }
        if invocation.wantsJSON {
            invocation.output.json(.object([
                ("folder", .string(folder)), ("dry_run", .bool(dryRun)),
                ("keep", .array(plan.keep.map(JSONValue.string))), ("delete", .array((dryRun ? plan.delete : deleted).map(JSONValue.string))),
            ]))
        } else {
            for name in plan.delete { invocation.output.line((dryRun ? "would delete " : "deleted ") + name) }
            invocation.output.line("\(plan.keep.count) kept, \(dryRun ? plan.delete.count : deleted.count) \(dryRun ? "to delete (dry run: nothing deleted)" : "deleted") in \(folder)")
        }
        return deleted.count == plan.delete.count || dryRun ? .success : .failure
    }
}

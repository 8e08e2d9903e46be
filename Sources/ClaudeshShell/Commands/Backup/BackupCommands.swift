#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// backup create, list, verify, prune (restore has its own file): encrypted archives of the claudesh home, the pass store and the
/// client config, each with a manifest that verify checks every byte against.
enum BackupCommands {
    static let group = CommandGroup.backups

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

    static let create = Command(
        "create", group: group, summary: "Archive the backup set, encrypted, with its manifest; a failed stage leaves no file",
        discussion: """
        The set: Claude Desktop's config, ~/.claude.json, Claude Code's settings.json and
        settings.local.json, the pass store, and claudesh's own files (claudeshrc, scripts/, the
        compose file, the last known good config); plus the backup-include setting's paths, less
        backup-exclude's. Claude Code's working data (transcripts, caches, logs, credentials) is
        left out. --dry-run lists the set with sizes. Paths are stored relative to $HOME.
        """,
        flags: [
            Flag("to", value: "DIR", "write into DIR instead of the backup-dir setting", completion: .directory),
            Flag("dry-run", "list what the backup would hold, each path with its size, and the total; write nothing"), .json,
        ],
        examples: ["backup create", "backup create --dry-run", "backup create --to /media/usb/claude"]
    ) { invocation in
        let workspace = invocation.workspace
        let folder = workspace.backupFolder(invocation.arguments.value("to"))
        let recipients = try workspace.backupRecipients()
        if workspace.dryRun || invocation.arguments.has("dry-run") {
            let (roots, total) = try workspace.measureBackupSet(into: folder)
            if invocation.wantsJSON {
                invocation.output.json(.object([
                    ("folder", .string(folder)), ("recipients", .array(recipients.map(JSONValue.string))),
                    ("paths", .array(roots.map { .object([("path", .string($0.path)), ("bytes", .int(Int($0.bytes))), ("files", .int($0.files))]) })),
                    ("bytes", .int(Int(total.bytes))), ("files", .int(total.files)),
                ]))
                return .success
            }
            let width = roots.map { $0.path.count }.max() ?? 0
            for root in roots {
                invocation.output.line("  \(root.path)\(String(repeating: " ", count: width - root.path.count))  \(Units.size(root.bytes))  \(root.files) file\(root.files == 1 ? "" : "s")")
            }
            invocation.output.line("would back up \(Units.size(total.bytes)) in \(total.files) file\(total.files == 1 ? "" : "s") into \(folder), encrypted to \(recipients.joined(separator: ", ")) (dry run)")
            return .success
        }
        let clock = ContinuousClock()
        let started = clock.now
        let live = !invocation.wantsJSON && isatty(2) == 1
        let output = invocation.output
        let created = try await workspace.createBackup(into: folder, recipients: { recipients }, hashing: { @MainActor in
            if live { output.ask("hashing the backup set…") }
        }, writing: { @MainActor name in
            guard live else { return nil }
            let line = ProgressLine(label: "writing \(name)", output: output)
            return { bytes in line.show(bytes) }
        })
        if live { ProgressLine.clear(invocation.output) }
        let seconds = max((clock.now - started).seconds, 0.001)
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
        let workspace = invocation.workspace
        let folder = workspace.backupFolder(invocation.arguments.value("to"))
        var rows: [[String]] = []
        var items: [JSONValue] = []
        for backup in workspace.backups(in: folder) {
            let (name, size, record) = (backup.name, backup.bytes, backup.record)
            let verified = record?.verifiedAt.map { "\(Units.date($0)) " + (record?.verifiedWhole == true ? "whole" : "DAMAGED") } ?? "never"
            let stamp = name.dropFirst(BackupArchive.prefix.count).prefix(15)
            let date = "\(stamp.prefix(4))-\(stamp.dropFirst(4).prefix(2))-\(stamp.dropFirst(6).prefix(2)) \(stamp.dropFirst(9).prefix(2)):\(stamp.dropFirst(11).prefix(2)):\(stamp.dropFirst(13).prefix(2))"
            rows.append([name, date, Units.size(size), record.map { String($0.members) } ?? "?", verified])
            items.append(.object([
                ("name", .string(name)), ("path", .string(backup.path)), ("bytes", .int(Int(size))),
                ("members", record.map { .int($0.members) } ?? .null), ("verified_at", record?.verifiedAt.map { .int($0) } ?? .null),
                ("verified_whole", record?.verifiedWhole.map(JSONValue.bool) ?? .null),
            ]))
        }
        if invocation.wantsJSON {
            invocation.output.json(.object([("folder", .string(folder)), ("backups", .array(items))]))
        } else if rows.isEmpty {
            invocation.output.line("No backups in \(folder). Make one: backup create")
        } else {
            invocation.output.line(Table(headers: ["BACKUP", "DATE", "SIZE", "MEMBERS", "LAST VERIFIED"], rows: rows, width: invocation.terminalWidth).render())
        }
        return .success
    }

    static let verify = Command(
        "verify", group: group, summary: "Decrypt as a stream and check every member against the manifest (exit 1 on any difference)",
        arguments: [Argument("FILE", "a backup, or latest (default)", completion: .backupFiles, optional: true)],
        flags: [Flag("all", "every backup in the folder"), Flag("to", value: "DIR", "the backups in DIR instead of the backup-dir setting", completion: .directory), .json],
        examples: ["backup verify", "backup verify claude-backup-20261125-020000.tar.gz.gpg", "backup verify --all"]
    ) { invocation in
        let workspace = invocation.workspace
        let folder = workspace.backupFolder(invocation.arguments.value("to"))
        var paths: [String]
        if invocation.arguments.has("all") {
            paths = BackupArchive.names(in: folder).map { Path.join(folder, $0) }
        } else {
            paths = [try workspace.backup(invocation.arguments.positional(0), in: folder)]
        }
        guard !paths.isEmpty else { throw ShellError.failed("no backups in \(folder): make one with backup create") }
        var results: [BackupArchive.Verification] = []
        for path in paths {
            let live = !invocation.wantsJSON && isatty(2) == 1
            var report: (@Sendable (Int64) -> Void)?
            if live {
                let line = ProgressLine(label: "verifying \(Path.lastComponent(of: path))", output: invocation.output)
                report = { bytes in line.show(bytes) }
            }
            let result = try await workspace.verifyBackup(path, in: folder, progress: report)
            if live { ProgressLine.clear(invocation.output) }
            results.append(result)
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
        return results.allSatisfy { $0.isWhole } ? .success : .failure
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
        let workspace = invocation.workspace
        let arguments = invocation.arguments
        let folder = workspace.backupFolder(arguments.value("to"))
        func count(_ flag: String) throws -> Int? {
            guard let text = arguments.value(flag) else { return nil }
            guard let value = Int(text), value >= 0, value <= 100_000 else { throw ShellError.usage("--\(flag) takes a number of backups, not '\(text.clipped())'") }
            return value
        }
        let retention = BackupRetention(keepLast: try count("keep-last"), keepDaily: try count("keep-daily"), keepWeekly: try count("keep-weekly"))
        let dryRun = workspace.dryRun || arguments.has("dry-run")
        let pruned = workspace.pruneBackups(in: folder, retention: retention, dryRun: dryRun)
        let (plan, deleted) = (pruned.plan, pruned.deleted)
        for failure in pruned.failures { invocation.session.report("cannot delete \(failure.path): \(failure.reason)") }
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

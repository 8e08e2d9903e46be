#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// backup restore: verify, stage, show the plan, confirm, save what it replaces, apply.
extension BackupCommands {
    /// Where the files a restore replaces are saved, under the backup folder: in the same format,
    /// but never taken for `latest` nor pruned with the backups.
    static let beforeRestoreFolder = "before-restore"

    static let restore = Command(
        "restore", group: group, summary: "Verify a backup, show what it would change, confirm, restore; what it replaces is backed up first",
        discussion: """
        Into the home by default, or into DIR with --to. The backup is verified as it is read, its
        files staged in a private folder inside the target; nothing is applied unless every member
        matches the manifest. The plan lists what is new, changed and unchanged against the live
        files; files not in the backup are left alone. Every file it replaces is first saved to
        BACKUP_DIR/before-restore/, which restores like any backup. Members with unsafe names,
        links that point outside the target, and anything under a link are refused.
        """,
        arguments: [Argument("FILE", "a backup, or latest (default)", completion: backupFiles, optional: true)],
        flags: [
            Flag("only", value: "PATH", "restore only PATH and what is under it (as stored: .password-store/claude, or ~/.password-store/claude); repeatable", repeatable: true),
            Flag("to", value: "DIR", "restore into DIR instead of the home", completion: .directory),
            Flag("missing-only", "restore only what the target lacks; replace nothing (what recover does)"),
            Flag("dry-run", "verify and show the plan; write nothing"),
            .json,
        ],
        examples: [
            "backup restore --dry-run", "backup restore latest --only .password-store",
            "backup restore claude-backup-20261125-020000.tar.gz.gpg --to /tmp/restored",
        ]
    ) { invocation in
        let session = invocation.session
        let context = session.context
        let arguments = invocation.arguments
        let environment = context.environment
        let folder = context.settings.backupDir
        let path = try chosenBackup(arguments.positional(0), in: folder, names: BackupArchive.names(in: folder), context: context)
        let home = environment.userHome
        let target = arguments.value("to").map(environment.absolutePath) ?? home
        // Stored paths are relative to the home: ~/x and /home/me/x name x.
        let only = try arguments.values("only").map { given -> String in
            guard given.hasPrefix("/") || given.hasPrefix("~") else { return given }
            let absolute = environment.absolutePath(given)
            guard absolute.hasPrefix(home + "/") else { throw ShellError.usage("--only \(given.clipped()) is not under the home (\(home)): a backup's paths are relative to it") }
            return String(absolute.dropFirst(home.count + 1))
        }
        let dryRun = context.dryRun || arguments.has("dry-run")
        let gpgEnvironment = SecretsAccess.environment(context).variables

        let live = !invocation.wantsJSON && isatty(2) == 1
        var report: (@Sendable (Int64) -> Void)?
        if live {
            let line = ProgressLine(label: "verifying \(Path.lastComponent(of: path))")
            report = { bytes in line.show(bytes) }
        }
        // Anything written into a folder that has something in it is asked about first.
        let targetWasEmpty = Path.kind(of: target) != .directory || Directory.entries(of: target).isEmpty
        let restore: BackupRestore
        do {
            restore = try await BackupRestore.prepare(path, target: target, only: only, dryRun: dryRun, environment: gpgEnvironment, progress: report)
            if live { ProgressLine.clear() }
        } catch {
            if live { ProgressLine.clear() }
            throw error
        }
        let plan = restore.plan
        let missingOnly = arguments.has("missing-only")
        let toWrite = plan.new.count + (missingOnly ? 0 : plan.changed.count)
        if !invocation.wantsJSON {
            invocation.output.line("\(path): whole, \(restore.verification.members) members match the manifest")
            render(plan, output: invocation.output)
            if missingOnly && !plan.changed.isEmpty { invocation.output.line("--missing-only: the \(plan.changed.count) changed are left as they are") }
        }

        var saved: BackupArchive.Created?
        var applied = BackupRestore.Applied()
        if !dryRun && toWrite > 0 {
            let savedFolder = Path.join(folder, beforeRestoreFolder)
            let replaced = missingOnly ? 0 : plan.replaced.count
            // The key is settled before the question, so that a yes is not followed by "no key".
            // On a new machine neither the setting nor the store exists yet (the restore brings
            // them): the key that decrypted the backup is the one to use.
            var recipients: [String] = []
            if replaced > 0 {
                do {
                    recipients = try BackupCommands.recipients(context)
                } catch {
                    guard let key = restore.verification.decryptedWith else { throw error }
                    recipients = [key]
                }
            }
            if !targetWasEmpty {
                try session.confirm("Restore \(toWrite) item\(toWrite == 1 ? "" : "s") into \(target)"
                    + (replaced > 0 ? ", replacing \(replaced) (saved first in \(savedFolder))?" : "?"), onStandardError: invocation.wantsJSON)
            }
            if !missingOnly { saved = try await restore.saveReplaced(into: savedFolder, recipients: recipients, environment: gpgEnvironment) }
            applied = try restore.apply(missingOnly: missingOnly)
        }

        if invocation.wantsJSON {
            invocation.output.json(.object([
                ("backup", .string(path)), ("target", .string(target)), ("dry_run", .bool(dryRun)),
                ("new", .array(plan.new.map { .string($0.item.path) })),
                ("changed", .array(plan.changed.map { step in .object([("path", .string(step.item.path)), ("what", .string(reason(step.change)))]) })),
                ("unchanged", .int(plan.unchanged.count)),
                ("refused", .array(plan.refused.map { step in .object([("path", .string(step.item.path)), ("why", .string(reason(step.change)))]) })),
                ("written", .array(applied.written.map(JSONValue.string))),
                ("skipped", .array(applied.skipped.map { .object([("path", .string($0.path)), ("why", .string($0.reason))]) })),
                ("saved", saved.map { .string($0.path) } ?? .null),
            ]))
        } else if dryRun {
            invocation.output.line("Dry run: nothing was written.")
        } else if toWrite == 0 {
            invocation.output.line("Nothing to restore: the live files already match the backup.")
        } else {
            for skipped in applied.skipped { invocation.output.line("  skipped  \(skipped.path) (\(skipped.reason))") }
            invocation.output.line("Restored \(applied.written.count) item\(applied.written.count == 1 ? "" : "s") into \(target).")
            if let saved {
                let undo = "backup restore \(Tokenizer.quoted(saved.path))" + (target == home ? "" : " --to \(Tokenizer.quoted(target))")
                let count = plan.replaced.count
                invocation.output.line("Saved the \(count == 1 ? "item" : "\(count) items") it replaced in \(saved.path); to put \(count == 1 ? "it" : "them") back: \(undo)")
            }
        }
        return plan.refused.isEmpty && applied.skipped.isEmpty ? .success : .failure
    }

    /// The plan as lines: new, changed and refused items (the first few of each), then counts.
    @MainActor
    static func render(_ plan: RestorePlan, output: Output) {
        let shown = 20
        for (label, steps) in [("new", plan.new), ("changed", plan.changed), ("refused", plan.refused)] {
            for step in steps.prefix(shown) {
                let detail = step.change == .new ? "" : " (\(reason(step.change)))"
                output.line("  \(label + String(repeating: " ", count: 9 - label.count))\(step.item.path)\(detail)")
            }
            if steps.count > shown { output.line("  … and \(steps.count - shown) more \(label) (--json lists them all)") }
        }
        output.line("\(plan.new.count) new, \(plan.changed.count) changed, \(plan.unchanged.count) unchanged, \(plan.refused.count) refused, into \(plan.target)")
    }

    static func reason(_ change: RestorePlan.Change) -> String {
        switch change {
        case .changed(let what): return what
        case .refused(let why): return why
        case .new: return "new"
        case .unchanged: return "unchanged"
        }
    }
}

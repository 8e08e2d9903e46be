#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// backup restore: verify, stage, show the plan, confirm, save what it replaces, apply.
extension BackupCommands {
    static let restore = Command(
        "restore", group: group, summary: "Verify a backup, show what it would change, confirm, restore; what it replaces is backed up first",
        discussion: """
        Into the home by default, or into DIR with --to. The backup is verified as it is read, its
        files staged in a private folder inside the target; nothing is applied unless every member
        matches the manifest. The plan lists what is new, changed and unchanged against the live
        files; files not in the backup are left alone. Every file it replaces is first saved to
        BACKUP_DIR/before-restore/, which restores like any backup. Members with unsafe names,
        links that point outside the target, and anything under a link are refused.
        A git repository (the pass store's .git) comes back whole or not at all: one the target
        has is kept as it is by default, and the secrets beside it come back as changes against
        its history; --replace-git puts the backup's in its place, whole (the current one is
        saved first like every file it replaces). The plan says which.
        """,
        arguments: [Argument("FILE", "a backup, or latest (default)", completion: .backupFiles, optional: true)],
        flags: [
            Flag("only", value: "PATH", "restore only PATH and what is under it (as stored: .password-store/claude, or ~/.password-store/claude)", repeatable: true),
            Flag("to", value: "DIR", "restore into DIR instead of the home", completion: .directory),
            Flag("missing-only", "restore only what the target lacks; replace nothing (what recover does)"),
            Flag("replace-git", "replace a git repository the target has (the store's .git) whole with the backup's, rather than keep it"),
            Flag("dry-run", "verify and show the plan; write nothing"),
            .yes,
            .json,
        ],
        examples: [
            "backup restore --dry-run", "backup restore latest --only .password-store",
            "backup restore claude-backup-20261125-020000.tar.gz.gpg --to /tmp/restored",
        ]
    ) { invocation in
        let workspace = invocation.workspace
        let arguments = invocation.arguments
        let folder = workspace.settings.backupDir
        let path = try workspace.backup(arguments.positional(0), in: folder)
        let home = workspace.environment.userHome
        let target = arguments.value("to").map(workspace.environment.absolutePath) ?? home
        let only = try workspace.pathsInBackup(arguments.values("only"))
        let dryRun = workspace.dryRun || arguments.has("dry-run")
        let git: RestorePlan.GitHandling = arguments.has("replace-git") ? .replace : .keep
        guard git == .keep || !arguments.has("missing-only") else {
            throw ShellError.usage("--replace-git replaces and --missing-only replaces nothing: choose one")
        }

        let live = !invocation.wantsJSON && isatty(2) == 1
        var report: (@Sendable (Int64) -> Void)?
        if live {
            let line = ProgressLine(label: "verifying \(Path.lastComponent(of: path))", output: invocation.output)
            report = { bytes in line.show(bytes) }
        }
        // Anything written into a folder that has something in it is asked about first.
        let targetWasEmpty = Path.kind(of: target) != .directory || Directory.entries(of: target).isEmpty
        let restore: BackupRestore
        do {
            restore = try await workspace.prepareRestore(path, into: target, only: only, git: git, dryRun: dryRun, progress: report)
            if live { ProgressLine.clear(invocation.output) }
        } catch {
            if live { ProgressLine.clear(invocation.output) }
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
            let savedFolder = Path.join(folder, Workspace.beforeRestoreFolder)
            let replaced = missingOnly ? 0 : plan.replaced.count
            // The key is settled before the question, so that a yes is not followed by "no key".
            let recipients = replaced > 0 ? try workspace.recipients(savingFor: restore) : []
            if !targetWasEmpty {
                try invocation.confirm("Restore \(toWrite) item\(toWrite == 1 ? "" : "s") into \(target)"
                    + (replaced > 0 ? ", replacing \(replaced) (saved first in \(savedFolder))?" : "?"), onStandardError: invocation.wantsJSON)
            }
            if !missingOnly { saved = try await workspace.saveReplaced(by: restore, recipients: recipients) }
            applied = try restore.apply(missingOnly: missingOnly)
        }

        if invocation.wantsJSON {
            invocation.output.json(.object([
                ("backup", .string(path)), ("target", .string(target)), ("dry_run", .bool(dryRun)),
                ("new", .array(plan.new.map { .string($0.item.path) })),
                ("changed", .array(plan.changed.map { step in .object([("path", .string(step.item.path)), ("what", .string(reason(step.change)))]) })),
                ("unchanged", .int(plan.unchanged.count)),
                ("refused", .array(plan.refused.map { step in .object([("path", .string(step.item.path)), ("why", .string(reason(step.change)))]) })),
                ("git", .array(plan.repositories.map { .object([("path", .string($0.path)), ("action", .string(action($0.action)))]) })),
                ("written", .array(applied.written.map(JSONValue.string))),
                ("skipped", .array(applied.skipped.map { .object([("path", .string($0.path)), ("why", .string($0.reason))]) })),
                ("saved", saved.map { .string($0.path) } ?? .null),
            ]))
        } else if dryRun {
            invocation.output.line("Dry run: nothing was written.")
        } else if toWrite == 0 && !plan.refused.isEmpty {
            invocation.output.line("Nothing restored: every item that differs was refused (listed above).")
        } else if toWrite == 0 {
            invocation.output.line("Nothing to restore: the live files already match the backup.")
        } else {
            for skipped in applied.skipped { invocation.output.line("  skipped  \(skipped.path) (\(skipped.reason))") }
            invocation.output.line("Restored \(applied.written.count) item\(applied.written.count == 1 ? "" : "s") into \(target).")
            if let saved {
                let undo = "backup restore \(ScriptWord.quoted(saved.path))" + (target == home ? "" : " --to \(ScriptWord.quoted(target))")
                let count = plan.replaced.count
                invocation.output.line("Saved the \(count == 1 ? "item" : "\(count) items") it replaced in \(saved.path); to put \(count == 1 ? "it" : "them") back: \(undo)")
            }
        }
        return plan.refused.isEmpty && applied.skipped.isEmpty ? .success : .failure
    }

    /// The plan as lines: each git repository and what happens to it, new, changed and refused
    /// items (the first few of each, a repository's own shown as that one line), then counts.
    @MainActor
    static func render(_ plan: RestorePlan, output: Output) {
        let shown = 20
        for repository in plan.repositories {
            output.line("  git      \(repository.path): \(describe(repository.action))")
        }
        let inRepository = { (step: RestorePlan.Step) in plan.repositories.contains { $0.action != .restoredWhole && $0.holds(step.item.path) } }
        for (label, steps) in [("new", plan.new), ("changed", plan.changed), ("refused", plan.refused)] {
            let steps = steps.filter { !inRepository($0) || $0.change.isRefused }
            for step in steps.prefix(shown) {
                let detail = step.change == .new ? "" : " (\(reason(step.change)))"
                output.line("  \(label + String(repeating: " ", count: 9 - label.count))\(step.item.path)\(detail)")
            }
            if steps.count > shown { output.line("  … and \(steps.count - shown) more \(label) (--json lists them all)") }
        }
        let kept = plan.kept.count
        output.line("\(plan.new.count) new, \(plan.changed.count) changed, \(plan.unchanged.count) unchanged, \(kept > 0 ? "\(kept) kept, " : "")\(plan.refused.count) refused, into \(plan.target)")
    }

    static func describe(_ action: RestorePlan.Repository.Action) -> String {
        switch action {
        case .restoredWhole: return "restored whole (the target has none)"
        case .kept: return "kept as it is, not rewound (--replace-git puts the backup's in its place, whole)"
        case .replacedWhole: return "replaced whole by the backup's: refs, index and objects together (the current one is saved first)"
        }
    }

    static func action(_ action: RestorePlan.Repository.Action) -> String {
        switch action {
        case .restoredWhole: return "restored"
        case .kept: return "kept"
        case .replacedWhole: return "replaced"
        }
    }

    static func reason(_ change: RestorePlan.Change) -> String {
        switch change {
        case .changed(let what): return what
        case .refused(let why): return why
        case .new: return "new"
        case .unchanged: return "unchanged"
        case .kept: return "kept"
        }
    }
}

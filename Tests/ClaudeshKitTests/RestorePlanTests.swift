import Foundation
import Testing
@testable import ClaudeshKit

/// The restore plan against a real folder: what is new, changed, unchanged, and what is refused
/// because it would write outside the target.
@Suite
struct RestorePlanTests {
    func file(_ path: String, _ content: String, mode: UInt32 = 0o644) -> BackupManifest.Item {
        var hasher = SHA256()
        hasher.update(Array(content.utf8)[...])
        return .init(path: path, kind: .file, size: Int64(content.utf8.count), mode: mode, sha256: hasher.finalize())
    }

    func folder(_ path: String, mode: UInt32 = 0o755) -> BackupManifest.Item { .init(path: path, kind: .directory, size: 0, mode: mode) }
    func link(_ path: String, _ target: String) -> BackupManifest.Item { .init(path: path, kind: .symlink, size: 0, mode: 0o777, target: target) }

    func plan(_ items: [BackupManifest.Item], _ target: String) throws -> RestorePlan {
        try RestorePlan(BackupManifest(created: 0, items: items), target: target)
    }

    func change(_ plan: RestorePlan, _ path: String) -> RestorePlan.Change? {
        plan.steps.first { $0.item.path == path }?.change
    }

    func isRefused(_ change: RestorePlan.Change?) -> Bool {
        if case .refused? = change { return true }
        return false
    }

    /// A `.git` folder is one unit: one the target lacks comes back whole; one it has is kept,
    /// or with `.replace` replaced whole (every item new, the live folder among what is saved);
    /// one chosen only in part is never replaced.
    @Test func aGitRepositoryIsKeptOrReplacedWhole() throws {
        let target = temporaryFolder("plan")
        defer { try? FileManager.default.removeItem(atPath: target) }
        let items = [
            folder("store"), file("store/.gpg-id", "key\n"), folder("store/.git"), file("store/.git/HEAD", "ref: refs/heads/main\n"),
            folder("store/.git/refs"), file("store/.git/refs/main", "abc\n"), file("store/a.gpg", "a"),
        ]
        let manifest = BackupManifest(created: 0, items: items)
        let missing = try RestorePlan(manifest, target: target, git: .keep)
        #expect(missing.repositories == [RestorePlan.Repository(path: "store/.git", action: .restoredWhole)])
        #expect(change(missing, "store/.git/HEAD") == .new)

        try FileManager.default.createDirectory(atPath: target + "/store/.git/refs", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: target + "/store/.git/HEAD", contents: Data("ref: refs/heads/main\n".utf8))
        _ = FileManager.default.createFile(atPath: target + "/store/.git/refs/main", contents: Data("def\n".utf8))
        let kept = try RestorePlan(manifest, target: target, git: .keep)
        #expect(kept.repositories == [RestorePlan.Repository(path: "store/.git", action: .kept)])
        #expect(kept.steps.filter { $0.item.path.hasPrefix("store/.git") }.allSatisfy { $0.change == .kept })
        #expect(change(kept, "store/a.gpg") == .new)
        #expect(kept.replaced.isEmpty, "nothing of the repository is replaced")

        let replaced = try RestorePlan(manifest, target: target, git: .replace)
        #expect(replaced.repositories == [RestorePlan.Repository(path: "store/.git", action: .replacedWhole)])
        #expect(replaced.steps.filter { $0.item.path.hasPrefix("store/.git") }.allSatisfy { $0.change == .new })
        #expect(replaced.replaced == [target + "/store/.git"], "the live repository goes into the safety backup whole")

        let part = try RestorePlan(manifest, only: ["store/.git/refs"], target: target, git: .replace)
        #expect(part.repositories == [RestorePlan.Repository(path: "store/.git", action: .kept)])
    }

    @Test func liveFilesAreComparedByContentModeAndKind() throws {
        let target = temporaryFolder("plan")
        defer { try? FileManager.default.removeItem(atPath: target) }
        let manager = FileManager.default
        try manager.createDirectory(atPath: target + "/a", withIntermediateDirectories: true)
        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: target + "/a")
        _ = manager.createFile(atPath: target + "/a/same", contents: Data("same\n".utf8), attributes: [.posixPermissions: 0o644])
        _ = manager.createFile(atPath: target + "/a/edited", contents: Data("edited\n".utf8), attributes: [.posixPermissions: 0o644])
        _ = manager.createFile(atPath: target + "/a/sized", contents: Data("other\n".utf8), attributes: [.posixPermissions: 0o644]) // same size, other bytes
        _ = manager.createFile(atPath: target + "/a/mode", contents: Data("mode\n".utf8), attributes: [.posixPermissions: 0o600])
        try manager.createSymbolicLink(atPath: target + "/a/was-link", withDestinationPath: "same")
        try manager.createSymbolicLink(atPath: target + "/a/link", withDestinationPath: "same")
        try manager.createDirectory(atPath: target + "/a/folder-in-the-way", withIntermediateDirectories: true)
        _ = manager.createFile(atPath: target + "/file-in-the-way", contents: Data())

        let plan = try plan([
            folder("a"), file("a/same", "same\n"), file("a/edited", "original\n"), file("a/sized", "sized\n"), file("a/mode", "mode\n"),
            file("a/was-link", "x"), link("a/link", "same"), link("a/new-link", "same"), file("a/new", "new"),
            file("a/folder-in-the-way", "x"), folder("file-in-the-way"), file("file-in-the-way/child", "x"), folder("fresh", mode: 0o700),
        ], target)
        #expect(change(plan, "a") == .unchanged)
        #expect(change(plan, "a/same") == .unchanged)
        #expect(change(plan, "a/edited") == .changed("content"))
        #expect(change(plan, "a/sized") == .changed("content"), "same size, other bytes: the hash tells")
        #expect(change(plan, "a/mode") == .changed("mode 600 → 644"))
        #expect(change(plan, "a/was-link") == .changed("replaces a link"))
        #expect(change(plan, "a/link") == .unchanged)
        #expect(change(plan, "a/new-link") == .new)
        #expect(change(plan, "a/new") == .new)
        #expect(change(plan, "fresh") == .new)
        #expect(isRefused(change(plan, "a/folder-in-the-way")), "a folder is never replaced by a file")
        #expect(isRefused(change(plan, "file-in-the-way")))
        #expect(change(plan, "file-in-the-way/child") == .refused("its folder file-in-the-way is not restored"))
        #expect(plan.replaced.sorted() == [target + "/a/edited", target + "/a/mode", target + "/a/sized", target + "/a/was-link"])
    }

    @Test func namesAndLinksThatLeaveTheTargetAreRefused() throws {
        let target = temporaryFolder("plan")
        let outside = temporaryFolder("outside")
        defer {
            try? FileManager.default.removeItem(atPath: target)
            try? FileManager.default.removeItem(atPath: outside)
        }
        try FileManager.default.createSymbolicLink(atPath: target + "/live-link", withDestinationPath: outside)
        let plan = try plan([
            file("/etc/passwd", "x"), file("../up", "x"), file("a/../../up", "x"), file("a//b", "x"), file("./a", "x"),
            link("up", "../x"), link("deep/up", "../../x"), link("abs", "/etc"), link("empty", ""),
            link("ok-up", "sub/../x"), link("deep/ok", "../x"), link("inside-abs", target + "/x"),
            link("hop", "."), link("through-hop", "hop/../../x"),
            link("abs-through-later", target + "/later/later/../../../etc"), link("later", "."),
            link("nul", "/etc/passwd\u{0}/../../x"), file("a\u{0}b", "x"), folder("\u{0}"), file(".claudesh-restore-1-x/y", "x"),
            file("up/file", "x"), folder("live-link"), file("live-link/file", "x"), file("live-link/deeper/file", "x"),
        ], target)
        for path in ["/etc/passwd", "../up", "a/../../up", "a//b", "./a"] {
            #expect(change(plan, path) == .refused("an unsafe name"), "\(path)")
        }
        #expect(change(plan, "up") == .refused("a link to ../x, outside \(target)"))
        #expect(change(plan, "deep/up") == .refused("a link to ../../x, outside \(target)"))
        #expect(change(plan, "abs") == .refused("a link to /etc, outside \(target)"))
        #expect(change(plan, "empty") == .refused("a link with no target"))
        #expect(isRefused(change(plan, "ok-up")), "up through sub, which does not exist: a link the restore makes there would decide where it leads")
        #expect(change(plan, "deep/ok") == .new)
        #expect(change(plan, "inside-abs") == .new)
        #expect(change(plan, "hop") == .new)
        #expect(change(plan, "through-hop") == .refused("a link to hop/../../x, which goes on through another link of the backup"),
                "read as written it stays inside; through hop (.) it would go up twice from the target")
        #expect(isRefused(change(plan, "abs-through-later")), "later does not exist yet; once made (a link to .) the target would lead to /etc")
        #expect(change(plan, "nul") == .refused("a link whose target holds control characters"))
        #expect(change(plan, "a\u{0}b") == .refused("an unsafe name"))
        #expect(change(plan, "\u{0}") == .refused("an unsafe name"), "a NUL would make the name the target itself")
        #expect(change(plan, ".claudesh-restore-1-x/y") == .refused("a name claudesh keeps for its own staging folders"))
        #expect(change(plan, "up/file") == .refused("it is under up, a link, which a restore never writes through"))
        #expect(isRefused(change(plan, "live-link")), "a live link to outside is not a folder of the target")
        #expect(isRefused(change(plan, "live-link/file")))
        #expect(isRefused(change(plan, "live-link/deeper/file")), "a folder still to be made lands where the links above it lead")
    }

    @Test func onlySelectsPathsAndTheFoldersAboveThem() throws {
        let manifest = BackupManifest(created: 0, items: [
            folder(".store"), folder(".store/claude"), file(".store/claude/a.gpg", "a"), file(".store/other.gpg", "o"),
            folder(".config"), file(".config/x", "x"), folder(".config-old"), file(".config-old/y", "y"),
        ])
        #expect(try RestorePlan.selection(manifest, only: []).count == 8)
        #expect(try RestorePlan.selection(manifest, only: ["./.store/claude/"]).map(\.path) == [".store", ".store/claude", ".store/claude/a.gpg"])
        #expect(try RestorePlan.selection(manifest, only: [".config"]).map(\.path) == [".config", ".config/x"], "a name, not a prefix of a name")
        #expect(throws: RestorePlan.Error.self) { try RestorePlan.selection(manifest, only: [".store/nothing"]) }
    }
}

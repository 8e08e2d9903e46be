@testable import ClaudeshKit
import Foundation
import Testing

/// backup restore on real gpg and gzip: the plan, the confirm, the safety backup, --only, --to,
/// and archives made by hand to escape the target. Each test whose backups claudesh writes runs
/// with GNU tar and with bsdtar first on PATH.
extension BackupTests {
    /// The staging folders a restore leaves behind in `folder` (there should be none).
    func stagingLeft(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix(".claudesh-restore-") }
    }

    func modificationTime(_ path: String) throws -> Date {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
    }

    @Test(arguments: TestTar.allCases) func aRestoreShowsItsPlanKeepsWhatItReplacesAndPutsTheTreeBackByteForByte(_ tar: TestTar) throws {
        let fixture = try makeHome(tar, bigFile: true)
        defer { fixture.stop() }
        #expect(try fixture.run(["backup", "create"]).status == 0)
        try expectWritten(by: tar, try #require(backups(fixture).first), fixture)
        let data = fixture.home + "/.claude/scripts/data"
        let original = try tree(data)
        let originalStore = try tree(fixture.storeDirectory)
        let originalTime = try modificationTime(data + "/plain.txt")
        // Break things: changed content, a deleted file, a mode, a link's target, a secret.
        try "changed by hand\n".write(toFile: data + "/plain.txt", atomically: false, encoding: .utf8)
        try FileManager.default.removeItem(atPath: data + "/with space.txt")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: data + "/ünïcödé.txt")
        try FileManager.default.removeItem(atPath: data + "/link")
        try FileManager.default.createSymbolicLink(atPath: data + "/link", withDestinationPath: "elsewhere")
        try FileManager.default.removeItem(atPath: fixture.storeDirectory + "/claude/token.gpg")
        try "kept\n".write(toFile: data + "/not in the backup.txt", atomically: false, encoding: .utf8)
        let broken = try tree(data)

        let planned = try fixture.run(["backup", "restore", "--dry-run"])
        #expect(planned.status == 0, "\(planned.stdout)\(planned.stderr)")
        #expect(planned.stdout.contains("whole"), "\(planned.stdout)")
        #expect(planned.stdout.contains("new      .claude/scripts/data/with space.txt"), "\(planned.stdout)")
        #expect(planned.stdout.contains("new      store/claude/token.gpg"), "\(planned.stdout)")
        #expect(planned.stdout.contains("changed  .claude/scripts/data/plain.txt (content)"), "\(planned.stdout)")
        #expect(planned.stdout.contains("changed  .claude/scripts/data/ünïcödé.txt (mode 600 → 755)"), "\(planned.stdout)")
        #expect(planned.stdout.contains("changed  .claude/scripts/data/link (points elsewhere)"), "\(planned.stdout)")
        #expect(planned.stdout.contains("changed  .claude/scripts/data/hard link.txt (content)"), "a hard link of plain.txt: the same file changed")
        #expect(planned.stdout.contains("2 new, 4 changed, "), "\(planned.stdout)")
        #expect(try tree(data) == broken, "a dry run writes nothing")
        #expect(stagingLeft(in: fixture.home).isEmpty)

        // Without a terminal and without --yes, nothing is applied.
        let unconfirmed = try fixture.run(["backup", "restore"])
        #expect(unconfirmed.status == 1 && unconfirmed.stderr.contains("--yes"), "\(unconfirmed.stderr)")
        #expect(try tree(data) == broken)
        #expect(stagingLeft(in: fixture.home).isEmpty, "the staging folder is removed when the restore cannot ask")

        // --yes after the command answers as well as before it.
        let restored = try fixture.run(["backup", "restore", "--yes"])
        #expect(restored.status == 0, "\(restored.stdout)\(restored.stderr)")
        var expected = original
        expected["not in the backup.txt"] = .file(mode: 0o644, bytes: Data("kept\n".utf8))
        #expect(try tree(data) == expected, "byte for byte, mode for mode; files not in the backup are left alone")
        #expect(try tree(fixture.storeDirectory) == originalStore)
        #expect(Int(try modificationTime(data + "/plain.txt").timeIntervalSince1970) == Int(originalTime.timeIntervalSince1970), "the time it had (in whole seconds, as tar keeps it)")
        #expect(stagingLeft(in: fixture.home).isEmpty)
        #expect(try fixture.run(["secrets", "show", "claude/token", "--reveal"]).stdout.contains("abc123"))

        // What it replaced is in before-restore/, and restores like any backup.
        let saved = fixture.home + "/backups/claude/before-restore"
        let safety = try #require(try FileManager.default.contentsOfDirectory(atPath: saved).first { BackupArchive.isBackupName($0) })
        try expectWritten(by: tar, saved + "/" + safety, fixture)
        #expect(restored.stdout.contains("Saved the 4 items it replaced in \(saved)/\(safety); to put them back: backup restore \(saved)/\(safety)"), "\(restored.stdout)")
        #expect(!(try fixture.run(["backup", "list"]).stdout.contains(safety)), "never listed, pruned or taken for latest with the backups")
        let undo = fixture.home + "/undo"
        let undone = try fixture.run(["backup", "restore", saved + "/" + safety, "--to", undo])
        #expect(undone.status == 0, "\(undone.stdout)\(undone.stderr)")
        #expect(try String(contentsOfFile: undo + "/.claude/scripts/data/plain.txt", encoding: .utf8) == "changed by hand\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: undo + "/.claude/scripts/data/link") == "elsewhere")
        #expect(!FileManager.default.fileExists(atPath: undo + "/.claude/scripts/data/big.bin"), "only what was replaced")

        // The whole backup into a new folder: the same tree, a time before 1970 included.
        let copy = fixture.home + "/copy"
        let copied = try fixture.run(["backup", "restore", "--to", copy])
        #expect(copied.status == 0, "\(copied.stdout)\(copied.stderr)")
        #expect(try tree(copy + "/.claude/scripts/data") == original)
        #expect(try modificationTime(copy + "/.claude/scripts/data/old.txt").timeIntervalSince1970 == -315_619_200)

        // Restored again, nothing differs.
        let again = try fixture.run(["--yes", "backup", "restore"])
        #expect(again.status == 0 && again.stdout.contains("Nothing to restore"), "\(again.stdout)\(again.stderr)")
    }

    /// The store's git after a full restore over a store with a newer secret: kept, or replaced
    /// whole with --replace-git; either way git's refs, index and objects agree with the files.
    @Test func theStoresGitIsKeptOrReplacedWholeNeverRewoundUnderNewerSecrets() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        try fixture.makeKeyAndStore()
        try fixture.insert("claude/old", "first")
        #expect(try fixture.run(["backup", "create"]).status == 0)
        try fixture.insert("claude/new", "second")
        func git(_ arguments: [String]) throws -> Claudesh.Result {
            try Claudesh.runProgram("/usr/bin/git", ["-C", fixture.storeDirectory] + arguments, environment: Claudesh.environment(home: fixture.home))
        }
        let newest = try git(["rev-parse", "HEAD"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        let planned = try fixture.run(["backup", "restore", "--dry-run"])
        #expect(planned.stdout.contains("git      store/.git: kept as it is, not rewound"), "\(planned.stdout)")
        #expect(!planned.stdout.contains("store/.git/"), "one line for the repository: \(planned.stdout)")
        let kept = try fixture.run(["--yes", "backup", "restore"])
        #expect(kept.status == 0, "\(kept.stdout)\(kept.stderr)")
        #expect(try git(["status", "--porcelain"]).stdout == "", "the files agree with the store's history")
        #expect(try git(["fsck", "--no-progress"]).status == 0)
        #expect(try git(["rev-parse", "HEAD"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == newest)

        let replacing = try fixture.run(["backup", "restore", "--dry-run", "--replace-git"])
        #expect(replacing.stdout.contains("git      store/.git: replaced whole by the backup's"), "\(replacing.stdout)")
        let replaced = try fixture.run(["--yes", "backup", "restore", "--replace-git"])
        #expect(replaced.status == 0, "\(replaced.stdout)\(replaced.stderr)")
        #expect(try git(["status", "--porcelain"]).stdout == "?? claude/new.gpg\n", "the backup's history, and the newer secret a file it does not know")
        let fsck = try git(["fsck", "--no-progress", "--full"])
        #expect(fsck.status == 0, "\(fsck.stdout)\(fsck.stderr)")
        #expect(try git(["cat-file", "-e", newest]).status != 0, "nothing of the replaced repository is mixed in")
        #expect(try git(["log", "--oneline"]).stdout.contains("claude/old"))
        #expect(stagingLeft(in: fixture.home).isEmpty)
        // The replaced repository is in the safety backup, whole.
        let saved = fixture.home + "/backups/claude/before-restore"
        let safety = try #require(try FileManager.default.contentsOfDirectory(atPath: saved).filter { BackupArchive.isBackupName($0) }.sorted().last)
        let undo = fixture.home + "/undo"
        #expect(try fixture.run(["backup", "restore", saved + "/" + safety, "--to", undo]).status == 0)
        #expect(try Claudesh.runProgram("/usr/bin/git", ["-C", undo + "/store", "rev-parse", "HEAD"], environment: Claudesh.environment(home: fixture.home)).stdout.contains(newest))

        let conflicting = try fixture.run(["backup", "restore", "--replace-git", "--missing-only"])
        #expect(conflicting.status == 2, "\(conflicting.stderr)")
    }

    @Test(arguments: TestTar.allCases) func onlyAndToRestoreThePathsNamedIntoAnotherFolder(_ tar: TestTar) throws {
        let fixture = try makeHome(tar)
        defer { fixture.stop() }
        #expect(try fixture.run(["backup", "create"]).status == 0)
        try expectWritten(by: tar, try #require(backups(fixture).first), fixture)
        let target = fixture.home + "/elsewhere"
        let result = try fixture.run(["backup", "restore", "--only", ".claude/scripts/data/plain.txt", "--only", "~/.config/Claude", "--to", target, "--json"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(try String(contentsOfFile: target + "/.claude/scripts/data/plain.txt", encoding: .utf8) == "content of plain.txt\n")
        #expect(FileManager.default.fileExists(atPath: target + "/.config/Claude/claude_desktop_config.json"))
        #expect(try tree(target + "/.claude/scripts/data").keys.sorted() == ["plain.txt"])
        #expect(!FileManager.default.fileExists(atPath: target + "/store"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((json["written"] as? [String])?.contains(".claude/scripts/data/plain.txt") == true, "\(json)")
        #expect(json["saved"] is NSNull, "nothing was replaced, so nothing was saved")
        #expect(stagingLeft(in: target).isEmpty)

        let nothing = try fixture.run(["backup", "restore", "--only", "no/such/path", "--to", target])
        #expect(nothing.status == 1 && nothing.stderr.contains("holds nothing at no/such/path"), "\(nothing.stderr)")
        let outside = try fixture.run(["backup", "restore", "--only", "/etc/passwd", "--to", target])
        #expect(outside.status == 2 && outside.stderr.contains("not under the home"), "\(outside.stderr)")
        #expect(stagingLeft(in: target).isEmpty)
    }

    @Test(arguments: TestTar.allCases) func aDamagedOrUnreadableBackupRestoresNothing(_ tar: TestTar) throws {
        let fixture = try makeHome(tar)
        defer { fixture.stop() }
        #expect(try fixture.run(["backup", "create"]).status == 0)
        try expectWritten(by: tar, try #require(backups(fixture).first), fixture)
        let archive = try #require(backups(fixture).first)
        let plain = fixture.home + "/.claude/scripts/data/plain.txt"
        try "changed\n".write(toFile: plain, atomically: false, encoding: .utf8)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: archive))
        bytes[bytes.count - 40] ^= 0x55
        let damaged = fixture.home + "/claude-backup-20200101-000000.tar.gz.gpg"
        try bytes.write(to: URL(fileURLWithPath: damaged))
        let refused = try fixture.run(["--yes", "backup", "restore", damaged])
        #expect(refused.status == 1 && refused.stderr.contains("does not verify, so nothing was restored"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: plain, encoding: .utf8) == "changed\n")
        #expect(stagingLeft(in: fixture.home).isEmpty)
        // Another keyring: the backup cannot be read, which is said as such.
        let other = SecretsFixture()
        defer { other.stop() }
        try other.makeKeyAndStore(email: "other@claudesh.local")
        let unreadable = try Claudesh.run(["--yes", "backup", "restore", archive], home: fixture.home, extra: other.environment)
        #expect(unreadable.status == 1 && unreadable.stderr.contains("could not be read"), "\(unreadable.stderr)")
        #expect(try String(contentsOfFile: plain, encoding: .utf8) == "changed\n")
        #expect(stagingLeft(in: fixture.home).isEmpty)
    }

    /// An archive made with Python's tarfile, its manifest listing every member with its true
    /// hash, encrypted to the fixture's key: only the restore's own rules stand in the way.
    func handMadeBackup(_ fixture: SecretsFixture, members: String, name: String) throws -> String {
        let script = """
        import hashlib, io, json, sys, tarfile
        members = json.loads(sys.argv[1])
        items, entries = [], []
        for m in members:
            info = tarfile.TarInfo(m["path"])
            info.mode = 0o644
            if m["kind"] == "directory":
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                items.append({"path": m["path"], "kind": "directory", "size": 0, "mode": "755"})
                entries.append((info, None))
            elif m["kind"] == "symlink":
                info.type, info.linkname = tarfile.SYMTYPE, m["target"]
                items.append({"path": m["path"], "kind": "symlink", "size": 0, "mode": "644", "target": m["target"]})
                entries.append((info, None))
            else:
                data = m["content"].encode()
                info.size = len(data)
                items.append({"path": m["path"], "kind": "file", "size": len(data), "mode": "644", "sha256": hashlib.sha256(data).hexdigest()})
                entries.append((info, data))
        manifest = json.dumps({"format": 1, "created": 1700000000, "items": items}).encode()
        out = io.BytesIO()
        with tarfile.open(fileobj=out, mode="w:gz", format=tarfile.GNU_FORMAT) as tar:
            head = tarfile.TarInfo(".claudesh-backup-manifest.json")
            head.size = len(manifest)
            tar.addfile(head, io.BytesIO(manifest))
            for info, data in entries:
                tar.addfile(info, io.BytesIO(data) if data is not None else None)
        sys.stdout.buffer.write(out.getvalue())
        """
        let folder = fixture.home + "/hand made"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/" + name
        let made = try Claudesh.runProgram("/bin/sh", ["-c", "python3 -c \"$0\" \"$1\" | gpg --batch --yes -e -r test@claudesh.local -o \"$2\"", script, members, path],
                                           environment: Claudesh.environment(home: fixture.home, extra: fixture.environment))
        #expect(made.status == 0, "\(made.stderr)")
        return path
    }

    @Test func aHandMadeArchiveCannotWriteOutsideTheTarget() throws {
        let fixture = try makeHome()
        defer { fixture.stop() }
        let target = fixture.home + "/target"
        let outside = fixture.home + "/outside"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let absolute = outside + "/absolute.txt"

        // Names that leave the target: the backup does not verify, and nothing is written.
        let names = try handMadeBackup(fixture, members: """
            [{"path": "\(absolute)", "kind": "file", "content": "absolute"},
             {"path": "../outside/dotdot.txt", "kind": "file", "content": "dotdot"},
             {"path": "fine.txt", "kind": "file", "content": "fine"}]
            """, name: "claude-backup-20200101-000000.tar.gz.gpg")
        let refused = try fixture.run(["--yes", "backup", "restore", names, "--to", target])
        #expect(refused.status == 1 && refused.stderr.contains("unsafe member name"), "\(refused.stdout)\(refused.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: target).isEmpty, "nothing at all is applied from a backup that does not verify")

        // A link out of the target and a file through it, and an absolute link and a file
        // through that: a whole archive, whose every member matches its manifest.
        let links = try handMadeBackup(fixture, members: """
            [{"path": "escape", "kind": "symlink", "target": "../outside"},
             {"path": "escape/through.txt", "kind": "file", "content": "through"},
             {"path": "abs", "kind": "symlink", "target": "\(outside)"},
             {"path": "abs/through.txt", "kind": "file", "content": "through"},
             {"path": "inside", "kind": "symlink", "target": "fine.txt"},
             {"path": "fine.txt", "kind": "file", "content": "fine"}]
            """, name: "claude-backup-20200101-000001.tar.gz.gpg")
        let planned = try fixture.run(["backup", "restore", links, "--to", target, "--dry-run"])
        #expect(planned.status == 1, "refused members make the exit status 1")
        #expect(planned.stdout.contains("refused  escape (a link to ../outside, outside \(target))"), "\(planned.stdout)")
        #expect(planned.stdout.contains("refused  escape/through.txt (it is under escape, a link"), "\(planned.stdout)")
        #expect(planned.stdout.contains("refused  abs (a link to \(outside), outside \(target))"), "\(planned.stdout)")
        #expect(planned.stdout.contains("refused  abs/through.txt"), "\(planned.stdout)")
        let applied = try fixture.run(["--yes", "backup", "restore", links, "--to", target])
        #expect(applied.status == 1, "\(applied.stdout)\(applied.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty, "nothing written outside the target")
        #expect(try String(contentsOfFile: target + "/fine.txt", encoding: .utf8) == "fine")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: target + "/inside") == "fine.txt")
        #expect(try FileManager.default.contentsOfDirectory(atPath: target).sorted() == ["fine.txt", "inside"])

        // A folder of the target that is a link to outside it is not written through either.
        let linked = fixture.home + "/linked-target"
        try FileManager.default.createDirectory(atPath: linked, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: linked + "/sub", withDestinationPath: outside)
        let through = try handMadeBackup(fixture, members: """
            [{"path": "sub/file.txt", "kind": "file", "content": "x"}]
            """, name: "claude-backup-20200101-000002.tar.gz.gpg")
        let live = try fixture.run(["--yes", "backup", "restore", through, "--to", linked])
        #expect(live.status == 1 && live.stdout.contains("refused  sub/file.txt (its folder sub leads to"), "\(live.stdout)\(live.stderr)")
        #expect(live.stdout.contains("Nothing restored: every item that differs was refused (listed above).") && !live.stdout.contains("already match"), "\(live.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
        #expect(stagingLeft(in: target).isEmpty && stagingLeft(in: linked).isEmpty)
    }

    @Test func aLinkInTheTargetCannotCarryTheBackupsLinksOutside() throws {
        let fixture = try makeHome()
        defer { fixture.stop() }
        let target = fixture.home + "/target"
        let outside = fixture.home + "/out"
        try FileManager.default.createDirectory(atPath: target + "/a", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: target + "/real", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: outside)
        // The user's own link inside the target: a/L is real/. Read as written, a/L/X -> ../../out
        // stays inside; made through a/L it would be real/X -> ../../out, which is outside.
        try FileManager.default.createSymbolicLink(atPath: target + "/a/L", withDestinationPath: "../real")
        let archive = try handMadeBackup(fixture, members: """
            [{"path": "a/L/X", "kind": "symlink", "target": "../../out"},
             {"path": "real/X", "kind": "directory"},
             {"path": "real/X/evil.txt", "kind": "file", "content": "evil"}]
            """, name: "claude-backup-20200101-000003.tar.gz.gpg")
        let result = try fixture.run(["--yes", "backup", "restore", archive, "--to", target])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("refused  a/L/X (a link to ../../out, outside \(target))"), "\(result.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty, "nothing written outside the target")
        #expect((try FileManager.default.attributesOfItem(atPath: outside)[.posixPermissions] as? Int) == 0o700)
        // real/X/evil.txt itself is inside the target, in a folder made for it: that is allowed.
        #expect(try String(contentsOfFile: target + "/real/X/evil.txt", encoding: .utf8) == "evil")

        // A link that leads out only through a link the same restore makes after it: b is
        // judged while x does not exist; once x (a link to .) is made, b would lead to out.
        let later = try handMadeBackup(fixture, members: """
            [{"path": "b", "kind": "symlink", "target": "\(target)/x/x/../../../out"},
             {"path": "c", "kind": "symlink", "target": "real/y/../../../out"},
             {"path": "x", "kind": "symlink", "target": "."},
             {"path": "real/y", "kind": "symlink", "target": ".."}]
            """, name: "claude-backup-20200101-000004.tar.gz.gpg")
        let chained = try fixture.run(["--yes", "backup", "restore", later, "--to", target])
        #expect(chained.status == 1, "\(chained.stdout)\(chained.stderr)")
        for name in ["b", "c"] {
            let made = try? FileManager.default.destinationOfSymbolicLink(atPath: target + "/" + name)
            let leads = made.flatMap { _ in (target + "/" + name).withCString { realpath($0, nil) }.map { String(cString: $0) } }
            #expect(leads.map { !$0.hasPrefix(outside) } ?? true, "\(name) leads outside: \(leads ?? "")")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
    }

    @Test func aStagingFolderNameInTheBackupCannotMakeTheNextRestoreDeleteAnything() throws {
        let fixture = try makeHome()
        defer { fixture.stop() }
        let target = fixture.home + "/target"
        try FileManager.default.createDirectory(atPath: target + "/precious", withIntermediateDirectories: true)
        try "keep me\n".write(toFile: target + "/precious/file", atomically: false, encoding: .utf8)
        // A link named like the staging folder of a restore whose process is gone.
        let archive = try handMadeBackup(fixture, members: """
            [{"path": ".claudesh-restore-999999999-abcdef", "kind": "symlink", "target": "precious"}]
            """, name: "claude-backup-20200101-000005.tar.gz.gpg")
        let first = try fixture.run(["--yes", "backup", "restore", archive, "--to", target])
        #expect(first.status == 1 && first.stdout.contains("a name claudesh keeps for its own staging folders"), "\(first.stdout)")
        // And one made by hand is not taken for abandoned staging either: only a real 0700 folder is.
        try FileManager.default.createSymbolicLink(atPath: target + "/.claudesh-restore-999999999-ghijkl", withDestinationPath: "precious")
        _ = try fixture.run(["--yes", "backup", "restore", archive, "--to", target])
        #expect(try String(contentsOfFile: target + "/precious/file", encoding: .utf8) == "keep me\n")
    }

    @Test(arguments: TestTar.allCases) func aFullDiskDuringARestoreLeavesNoStagingAndNothingApplied(_ tar: TestTar) throws {
        let fixture = try makeHome(tar)
        defer { fixture.stop() }
        _ = try Claudesh.runProgram("/bin/sh", ["-c", "head -c 3000000 /dev/urandom > \"$0\"", fixture.home + "/.claude/scripts/data/three-mb.bin"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(try fixture.run(["backup", "create"]).status == 0)
        try expectWritten(by: tar, try #require(backups(fixture).first), fixture)
        let full = fixture.home + "/full"
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        let mounted = try Claudesh.runProgram("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", full], environment: ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin"])
        #expect(mounted.status == 0, "mount a small tmpfs: \(mounted.stderr)")
        defer { _ = try? Claudesh.runProgram("/bin/umount", [full], environment: ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin"]) }
        let result = try fixture.run(["--yes", "backup", "restore", "--to", full])
        #expect(result.status == 1 && result.stderr.contains("No space left on device"), "\(result.stdout)\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: full).isEmpty, "no staging folder, no partial file, nothing applied")
    }

    @Test(arguments: TestTar.allCases) func filesOnAnotherFileSystemInsideTheTargetAreCopiedIntoPlace(_ tar: TestTar) throws {
        let fixture = try makeHome(tar)
        defer { fixture.stop() }
        #expect(try fixture.run(["backup", "create"]).status == 0)
        try expectWritten(by: tar, try #require(backups(fixture).first), fixture)
        // .claude/scripts/data is its own tmpfs: the staged files cannot be renamed or linked into it.
        let target = fixture.home + "/target"
        let mountPoint = target + "/.claude/scripts/data"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mounted = try Claudesh.runProgram("/bin/mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", mountPoint], environment: ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin"])
        #expect(mounted.status == 0, "mount a tmpfs: \(mounted.stderr)")
        defer { _ = try? Claudesh.runProgram("/bin/umount", [mountPoint], environment: ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin"]) }
        let first = try fixture.run(["--yes", "backup", "restore", "--to", target])
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(try tree(mountPoint) == (try tree(fixture.home + "/.claude/scripts/data")), "new files copied across, modes kept")
        try "changed\n".write(toFile: mountPoint + "/plain.txt", atomically: false, encoding: .utf8)
        let second = try fixture.run(["--yes", "backup", "restore", "--to", target])
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        #expect(try String(contentsOfFile: mountPoint + "/plain.txt", encoding: .utf8) == "content of plain.txt\n", "a changed file replaced across")
        #expect(try FileManager.default.contentsOfDirectory(atPath: mountPoint).allSatisfy { !$0.contains(".restore-") }, "no temporary left")
    }

    @Test(arguments: TestTar.allCases) func jsonStaysJSONWhenTheRestoreAsks(_ tar: TestTar) throws {
        let fixture = try makeHome(tar)
        defer { fixture.stop() }
        #expect(try fixture.run(["backup", "create"]).status == 0)
        try expectWritten(by: tar, try #require(backups(fixture).first), fixture)
        try "changed\n".write(toFile: fixture.home + "/.claude/scripts/data/plain.txt", atomically: false, encoding: .utf8)
        let result = try fixture.run(["--yes", "backup", "restore", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
        #expect((json["written"] as? [String])?.contains(".claude/scripts/data/plain.txt") == true, "\(json)")
        #expect(json["saved"] is String)
        if let saved = json["saved"] as? String { try expectWritten(by: tar, saved, fixture) }
        #expect(result.stderr.contains("[y/N] yes (--yes)"), "the question goes to standard error")
    }

    @Test(arguments: TestTar.allCases) func answeringNoAtTheTerminalChangesNothingAndLeavesNoStaging(_ tar: TestTar) throws {
        let fixture = try makeHome(tar)
        defer { fixture.stop() }
        #expect(try fixture.run(["backup", "create"]).status == 0)
        try expectWritten(by: tar, try #require(backups(fixture).first), fixture)
        let plain = fixture.home + "/.claude/scripts/data/plain.txt"
        try "changed\n".write(toFile: plain, atomically: false, encoding: .utf8)
        let terminal = try PseudoTerminal([Claudesh.binary], environment: Claudesh.environment(home: fixture.home, extra: fixture.environment))
        try terminal.expect("claudesh> ")
        terminal.send("backup restore\r")
        try terminal.expect("[y/N] ", timeout: 60)
        #expect(!stagingLeft(in: fixture.home).isEmpty, "the files wait in the staging folder while the question is asked")
        terminal.send("n\r")
        let answered = try terminal.expect("claudesh [1]> ", timeout: 30)
        #expect(answered.contains("not confirmed"), "\(answered)")
        #expect(stagingLeft(in: fixture.home).isEmpty)
        #expect(try String(contentsOfFile: plain, encoding: .utf8) == "changed\n")
        terminal.send("exit\r")
        #expect(terminal.waitForExit() == 0)
    }

    @Test(arguments: TestTar.allCases) func aFolderWithoutWritePermissionIsOpenedForTheRestoreAndClosedAgain(_ tar: TestTar) throws {
        // As nobody: root ignores permissions, so only another user sees a 0500 folder as one.
        let base = Claudesh.temporaryFolder("claudesh-nobody")
        var template = Array("/tmp/cgn.XXXXXX".utf8CString)
        let gnupg = String(cString: mkdtemp(&template)!)
        defer {
            _ = try? Claudesh.runProgram("/usr/bin/setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "/usr/bin/gpgconf", "--kill", "gpg-agent"], environment: ["GNUPGHOME": gnupg, "PATH": "/usr/bin:/bin"])
            Claudesh.cleanUp(base)
            Claudesh.cleanUp(gnupg)
        }
        let home = base + "/home"
        try FileManager.default.createDirectory(atPath: home + "/.claude/scripts/ro", withIntermediateDirectories: true)
        try "original\n".write(toFile: home + "/.claude/scripts/ro/kept.txt", atomically: false, encoding: .utf8)
        try "original\n".write(toFile: home + "/.claude/scripts/ro/gone.txt", atomically: false, encoding: .utf8)
        for path in [base, home, home + "/.claude", home + "/.claude/scripts", home + "/.claude/scripts/ro", home + "/.claude/scripts/ro/kept.txt", home + "/.claude/scripts/ro/gone.txt", gnupg] {
            #expect(chown(path, 65534, 65534) == 0, "chown \(path) to nobody")
        }
        chmod(gnupg, 0o700)
        let environment = ["PATH": try tar.folder + ":/usr/bin:/bin", "HOME": home, "CLAUDESH_HOME": home + "/.claude", "GNUPGHOME": gnupg,
                           "PASSWORD_STORE_DIR": home + "/store", "LANG": "C.UTF-8", "NO_COLOR": "1"]
        let nobody = ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        func asNobody(_ arguments: [String]) throws -> Claudesh.Result {
            try Claudesh.runProgram(nobody[0], Array(nobody.dropFirst()) + [Claudesh.binary] + arguments, environment: environment)
        }
        #expect(try asNobody(["gpg", "keygen", "Nobody", "nobody@claudesh.local", "--algo", "ed25519", "--no-passphrase"]).status == 0)
        #expect(try asNobody(["secrets", "init", "nobody@claudesh.local"]).status == 0)
        chmod(home + "/.claude/scripts/ro", 0o500)
        let created = try asNobody(["backup", "create"])
        #expect(created.status == 0, "\(created.stdout)\(created.stderr)")
        let archive = try #require(BackupArchive.names(in: home + "/backups/claude").last.map { home + "/backups/claude/" + $0 })
        #expect(try TestTar.writer(of: archive, environment: environment, user: nobody) == tar, "written by \(tar.testDescription)")
        // Changed in place (a file's own mode allows it) and one deleted (by root: the folder is 0500).
        try "changed\n".write(toFile: home + "/.claude/scripts/ro/kept.txt", atomically: false, encoding: .utf8)
        try FileManager.default.removeItem(atPath: home + "/.claude/scripts/ro/gone.txt")
        let restored = try asNobody(["--yes", "backup", "restore"])
        #expect(restored.status == 0, "\(restored.stdout)\(restored.stderr)")
        #expect(try String(contentsOfFile: home + "/.claude/scripts/ro/kept.txt", encoding: .utf8) == "original\n")
        #expect(try String(contentsOfFile: home + "/.claude/scripts/ro/gone.txt", encoding: .utf8) == "original\n")
        #expect((try FileManager.default.attributesOfItem(atPath: home + "/.claude/scripts/ro")[.posixPermissions] as? Int) == 0o500, "closed again")
    }

    @Test(arguments: TestTar.allCases) func restoreNeverWritesIntoTheRoot(_ tar: TestTar) throws {
        let fixture = try makeHome(tar)
        defer { fixture.stop() }
        #expect(try fixture.run(["backup", "create"]).status == 0)
        try expectWritten(by: tar, try #require(backups(fixture).first), fixture)
        let result = try fixture.run(["--yes", "backup", "restore", "--to", "/"])
        #expect(result.status == 1 && result.stderr.contains("never writes into /"), "\(result.stderr)")
        let dots = try fixture.run(["--yes", "backup", "restore", "--to", "/tmp/../"])
        #expect(dots.status == 1 && dots.stderr.contains("never writes into /"), "\(dots.stderr)")
        // A link to / is / too.
        try FileManager.default.createSymbolicLink(atPath: fixture.home + "/rootlink", withDestinationPath: "/")
        let linked = try fixture.run(["--yes", "backup", "restore", "--to", fixture.home + "/rootlink"])
        #expect(linked.status == 1 && linked.stderr.contains("never writes into /"), "\(linked.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/.claude"))
    }
}

import ClaudeshKit
import Foundation
import Testing

/// backup restore on real gpg and gzip: the plan, the confirm, the safety backup, --only, --to,
/// and archives made by hand to escape the target.
extension BackupTests {
    /// The staging folders a restore leaves behind in `folder` (there should be none).
    func stagingLeft(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix(".claudesh-restore-") }
    }

    func modificationTime(_ path: String) throws -> Date {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
    }

    @Test func aRestoreShowsItsPlanKeepsWhatItReplacesAndPutsTheTreeBackByteForByte() throws {
        let fixture = try makeHome(bigFile: true)
        defer { fixture.stop() }
        #expect(try fixture.run(["backup", "create"]).status == 0)
        let data = fixture.home + "/.claude/data"
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
        #expect(planned.stdout.contains("new      .claude/data/with space.txt"), "\(planned.stdout)")
        #expect(planned.stdout.contains("new      store/claude/token.gpg"), "\(planned.stdout)")
        #expect(planned.stdout.contains("changed  .claude/data/plain.txt (content)"), "\(planned.stdout)")
        #expect(planned.stdout.contains("changed  .claude/data/ünïcödé.txt (mode 600 → 755)"), "\(planned.stdout)")
        #expect(planned.stdout.contains("changed  .claude/data/link (points elsewhere)"), "\(planned.stdout)")
        #expect(planned.stdout.contains("changed  .claude/data/hard link.txt (content)"), "a hard link of plain.txt: the same file changed")
        #expect(planned.stdout.contains("2 new, 4 changed, "), "\(planned.stdout)")
        #expect(try tree(data) == broken, "a dry run writes nothing")
        #expect(stagingLeft(in: fixture.home).isEmpty)

        // Without a terminal and without --yes, nothing is applied.
        let unconfirmed = try fixture.run(["backup", "restore"])
        #expect(unconfirmed.status == 1 && unconfirmed.stderr.contains("--yes"), "\(unconfirmed.stderr)")
        #expect(try tree(data) == broken)
        #expect(stagingLeft(in: fixture.home).isEmpty, "the staging folder is removed when the answer is no")

        let restored = try fixture.run(["--yes", "backup", "restore"])
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
        #expect(restored.stdout.contains("Saved the 4 items it replaced in \(saved)/\(safety); to put them back: backup restore \(saved)/\(safety)"), "\(restored.stdout)")
        #expect(!(try fixture.run(["backup", "list"]).stdout.contains(safety)), "never listed, pruned or taken for latest with the backups")
        let undo = fixture.home + "/undo"
        let undone = try fixture.run(["backup", "restore", saved + "/" + safety, "--to", undo])
        #expect(undone.status == 0, "\(undone.stdout)\(undone.stderr)")
        #expect(try String(contentsOfFile: undo + "/.claude/data/plain.txt", encoding: .utf8) == "changed by hand\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: undo + "/.claude/data/link") == "elsewhere")
        #expect(!FileManager.default.fileExists(atPath: undo + "/.claude/data/big.bin"), "only what was replaced")

        // Restored again, nothing differs.
        let again = try fixture.run(["--yes", "backup", "restore"])
        #expect(again.status == 0 && again.stdout.contains("Nothing to restore"), "\(again.stdout)\(again.stderr)")
    }

    @Test func onlyAndToRestoreThePathsNamedIntoAnotherFolder() throws {
        let fixture = try makeHome()
        defer { fixture.stop() }
        #expect(try fixture.run(["backup", "create"]).status == 0)
        let target = fixture.home + "/elsewhere"
        let result = try fixture.run(["backup", "restore", "--only", ".claude/data/plain.txt", "--only", "~/.config/Claude", "--to", target, "--json"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(try String(contentsOfFile: target + "/.claude/data/plain.txt", encoding: .utf8) == "content of plain.txt\n")
        #expect(FileManager.default.fileExists(atPath: target + "/.config/Claude/claude_desktop_config.json"))
        #expect(try tree(target + "/.claude/data").keys.sorted() == ["plain.txt"])
        #expect(!FileManager.default.fileExists(atPath: target + "/store"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((json["written"] as? [String])?.contains(".claude/data/plain.txt") == true, "\(json)")
        #expect(json["saved"] is NSNull, "nothing was replaced, so nothing was saved")
        #expect(stagingLeft(in: target).isEmpty)

        let nothing = try fixture.run(["backup", "restore", "--only", "no/such/path", "--to", target])
        #expect(nothing.status == 1 && nothing.stderr.contains("holds nothing at no/such/path"), "\(nothing.stderr)")
        let outside = try fixture.run(["backup", "restore", "--only", "/etc/passwd", "--to", target])
        #expect(outside.status == 2 && outside.stderr.contains("not under the home"), "\(outside.stderr)")
        #expect(stagingLeft(in: target).isEmpty)
    }

    @Test func aDamagedOrUnreadableBackupRestoresNothing() throws {
        let fixture = try makeHome()
        defer { fixture.stop() }
        #expect(try fixture.run(["backup", "create"]).status == 0)
        let archive = try #require(backups(fixture).first)
        let plain = fixture.home + "/.claude/data/plain.txt"
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
            if m["kind"] == "symlink":
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
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
        #expect(stagingLeft(in: target).isEmpty && stagingLeft(in: linked).isEmpty)
    }

    @Test func restoreNeverWritesIntoTheRoot() throws {
        let fixture = try makeHome()
        defer { fixture.stop() }
        #expect(try fixture.run(["backup", "create"]).status == 0)
        let result = try fixture.run(["--yes", "backup", "restore", "--to", "/"])
        #expect(result.status == 1 && result.stderr.contains("never writes into /"), "\(result.stderr)")
        let dots = try fixture.run(["--yes", "backup", "restore", "--to", "/tmp/../"])
        #expect(dots.status == 1 && dots.stderr.contains("never writes into /"), "\(dots.stderr)")
    }
}

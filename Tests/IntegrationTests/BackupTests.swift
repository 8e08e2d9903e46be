@testable import ClaudeshKit
import Foundation
import Testing

/// backup create, list and verify on real tar, gzip and gpg; each test that writes a backup runs
/// with GNU tar and with bsdtar first on PATH.
@Suite
struct BackupTests {
    /// A home with a key and store, and a tree of odd names, modes and an empty folder; with
    /// `tar` first on PATH for every run.
    func makeHome(_ tar: TestTar? = nil, bigFile: Bool = false) throws -> SecretsFixture {
        let fixture = SecretsFixture()
        if let tar { fixture.extra = try tar.environment }
        try fixture.makeKeyAndStore()
        try fixture.insert("claude/token", "abc123")
        let data = fixture.home + "/.claude/scripts/data"
        try FileManager.default.createDirectory(atPath: data + "/empty folder", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: fixture.home + "/.config/Claude", withIntermediateDirectories: true)
        try "{\"mcpServers\": {}}\n".write(toFile: fixture.home + "/.config/Claude/claude_desktop_config.json", atomically: true, encoding: .utf8)
        for (name, mode) in [("plain.txt", 0o644), ("with space.txt", 0o600), ("quote'd \"name\".txt", 0o640), ("ünïcödé.txt", 0o755)] {
            _ = FileManager.default.createFile(atPath: data + "/" + name, contents: Data("content of \(name)\n".utf8), attributes: [.posixPermissions: mode])
        }
        try FileManager.default.createSymbolicLink(atPath: data + "/link", withDestinationPath: "plain.txt")
        // A hard link: archived as a second file, which the manifest agrees with.
        try FileManager.default.linkItem(atPath: data + "/plain.txt", toPath: data + "/hard link.txt")
        // A time before 1970: GNU tar stores it in signed base-256.
        _ = FileManager.default.createFile(atPath: data + "/old.txt", contents: Data("old\n".utf8), attributes: [.modificationDate: Date(timeIntervalSince1970: -315_619_200)])
        try FileManager.default.createDirectory(atPath: fixture.home + "/.claude/logs", withIntermediateDirectories: true)
        try "not backed up\n".write(toFile: fixture.home + "/.claude/logs/x.log", atomically: true, encoding: .utf8)
        if bigFile {
            _ = try Claudesh.runProgram("/bin/sh", ["-c", "head -c 50000000 /dev/urandom > \"$0\"", data + "/big.bin"], environment: ["PATH": "/usr/bin:/bin"])
        }
        return fixture
    }

    /// The backup `archive` was written by `tar`.
    func expectWritten(by tar: TestTar, _ archive: String, _ fixture: SecretsFixture, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let environment = Claudesh.environment(home: fixture.home, extra: fixture.environment)
        #expect(try TestTar.writer(of: archive, environment: environment) == tar, "\(archive) was not written by \(tar.testDescription)", sourceLocation: sourceLocation)
    }

    func backups(_ fixture: SecretsFixture) -> [String] {
        let folder = fixture.home + "/backups/claude"
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".tar.gz.gpg") }.sorted().map { folder + "/" + $0 }
    }

    enum Node: Equatable {
        case file(mode: Int, bytes: Data)
        case directory(mode: Int)
        case link(String)
    }

    /// Every file under `folder` (relative path → bytes and mode), links as their targets.
    func tree(_ folder: String) throws -> [String: Node] {
        var result: [String: Node] = [:]
        let manager = FileManager.default
        for case let path as String in manager.enumerator(atPath: folder) ?? NSEnumerator() {
            let full = folder + "/" + path
            let attributes = try manager.attributesOfItem(atPath: full)
            let mode = (attributes[.posixPermissions] as? Int) ?? 0
            switch attributes[.type] as? FileAttributeType {
            case .typeSymbolicLink?: result[path] = .link(try manager.destinationOfSymbolicLink(atPath: full))
            case .typeDirectory?: result[path] = .directory(mode: mode)
            default: result[path] = .file(mode: mode, bytes: manager.contents(atPath: full) ?? Data())
            }
        }
        return result
    }

    @Test(arguments: TestTar.allCases) func aBackupRestoresByteForByteWithPlainGpgAndTar(_ tar: TestTar) throws {
        let fixture = try makeHome(tar, bigFile: true)
        defer { fixture.stop() }
        let created = try fixture.run(["backup", "create"])
        #expect(created.status == 0, "\(created.stdout)\(created.stderr)")
        let archive = try #require(backups(fixture).first)
        try expectWritten(by: tar, archive, fixture)
        let attributes = try FileManager.default.attributesOfItem(atPath: archive)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let verified = try fixture.run(["backup", "verify"])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.contains("whole"))
        // Interop: restored by hand, the tree is the same, byte for byte, mode for mode.
        let target = fixture.home + "/restored"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        let restored = try Claudesh.runProgram("/bin/sh", ["-c", "gpg --batch -d \"$0\" | tar xzf - -C \"$1\"", archive, target],
                                               environment: Claudesh.environment(home: fixture.home, extra: fixture.environment))
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(FileManager.default.fileExists(atPath: target + "/.claudesh-backup-manifest.json"))
        #expect(try tree(target + "/.claude/scripts/data") == (try tree(fixture.home + "/.claude/scripts/data")))
        #expect(FileManager.default.fileExists(atPath: target + "/store/claude/token.gpg"), "the pass store (PASSWORD_STORE_DIR)")
        #expect(FileManager.default.fileExists(atPath: target + "/.config/Claude/claude_desktop_config.json"))
        #expect(!FileManager.default.fileExists(atPath: target + "/.claude/logs"), "logs/ is not in the backup")
        let listed = try fixture.run(["backup", "list"])
        #expect(listed.stdout.contains("whole"), "\(listed.stdout)")
    }

    /// A backup written by one tar, with the other first on PATH: claudesh reads it with its own
    /// reader, and plain `gpg -d | tar xzf -` with that other tar extracts it.
    @Test(arguments: TestTar.allCases) func aBackupWrittenByOneTarVerifiesAndRestoresWithTheOther(_ tar: TestTar) throws {
        let fixture = try makeHome(tar)
        defer { fixture.stop() }
        let created = try fixture.run(["backup", "create"])
        #expect(created.status == 0, "\(created.stdout)\(created.stderr)")
        let archive = try #require(backups(fixture).first)
        try expectWritten(by: tar, archive, fixture)
        let original = try tree(fixture.home + "/.claude/scripts/data")
        fixture.extra = try tar.other.environment
        let version = try Claudesh.runProgram("/bin/sh", ["-c", "tar --version"], environment: Claudesh.environment(home: fixture.home, extra: fixture.environment))
        #expect(version.stdout.contains(tar.other == .gnu ? "GNU tar" : "bsdtar"), "\(version.stdout)")
        let verified = try fixture.run(["backup", "verify", archive])
        #expect(verified.status == 0 && verified.stdout.contains("whole"), "\(verified.stdout)\(verified.stderr)")
        let copy = fixture.home + "/copy"
        let restored = try fixture.run(["backup", "restore", archive, "--to", copy])
        #expect(restored.status == 0, "\(restored.stdout)\(restored.stderr)")
        #expect(try tree(copy + "/.claude/scripts/data") == original)
        #expect(try FileManager.default.attributesOfItem(atPath: copy + "/.claude/scripts/data/old.txt")[.modificationDate] as? Date == Date(timeIntervalSince1970: -315_619_200))
        // And by hand, with nothing but gpg and the other tar.
        let target = fixture.home + "/by-hand"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        let extracted = try Claudesh.runProgram("/bin/sh", ["-c", "gpg --batch -d \"$0\" | tar xzf - -C \"$1\"", archive, target],
                                                environment: Claudesh.environment(home: fixture.home, extra: fixture.environment))
        #expect(extracted.status == 0, "\(extracted.stderr)")
        #expect(try tree(target + "/.claude/scripts/data") == original)
        #expect(FileManager.default.fileExists(atPath: target + "/store/claude/token.gpg"))
        #expect(try FileManager.default.attributesOfItem(atPath: target + "/.claude/scripts/data/old.txt")[.modificationDate] as? Date == Date(timeIntervalSince1970: -315_619_200))
    }

    @Test(arguments: TestTar.allCases) func onATerminalLongWorkShowsItsProgressAndRate(_ tar: TestTar) throws {
        let fixture = try makeHome(tar, bigFile: true)
        defer { fixture.stop() }
        let terminal = try PseudoTerminal([Claudesh.binary], environment: Claudesh.environment(home: fixture.home, extra: fixture.environment))
        try terminal.expect("claudesh> ")
        terminal.send("backup create\r")
        try terminal.expect("writing claude-backup-", timeout: 120)
        let created = try terminal.expect("claudesh> ", timeout: 120)
        #expect(created.contains("/s"), "\(created)")
        #expect(created.contains("Created ") && created.contains(" s ("), "\(created)")
        terminal.send("backup verify\r")
        try terminal.expect("verifying claude-backup-", timeout: 120)
        let verified = try terminal.expect("claudesh> ", timeout: 120)
        #expect(verified.contains("whole"), "\(verified)")
        terminal.send("exit\r")
        #expect(terminal.waitForExit() == 0)
        try expectWritten(by: tar, try #require(backups(fixture).first), fixture)
    }

    @Test(arguments: TestTar.allCases) func everyFlippedByteAndACutArchiveFailVerify(_ tar: TestTar) throws {
        let fixture = try makeHome(tar)
        defer { fixture.stop() }
        #expect(try fixture.run(["backup", "create"]).status == 0)
        let archive = try #require(backups(fixture).first)
        try expectWritten(by: tar, archive, fixture)
        let original = try Data(contentsOf: URL(fileURLWithPath: archive))
        var generator = SplitMix64(seed: 0xC1A0DE) // the same trials on every run
        // Copies under a backup's name in another folder: verify takes only backup names.
        try FileManager.default.createDirectory(atPath: fixture.home + "/trials", withIntermediateDirectories: true)
        let damaged = fixture.home + "/trials/claude-backup-20200101-000000.tar.gz.gpg"
        for trial in 0..<100 {
            var bytes = original
            let offset = Int.random(in: 0..<bytes.count, using: &generator)
            bytes[offset] ^= UInt8.random(in: 1...255, using: &generator)
            try bytes.write(to: URL(fileURLWithPath: damaged))
            let result = try fixture.run(["backup", "verify", damaged])
            #expect(result.status == 1, "trial \(trial): byte \(offset) flipped and verify passed")
            // A flip inside the key ID (8 of the archive's bytes) names a key this keyring lacks,
            // just as a backup made for another key does: "could not be read", naming that key.
            let namesAnotherKey = result.stdout.contains("could not be read") && result.stdout.contains("is not in this keyring")
            #expect(result.stdout.contains("DAMAGED") || namesAnotherKey, "trial \(trial): byte \(offset): \(result.stdout)")
        }
        try original.prefix(original.count * 2 / 3).write(to: URL(fileURLWithPath: damaged))
        let cut = try fixture.run(["backup", "verify", damaged])
        #expect(cut.status == 1 && cut.stdout.contains("DAMAGED"), "\(cut.stdout)")
        // The original still verifies: the trials changed copies only. A file that is not named
        // as a backup is not read at all.
        #expect(try fixture.run(["backup", "verify", archive]).status == 0)
        #expect(try fixture.run(["backup", "verify", fixture.home + "/.claude/claudeshrc"]).status == 2)
    }

    @Test(arguments: TestTar.allCases) func aMemberThatDiffersFromItsManifestIsNamed(_ tar: TestTar) throws {
        let fixture = try makeHome(tar)
        defer { fixture.stop() }
        #expect(try fixture.run(["backup", "create"]).status == 0)
        let archive = try #require(backups(fixture).first)
        try expectWritten(by: tar, archive, fixture)
        // Rebuilt by hand with one file changed and the manifest kept: a well-formed archive that lies.
        let work = fixture.home + "/work"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let script = """
        set -e
        gpg --batch -d "$0" | tar xzf - -C "$1"
        echo tampered > "$1/.claude/scripts/data/plain.txt"
        tar czf - -C "$1" .claudesh-backup-manifest.json .claude | gpg --batch --yes -e -r test@claudesh.local -o "$2"
        """
        let tampered = fixture.home + "/claude-backup-20200101-000000.tar.gz.gpg"
        let rebuilt = try Claudesh.runProgram("/bin/sh", ["-c", script, archive, work, tampered], environment: Claudesh.environment(home: fixture.home, extra: fixture.environment))
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        let result = try fixture.run(["backup", "verify", tampered])
        #expect(result.status == 1)
        #expect(result.stdout.contains("content: .claude/scripts/data/plain.txt differs") || result.stdout.contains("size: .claude/scripts/data/plain.txt"), "\(result.stdout)")
        #expect(result.stdout.contains("missing: store"), "\(result.stdout)")
    }

    @Test(arguments: TestTar.allCases) func aLinkedStoreIsFollowedTheBackupFolderLeftOutAndTarOptionsIgnored(_ tar: TestTar) throws {
        let fixture = try makeHome(tar)
        defer { fixture.stop() }
        // The store kept elsewhere in the home, reached through a link.
        try FileManager.default.moveItem(atPath: fixture.storeDirectory, toPath: fixture.home + "/real-store")
        try FileManager.default.createSymbolicLink(atPath: fixture.storeDirectory, withDestinationPath: fixture.home + "/real-store")
        // Backups written inside the set itself, twice; TAR_OPTIONS that would leave things out,
        // and options bsdtar refuses (a tar given them would fail).
        let inside = fixture.home + "/.claude/scripts/my-backups"
        let options = ["TAR_OPTIONS": "--exclude=*.gpg", "TAR_READER_OPTIONS": "mtree:nonsense", "TAR_WRITER_OPTIONS": "gzip:nonsense"]
        for _ in 0..<2 {
            let made = try fixture.run(["backup", "create", "--to", inside, "--json"], extra: options)
            #expect(made.status == 0, "\(made.stderr)")
            Thread.sleep(forTimeInterval: 1.1) // a new second, a new name
        }
        let archives = ((try? FileManager.default.contentsOfDirectory(atPath: inside)) ?? []).filter { $0.hasSuffix(".gpg") }.sorted()
        #expect(archives.count == 2)
        for archive in archives { try expectWritten(by: tar, inside + "/" + archive, fixture) }
        let listing = try Claudesh.runProgram("/bin/sh", ["-c", "gpg --batch -d \"$0\" | tar tzf -", inside + "/" + archives[1]],
                                              environment: Claudesh.environment(home: fixture.home, extra: fixture.environment))
        #expect(listing.stdout.contains("real-store/claude/token.gpg"), "\(listing.stdout)")
        #expect(!listing.stdout.contains("my-backups/claude-backup"), "a backup holds no earlier backup")
        #expect(try fixture.run(["backup", "verify", "--to", inside, "--all"]).status == 0)
    }

    @Test func pruneOfFortyBackupsInAFolderWithSpacesDryRunFirst() throws {
        let home = Claudesh.temporaryFolder("claudesh-prune")
        defer { Claudesh.cleanUp(home) }
        let folder = home + "/back ups & 'odd' $dir"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var names: [String] = []
        for day in 1...40 {
            let stamp = String(format: "202610%02d-020000", day % 31 + 1).replacingOccurrences(of: "202610", with: day > 30 ? "202611" : "202610")
            names.append("claude-backup-\(stamp).tar.gz.gpg")
        }
        for name in names { _ = FileManager.default.createFile(atPath: folder + "/" + name, contents: Data("x".utf8)) }
        let bystanders = ["notes.txt", "claude-backup-latest.tar.gz.gpg", ".claude-backup-partial-abc123"]
        for name in bystanders { _ = FileManager.default.createFile(atPath: folder + "/" + name, contents: Data("keep me".utf8)) }
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        let dry = try Claudesh.run(["backup", "prune", "--to", folder, "--dry-run"], home: home)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("30 kept, 10 to delete (dry run: nothing deleted)"), "\(dry.stdout)")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder)) == before)
        let pruned = try Claudesh.run(["backup", "prune", "--to", folder, "--json"], home: home)
        #expect(pruned.status == 0, "\(pruned.stderr)")
        let after = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        #expect(after.filter { $0.hasSuffix(".tar.gz.gpg") && $0.hasPrefix("claude-backup-2") }.count == 30)
        for name in bystanders { #expect(after.contains(name), "\(name) was touched") }
        // The newest 30 stayed.
        let kept = after.filter { names.contains($0) }.sorted()
        #expect(kept == Array(names.sorted().suffix(30)))
    }

    @Test(arguments: TestTar.allCases) func aFullDiskDuringCreateLeavesNoFileAndSaysWhy(_ tar: TestTar) throws {
        let fixture = try makeHome(tar)
        defer { fixture.stop() }
        _ = try Claudesh.runProgram("/bin/sh", ["-c", "head -c 5000000 /dev/urandom > \"$0\"", fixture.home + "/.claude/scripts/data/five-mb.bin"], environment: ["PATH": "/usr/bin:/bin"])
        // A 1 MB tmpfs as the backup folder (the suite runs as root, as scripts/test does).
        let full = fixture.home + "/full"
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        let mounted = try Claudesh.runProgram("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", full], environment: ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin"])
        #expect(mounted.status == 0, "mount a small tmpfs: \(mounted.stderr)")
        defer { _ = try? Claudesh.runProgram("/bin/umount", [full], environment: ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin"]) }
        let result = try fixture.run(["backup", "create", "--to", full])
        #expect(result.status == 1)
        #expect(result.stderr.contains("gpg failed") && result.stderr.contains("No space left on device"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: full).isEmpty, "no file, not even a partial one")
    }

    @Test(arguments: TestTar.allCases) func aWrongKeyAndAMissingRecipientSaySoAndLeaveNoFile(_ tar: TestTar) throws {
        let fixture = try makeHome(tar)
        defer { fixture.stop() }
        #expect(try fixture.run(["backup", "create"]).status == 0)
        let archive = try #require(backups(fixture).first)
        try expectWritten(by: tar, archive, fixture)
        // Another keyring cannot read it.
        let stranger = SecretsFixture()
        defer { stranger.stop() }
        _ = try stranger.run(["gpg", "keygen", "Other", "other@claudesh.local", "--algo", "ed25519", "--no-passphrase"])
        let wrong = try stranger.run(["backup", "verify", archive])
        #expect(wrong.status == 1)
        #expect(wrong.stdout.contains("could not be read") && wrong.stdout.contains("is not in this keyring"), "\(wrong.stdout)")
        // A recipient without a key: refused before anything is written.
        let before = try FileManager.default.contentsOfDirectory(atPath: fixture.home + "/backups/claude").sorted()
        let missing = try fixture.run(["-c", "set gpg-id nobody@nowhere.invalid", "-c", "backup create"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no key 'nobody@nowhere.invalid'"), "\(missing.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.home + "/backups/claude").sorted() == before)
    }
}

@testable import ClaudeshKit
import Foundation
import Testing

/// What a backup holds: the client configs, the pass store and claudesh's own files, not
/// Claude Code's working data in ~/.claude; the backup-include and backup-exclude settings; and
/// backups made when the set was all of the claudesh home still restore.
@Suite
struct BackupSetTests {
    /// A home with a store, Claude Code's settings and `~/.claude.json`, and the data Claude
    /// Code writes as it works (a 3 MB transcript, todos, credentials) beside a stray file.
    func claudeHome() throws -> SecretsFixture {
        let fixture = SecretsFixture()
        try fixture.makeKeyAndStore()
        let claude = fixture.home + "/.claude"
        let manager = FileManager.default
        for folder in ["projects/-home-me", "todos", "statsig", "shell-snapshots", "scripts"] {
            try manager.createDirectory(atPath: claude + "/" + folder, withIntermediateDirectories: true)
        }
        _ = try Claudesh.runProgram("/bin/sh", ["-c", "head -c 3000000 /dev/zero > \"$0\"", claude + "/projects/-home-me/session.jsonl"], environment: ["PATH": "/usr/bin:/bin"])
        for (path, text) in [
            ("todos/a.json", "[]"), ("statsig/s", "x"), ("shell-snapshots/snap.sh", "x"), (".credentials.json", "{\"claudeAiOauth\": {}}"),
            ("dropped.bin", "not claudesh's"), ("settings.json", "{\"model\": \"opus\"}"), ("claudeshrc", "# rc\n"), ("scripts/daily.claudesh", "health\n"),
        ] {
            try text.write(toFile: claude + "/" + path, atomically: false, encoding: .utf8)
        }
        try "{\"mcpServers\": {}}\n".write(toFile: fixture.home + "/.claude.json", atomically: false, encoding: .utf8)
        return fixture
    }

    @Test func theSetIsTheConfigsTheStoreAndClaudeshsFilesNotClaudeCodesData() throws {
        let fixture = try claudeHome()
        defer { fixture.stop() }
        let home = fixture.home
        let claude = home + "/.claude"
        let planned = try fixture.run(["backup", "create", "--dry-run"])
        #expect(planned.status == 0, "\(planned.stdout)\(planned.stderr)")
        for path in [home + "/.claude.json", claude + "/settings.json", fixture.storeDirectory, claude + "/claudeshrc", claude + "/scripts"] {
            #expect(planned.stdout.contains("  \(path) "), "\(path) in \(planned.stdout)")
        }
        for left in ["projects", "todos", "statsig", "shell-snapshots", ".credentials.json", "dropped.bin"] {
            #expect(!planned.stdout.contains(left), "\(left) is not in \(planned.stdout)")
        }
        #expect(planned.stdout.contains("would back up ") && planned.stdout.contains(" file"), "\(planned.stdout)")
        #expect(!FileManager.default.fileExists(atPath: home + "/backups/claude"), "a dry run writes nothing")

        #expect(try fixture.run(["backup", "create"]).status == 0)
        let copy = home + "/copy"
        let restored = try fixture.run(["backup", "restore", "--to", copy])
        #expect(restored.status == 0, "\(restored.stdout)\(restored.stderr)")
        for path in [".claude.json", ".claude/settings.json", ".claude/claudeshrc", ".claude/scripts/daily.claudesh", "store/.gpg-id"] {
            #expect(FileManager.default.fileExists(atPath: copy + "/" + path), "\(path) was backed up")
        }
        for path in [".claude/projects", ".claude/todos", ".claude/.credentials.json", ".claude/dropped.bin"] {
            #expect(!FileManager.default.fileExists(atPath: copy + "/" + path), "\(path) was not backed up")
        }

        // The settings: a folder added (Claude Code's data named itself is taken), a file left out.
        let tuned = try fixture.run(["-c", "set backup-include ~/.claude/projects,~/.claude/dropped.bin", "-c", "set backup-exclude ~/.claude/settings.json",
                                     "-c", "backup create --dry-run --json"])
        #expect(tuned.status == 0, "\(tuned.stdout)\(tuned.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(tuned.stdout.utf8)) as? [String: Any])
        let paths = try #require(json["paths"] as? [[String: Any]])
        let bytes = Dictionary(uniqueKeysWithValues: paths.map { ($0["path"] as! String, $0["bytes"] as! Int) })
        #expect(bytes[claude + "/projects"] == 3_000_000, "\(bytes)")
        #expect(bytes[claude + "/dropped.bin"] == 14)
        #expect(bytes[claude + "/settings.json"] == nil)
        #expect((json["bytes"] as? Int) == paths.map { $0["bytes"] as! Int }.reduce(0, +))
        let refused = try fixture.run(["set", "backup-include", "~/a,,~/b"])
        #expect(refused.status == 2 || refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("backup-include"), "\(refused.stderr)")
    }

    /// A backup made the old way, all of the claudesh home, restores as it always did.
    @Test func aBackupOfTheWholeClaudeshHomeStillRestores() async throws {
        let fixture = try claudeHome()
        defer { fixture.stop() }
        let home = fixture.home
        let claude = home + "/.claude"
        let environment = Claudesh.environment(home: home, extra: fixture.environment)
        let oldSet = BackupSet(roots: [claude, fixture.storeDirectory], excluded: [claude + "/backups", claude + "/logs"], home: home)
        let (manifest, stamps) = try oldSet.manifest(now: Int(Date().timeIntervalSince1970))
        let folder = home + "/backups/claude"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let fingerprint = try String(contentsOfFile: fixture.storeDirectory + "/.gpg-id", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try await BackupArchive.create(manifest, set: oldSet, stamps: stamps, folder: folder, recipients: [fingerprint], environment: environment)

        let copy = home + "/copy"
        let restored = try fixture.run(["backup", "restore", "latest", "--to", copy])
        #expect(restored.status == 0, "\(restored.stdout)\(restored.stderr)")
        #expect(try String(contentsOfFile: copy + "/.claude/projects/-home-me/session.jsonl", encoding: .utf8).utf8.count == 3_000_000)
        #expect(try String(contentsOfFile: copy + "/.claude/dropped.bin", encoding: .utf8) == "not claudesh's")
        #expect(FileManager.default.fileExists(atPath: copy + "/store/.gpg-id"))
        #expect(try fixture.run(["backup", "verify", "latest"]).status == 0)
    }
}

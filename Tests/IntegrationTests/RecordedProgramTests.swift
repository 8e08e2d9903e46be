import Foundation
import Testing

/// The claudesh path written into `claudesh exec` entries and scheduled jobs: never the build
/// folder or a temporary folder, which a clean or a new clone removes.
@Suite
struct RecordedProgramTests {
    /// No CLAUDESH_PROGRAM and no claudesh on PATH: only the build folder's binary is known.
    static let unnamed = ["CLAUDESH_PROGRAM": "", "PATH": "/usr/bin:/bin"]

    @Test func aBinaryInTheBuildFolderIsRefusedWithWhatToDo() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        try fixture.makeKeyAndStore()
        try fixture.insert("claude/token", "s3cret-in-the-store")
        let config = fixture.home + "/.config/Claude/claude_desktop_config.json"

        let add = try fixture.run(["mcp", "add", "api", "--secret", "TOKEN=claude/token", "--", "/bin/true"], extra: Self.unnamed)
        #expect(add.status == 1, "\(add.stdout)\(add.stderr)")
        #expect(add.stderr.contains("run scripts/claudesh once to install claudesh to ~/.local/bin, or put claudesh on PATH"), "\(add.stderr)")
        #expect(!((try? String(contentsOfFile: config, encoding: .utf8)) ?? "").contains("/.build/"), "nothing recorded")

        let schedule = try fixture.run(["schedule", "install"], extra: Self.unnamed)
        #expect(schedule.status == 1 && schedule.stderr.contains("run scripts/claudesh once"), "\(schedule.stdout)\(schedule.stderr)")

        // A claudesh on PATH, outside any build or temporary folder, is what gets recorded.
        let bin = NSHomeDirectory() + "/.cache/claudesh-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        defer { Claudesh.cleanUp(bin) }
        try FileManager.default.createSymbolicLink(atPath: bin + "/claudesh", withDestinationPath: Claudesh.binary)
        let onPath = try fixture.run(["mcp", "add", "api", "--secret", "TOKEN=claude/token", "--", "/bin/true"], extra: ["CLAUDESH_PROGRAM": "", "PATH": "\(bin):/usr/bin:/bin"])
        #expect(onPath.status == 0, "\(onPath.stderr)")
        let written = try String(contentsOfFile: config, encoding: .utf8)
        #expect(written.contains("\"\(bin)/claudesh\"") && !written.contains("/.build/"), "\(written)")
    }

    @Test func claudeshProgramNamesThePathToRecord() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        try fixture.makeKeyAndStore()
        try fixture.insert("claude/token", "s3cret-in-the-store")
        let add = try fixture.run(["mcp", "add", "api", "--secret", "TOKEN=claude/token", "--", "/bin/true"], extra: ["CLAUDESH_PROGRAM": "/opt/claudesh/bin/claudesh"])
        #expect(add.status == 0, "\(add.stderr)")
        let written = try String(contentsOfFile: fixture.home + "/.config/Claude/claude_desktop_config.json", encoding: .utf8)
        #expect(written.contains("\"/opt/claudesh/bin/claudesh\""), "\(written)")
        let printed = try fixture.run(["schedule", "install", "--print"], extra: ["CLAUDESH_PROGRAM": "/opt/claudesh/bin/claudesh"])
        #expect(printed.status == 0 && printed.stdout.contains("/opt/claudesh/bin/claudesh schedule run health"), "\(printed.stdout)\(printed.stderr)")
    }
}

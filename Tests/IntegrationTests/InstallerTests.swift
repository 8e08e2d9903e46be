@testable import ClaudeshKit
import Foundation
import Testing

/// scripts/install.claudesh on a fresh home, twice: the second run does nothing and says so.
@Suite
struct InstallerTests {
    static let script = MCPFixtures.repository + "/scripts/install.claudesh"

    /// SHA-256 of every file under `folder` except the records that grow by design (the health
    /// history and the servers' logs).
    func checksums(_ folder: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for case let path as String in FileManager.default.enumerator(atPath: folder) ?? NSEnumerator() {
            guard !path.hasPrefix(".claude/logs/"), !path.hasPrefix(".claude/health.sqlite") else { continue }
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder + "/" + path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            var hasher = SHA256()
            hasher.update(Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + path)))[...])
            result[path] = hasher.finalize()
        }
        return result
    }

    @Test func aSecondRunReportsEveryStepDoneAndChangesNoFile() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        // No engine: compose up fails under `try`, as on a machine without Docker; every step
        // still runs, and the run ends with health's verdict (compose failed: 1).
        let environment = ["TIME_SERVER": MCPFixtures.timeServer, "KEY_EMAIL": "ops@claudesh.local", "DOCKER_HOST": "unix:///nonexistent/docker.sock"]
        let first = try fixture.run(["--yes", Self.script], extra: environment)
        #expect(first.status == 1 && first.stdout.contains("UNHEALTHY"), "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("Made key ") && first.stdout.contains("Initialised the store") && first.stdout.contains("Added stdio server 'time'"), "\(first.stdout)")
        #expect(first.stdout.contains("1 passed; saved") && !first.stdout.contains("All 1"), "the server it added passes its check: \(first.stdout)")
        #expect(FileManager.default.fileExists(atPath: fixture.home + "/.claude/docker/docker-compose.yml"))
        #expect(FileManager.default.fileExists(atPath: fixture.storeDirectory + "/.git"))
        let before = try checksums(fixture.home)

        let second = try fixture.run(["--yes", Self.script], extra: environment)
        #expect(second.status == 1, "\(second.stdout)\(second.stderr)")
        // Steps 1 to 5 change things: each says it was already done.
        #expect(second.stdout.components(separatedBy: "Already done: ").count - 1 == 3 + 4, "\(second.stdout)")
        #expect(!second.stdout.contains("Made ") && !second.stdout.contains("Wrote ") && !second.stdout.contains("Added "), "\(second.stdout)")
        #expect(try checksums(fixture.home) == before, "no file changed")
        let keys = try fixture.gpg(["--list-secret-keys", "--with-colons"])
        #expect(keys.stdout.components(separatedBy: "\nsec:").count + (keys.stdout.hasPrefix("sec:") ? 1 : 0) - 1 == 1, "one key, not two: \(keys.stdout)")
    }

    @Test func anUnhealthyEndRunsEveryStepAndExitsOne() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        // A server whose command does not exist: its check fails under `try`, and health says so.
        let environment = ["TIME_SERVER": "/nonexistent/mcp-server", "KEY_EMAIL": "ops@claudesh.local", "DOCKER_HOST": "unix:///nonexistent/docker.sock"]
        let run = try fixture.run(["--yes", Self.script], extra: environment)
        #expect(run.status == 1, "not healthy, so not a success: \(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("7. Every server checked") && run.stdout.contains("8. Health"), "every step ran: \(run.stdout)")
        #expect(!run.stderr.contains("install.claudesh:") || !run.stderr.contains("stopped"), "the script was not stopped early: \(run.stderr)")
    }
}

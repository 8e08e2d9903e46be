@testable import ClaudeshKit
import Foundation
import Testing

/// recover and scripts/recover.claudesh on a real setup broken three ways: a corrupt client
/// config, a container stopped from outside, the store's git removed.
@Suite
struct RecoverTests {
    static let script = MCPFixtures.repository + "/scripts/recover.claudesh"

    /// A working setup: key and store (with git), a server that passes (saved as the last known
    /// good), a running container, a backup.
    func workingSetup() throws -> (SecretsFixture, ComposeFixture) {
        let secrets = SecretsFixture()
        try secrets.makeKeyAndStore()
        try secrets.insert("claude/token", "abc123")
        let compose = try ComposeFixture(ComposeFixture.service("worker", "sleep 600"), compose: .v2, home: secrets.home)
        #expect(try run(secrets, compose, ["mcp add time -- \(MCPFixtures.timeServer)", "mcp check", "compose up"]).status == 0)
        _ = try compose.waitFor { ComposeFixture.state($0, "worker").0 == "running" }
        #expect(try run(secrets, compose, ["backup create"]).status == 0)
        let healthy = try run(secrets, compose, ["health"])
        #expect(healthy.status == 0, "the setup works before it is broken: \(healthy.stdout)")
        return (secrets, compose)
    }

    func run(_ secrets: SecretsFixture, _ compose: ComposeFixture, _ commands: [String], yes: Bool = false) throws -> Claudesh.Result {
        let arguments = (yes ? ["--yes"] : []) + ["-c", "set compose-file \(compose.file)"] + commands.flatMap { ["-c", $0] }
        return try Claudesh.run(arguments, home: secrets.home, extra: secrets.environment.merging(try compose.environment) { $1 })
    }

    func breakIt(_ secrets: SecretsFixture, _ compose: ComposeFixture) throws {
        try "{\"mcpServers\": {broken".write(toFile: secrets.home + "/.config/Claude/claude_desktop_config.json", atomically: false, encoding: .utf8)
        let id = try compose.docker(["ps", "-q", "--filter", "label=com.docker.compose.project=\(compose.project)"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!id.isEmpty)
        #expect(try compose.docker(["stop", "-t", "0", id]).status == 0)
        try FileManager.default.removeItem(atPath: secrets.storeDirectory + "/.git")
        #expect(try run(secrets, compose, ["health"]).status == 1, "broken")
    }

    /// Every file under `folder` with its bytes, to see that a dry run changes none.
    func snapshot(_ folder: String) -> [String: Data] {
        var result: [String: Data] = [:]
        for case let path as String in FileManager.default.enumerator(atPath: folder) ?? NSEnumerator() where !path.hasPrefix(".claude/health.sqlite") {
            result[path] = FileManager.default.contents(atPath: folder + "/" + path)
        }
        return result
    }

    func isHealthyAgain(_ secrets: SecretsFixture, _ compose: ComposeFixture) throws {
        let health = try run(secrets, compose, ["health --json"])
        #expect(health.status == 0, "\(health.stdout)")
        let log = try Claudesh.runProgram("/usr/bin/git", ["-C", secrets.storeDirectory, "log", "--oneline"], environment: Claudesh.environment(home: secrets.home))
        #expect(log.status == 0 && log.stdout.contains("claude/token"), "the store's history came back from the backup: \(log.stdout)\(log.stderr)")
    }

    @Test func theRecordedScriptBringsABrokenSetupBackAndTheDryRunChangesNothing() throws {
        let (secrets, compose) = try workingSetup()
        defer { compose.stop(); secrets.stop() }
        try breakIt(secrets, compose)

        let before = snapshot(secrets.home)
        let plan = try run(secrets, compose, ["recover --dry-run"])
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("will: put ") && plan.stdout.contains("will: bring back") && plan.stdout.contains("Dry run: nothing was changed."), "\(plan.stdout)")
        #expect(snapshot(secrets.home) == before, "a dry run changes no file")
        let refused = try run(secrets, compose, ["recover"])
        #expect(refused.status == 1 && refused.stderr.contains("--yes"), "no terminal and no --yes: \(refused.stderr)")

        let recovered = try run(secrets, compose, ["source \(Self.script)"], yes: true)
        #expect(recovered.status == 0, "\(recovered.stdout)\(recovered.stderr)")
        try isHealthyAgain(secrets, compose)
    }

    @Test func recoverYesRunsEveryStepAndSaysHowLongItTook() throws {
        let (secrets, compose) = try workingSetup()
        defer { compose.stop(); secrets.stop() }
        // selftest first: every check passes, and the backup folder is not touched.
        let backups = try FileManager.default.contentsOfDirectory(atPath: secrets.home + "/backups/claude")
        let passed = try run(secrets, compose, ["selftest"])
        #expect(passed.status == 0, "\(passed.stdout)\(passed.stderr)")
        for line in ["✔ MCP servers connect: 1 of 1", "✔ pass store readable: 1 secret; claude/token decrypts", "✔ containers running: 1 service up", "✔ backup made and verified: "] {
            #expect(passed.stdout.contains(line), "\(line) in \(passed.stdout)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: secrets.home + "/backups/claude") == backups)
        try breakIt(secrets, compose)
        let failed = try run(secrets, compose, ["selftest"])
        #expect(failed.status == 1 && failed.stdout.contains("✘ MCP servers connect") && failed.stdout.contains("✘ containers running"), "\(failed.stdout)")

        let recovered = try run(secrets, compose, ["recover"], yes: true)
        #expect(recovered.status == 0, "\(recovered.stdout)\(recovered.stderr)")
        #expect(recovered.stdout.contains("Recovery took ") && recovered.stdout.contains("healthy."), "\(recovered.stdout)")
        // The copy the config step put back had every server pass just before: not probed again.
        #expect(recovered.stdout.contains("all 1 passed moments ago, in the config step"), "\(recovered.stdout)")
        try isHealthyAgain(secrets, compose)
    }

    @Test func theWalkthroughAsksAtEachStepInATerminal() throws {
        let (secrets, compose) = try workingSetup()
        defer { compose.stop(); secrets.stop() }
        try breakIt(secrets, compose)
        let terminal = try PseudoTerminal([Claudesh.binary], environment: Claudesh.environment(home: secrets.home, extra: secrets.environment.merging(try compose.environment) { $1 }))
        try terminal.expect("claudesh> ")
        terminal.send("set compose-file \(compose.file)\r")
        try terminal.expect("(docker-compose.yml)> ")
        terminal.send("recover\r")
        // Stop (y), good config (y), retry (y), backup (y), store (nothing to do), start (y), health (y).
        var answered = 0
        while answered < 6 {
            try terminal.expect("[y/N/skip/quit] ", timeout: 120)
            terminal.send("y\r")
            answered += 1
        }
        let end = try terminal.expect("(docker-compose.yml)> ", timeout: 120)
        #expect(end.contains("Recovery took ") && end.contains("healthy."), "\(end)")
        try isHealthyAgain(secrets, compose)

        // quit stops at once; skip passes a step.
        terminal.send("recover\r")
        try terminal.expect("[y/N/skip/quit] ", timeout: 60)
        terminal.send("skip\r")
        try terminal.expect("skipped.", timeout: 30)
        try terminal.expect("[y/N/skip/quit] ", timeout: 60)
        terminal.send("quit\r")
        try terminal.expect("stopped here.", timeout: 30)
        terminal.send("exit\r")
        #expect(terminal.waitForExit() == 0)
    }
}

/// recover's steps on the edges: a store that keeps its keys, a backup no key can read, Ctrl-C.
@Suite
struct RecoverEdgeTests {
    @Test func theStoreStepAddsGitWithoutChangingTheKeysAndAnUnreadableBackupIsAFailedStep() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        try fixture.makeKeyAndStore()
        #expect(try fixture.run(["backup", "create"]).status == 0)
        let gpgID = try String(contentsOfFile: fixture.storeDirectory + "/.gpg-id", encoding: .utf8)
        try FileManager.default.removeItem(atPath: fixture.storeDirectory + "/.git")
        let empty = fixture.home + "/no-backups"
        let repaired = try fixture.run(["--yes", "-c", "set gpg-id someone-else@claudesh.local", "-c", "set backup-dir \(empty)", "-c", "recover"])
        #expect(repaired.stdout.contains("will: add git to \(fixture.storeDirectory) (pass git init); its keys stay as they are"), "\(repaired.stdout)")
        #expect(try String(contentsOfFile: fixture.storeDirectory + "/.gpg-id", encoding: .utf8) == gpgID, "the store is not re-encrypted for gpg-id")
        #expect(FileManager.default.fileExists(atPath: fixture.storeDirectory + "/.git"))

        // Another keyring: the backup is there but cannot be read, which is a failed step.
        let other = SecretsFixture()
        defer { other.stop() }
        try other.makeKeyAndStore(email: "other@claudesh.local")
        let unreadable = try Claudesh.run(["--yes", "recover"], home: fixture.home, extra: other.environment)
        // The end is healthy all the same (the exit status says so); the failed step is counted.
        #expect(unreadable.status == 0 && unreadable.stdout.contains("healthy, 1 step failed."), "\(unreadable.stdout)")
        #expect(unreadable.stdout.contains("✘ cannot: no backup in") && unreadable.stdout.contains("could not be read"), "\(unreadable.stdout)")
    }

    @Test func aNewerConfigThatWorksIsNotRolledBackAndBecomesTheLastKnownGood() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        let desktop = fixture.home + "/.config/Claude/claude_desktop_config.json"
        let good = fixture.home + "/.claude/backups/mcp-config-good.json"
        try FileManager.default.createDirectory(atPath: fixture.home + "/.config/Claude", withIntermediateDirectories: true)
        MCPFixtures.writeConfig(desktop, [("time", MCPFixtures.stdio("instant"))])
        #expect(try fixture.run(["mcp", "good", "save"]).status == 0)
        #expect(try fixture.run(["mcp", "add", "fetch", "--", MCPFixtures.stdioScript, "instant"]).status == 0)
        #expect(try !String(contentsOfFile: good, encoding: .utf8).contains("fetch"))
        let health = try fixture.run(["health"])
        #expect(health.stdout.contains("fetch"), "\(health.stdout)")
        #expect(try String(contentsOfFile: good, encoding: .utf8) == String(contentsOfFile: desktop, encoding: .utf8), "a health check that passes every server refreshes the copy")

        let newer = try String(contentsOfFile: desktop, encoding: .utf8)
        let plan = try fixture.run(["recover", "--dry-run"])
        #expect(plan.stdout.contains("nothing to do: the current config is healthy") && !plan.stdout.contains("will: put"), "\(plan.stdout)")
        #expect(try String(contentsOfFile: desktop, encoding: .utf8) == newer)

        // A server that now fails, while the copy's all pass: that is what the copy is for.
        MCPFixtures.writeConfig(desktop, [("time", MCPFixtures.stdio("instant")), ("fetch", MCPFixtures.stdio("exit"))])
        let broken = try fixture.run(["recover", "--dry-run"])
        #expect(broken.stdout.contains("will: put \(good) back as \(desktop) (fetch fails"), "\(broken.stdout)")
    }

    @Test func theDryRunSaysTheStoreCannotBeMadeWithoutAKey() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        let plan = try fixture.run(["recover", "--dry-run"])
        #expect(plan.stdout.contains("✘ cannot: secrets init would fail: no gpg key to encrypt to: make one with 'gpg keygen NAME EMAIL'"), "\(plan.stdout)")
        #expect(!plan.stdout.contains("will: secrets init"), "\(plan.stdout)")
    }

    @Test func ctrlCStopsTheWalkAndNoLaterStepRuns() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        try fixture.makeKeyAndStore()
        try FileManager.default.createDirectory(atPath: fixture.home + "/.config/Claude", withIntermediateDirectories: true)
        MCPFixtures.writeConfig(fixture.home + "/.config/Claude/claude_desktop_config.json", [("hangs", MCPFixtures.stdio("hang"))])
        let terminal = try PseudoTerminal([Claudesh.binary, "--yes"], environment: Claudesh.environment(home: fixture.home, extra: fixture.environment))
        try terminal.expect("> ")
        terminal.send("recover\r")
        try terminal.expect("will: probe the 1 server", timeout: 60)
        Thread.sleep(forTimeInterval: 0.5)
        terminal.send("\u{03}")
        let after = try terminal.expect("> ", timeout: 30)
        #expect(!after.contains("4. Restore") && !after.contains("Recovery took"), "\(after)")
        terminal.send("exit\r")
        #expect(terminal.waitForExit() == 0)
    }
}

@testable import ClaudeshKit
import Foundation
import Testing

/// The kit's application layer on values: probe planning, health gathering, the self-test and
/// the recovery plan, called directly on a workspace over a real keyring, store and servers.
@Suite(.serialized)
struct WorkspaceTests {
    /// A workspace over `fixture`'s home, keyring and store, with `config` as its client config.
    static func workspace(_ fixture: SecretsFixture, config: String) -> Workspace {
        let variables = Claudesh.environment(home: fixture.home, extra: fixture.environment)
        var context = SessionContext(environment: Environment(variables: variables, currentDirectory: fixture.home, isMacOS: false))
        context.settings.mcpConfig = .file(config)
        return Workspace(context)
    }

    /// A keyring and store holding `claude/api-key` = `secret`, a config of `servers`, and a
    /// workspace over them; the caller stops the fixture.
    static func prepared(secret: String, servers: [(String, String)]) throws -> (fixture: SecretsFixture, config: String, workspace: Workspace) {
        let fixture = SecretsFixture()
        do {
            try fixture.makeKeyAndStore()
            try fixture.insert("claude/api-key", secret)
        } catch {
            fixture.stop()
            throw error
        }
        let config = fixture.home + "/config.json"
        MCPFixtures.writeConfig(config, servers)
        return (fixture, config, workspace(fixture, config: config))
    }

    /// `claudesh exec` starting the sh fixture in `mode` with the store's `secret` as API_KEY.
    static func execEntry(_ mode: String, secret: String) -> String {
        "{\"command\": \"\(Claudesh.binary)\", \"args\": [\"exec\", \"--secret\", \"API_KEY=\(secret)\", \"--\", \"\(MCPFixtures.stdioScript)\", \"\(mode)\"]}"
    }

    // MARK: Probe planning

    @Test func aProbePlanStartsEachServerAsItsClientWouldAndMasksTheSecretsItsEntriesDecrypt() async throws {
        let secret = "plan-secret-3f9a1c77e2"
        let (fixture, _, workspace) = try Self.prepared(secret: secret, servers: [
            ("plain", MCPFixtures.stdio("instant", env: ["API_KEY": "env-value-5521"])),
            ("wrapped", Self.execEntry("needs-env", secret: "claude/api-key")),
            ("broken", "{\"args\": [\"x\"]}"),
            ("remote", MCPFixtures.remote("http://127.0.0.1:9/mcp", headers: ["Authorization": "Bearer header-token-7781"])),
        ])
        defer { fixture.stop() }
        let plan = await workspace.probePlan(try workspace.config().servers)

        #expect(plan.targets.map(\.name) == ["plain", "wrapped", "broken", "remote"])
        #expect(plan.targets.map(\.transport) == ["stdio", "stdio", "?", "http"])
        guard case .success(let plain) = plan.targets[0].launch, case .process(let spec) = plain.target else { Issue.record("plain is a process"); return }
        #expect(spec.executable == MCPFixtures.stdioScript && spec.arguments == ["instant"])
        #expect(spec.environment["API_KEY"] == "env-value-5521", "the entry's env goes on top of the session's")
        #expect(plain.sensitiveValues == ["env-value-5521"])
        guard case .failure(let broken) = plan.targets[2].launch else { Issue.record("broken cannot start"); return }
        #expect(broken.description.contains("neither a \"command\" (stdio) nor a \"url\""), "\(broken)")
        guard case .success(let remote) = plan.targets[3].launch, case .http(let url, let headers) = remote.target else { Issue.record("remote is http"); return }
        #expect(url == "http://127.0.0.1:9/mcp" && headers.first?.1 == "Bearer header-token-7781")

        // The value the wrapped entry will decrypt was read from the store (not loaded) and is
        // masked; a secret loaded after the plan was made is masked too.
        #expect(workspace.context.vault.count == 0)
        #expect(plan.redactor.redact("server said \(secret)") == "server said \(Redactor.mask)")
        workspace.context.vault.store("loaded-later-99a8b7c6", as: "claude/other")
        #expect(plan.redactor.redact("and loaded-later-99a8b7c6") == "and \(Redactor.mask)")
        #expect(plan.redactor.redact("nothing secret here") == "nothing secret here")
    }

    @Test func aCheckOfEveryServerThatPassesSavesTheLastKnownGoodAndOneNamedServerDoesNot() async throws {
        let (fixture, config, workspace) = try Self.prepared(secret: "check-secret-0d1e2f3a4b", servers: [("instant", MCPFixtures.stdio("instant")), ("wrapped", Self.execEntry("needs-env", secret: "claude/api-key"))])
        defer { fixture.stop() }

        let one = try await workspace.checkServers(["wrapped"], in: nil, options: ProbeOptions())
        #expect(one.results.map(\.server) == ["wrapped"] && one.failed.isEmpty, "\(one.results.map { $0.reason ?? "ok" })")
        #expect(one.lastKnownGood == .notSaved && !workspace.lastKnownGood.exists)

        let all = try await workspace.checkServers([], in: nil, options: ProbeOptions())
        #expect(all.results.map(\.server) == ["instant", "wrapped"] && all.failed.isEmpty)
        #expect(all.lastKnownGood == .saved)
        #expect(FileManager.default.contents(atPath: workspace.lastKnownGood.path) == FileManager.default.contents(atPath: config))

        await #expect(throws: ClientConfig.EditError.self) { try await workspace.checkServers(["instnat"], in: nil, options: ProbeOptions()) }
    }

    // MARK: Health

    @Test func healthGatheringChecksEverySectionAndMasksWhatAServerEchoes() async throws {
        let (fixture, _, workspace) = try Self.prepared(secret: "health-secret-6c5d4e3f2a1b", servers: [
            ("time", "{\"command\": \"\(MCPFixtures.timeServer)\"}"),
            ("echo", Self.execEntry("echo-env", secret: "claude/api-key")),
        ])
        defer { fixture.stop() }
        // A generous timeout: a test never fails on time, and the failing server fails at once.
        let report = await workspace.healthReport(timeout: .seconds(50)).value

        let byName = Dictionary(report.checks.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let time = try #require(byName["time"])
        #expect(time.section == .servers && time.state == .ok && time.latency != nil, "\(time)")
        let echo = try #require(byName["echo"])
        #expect(echo.state == .failed)
        #expect(echo.detail.contains(Redactor.mask), "what the server wrote is quoted, masked: \(echo.detail)")
        #expect(!report.checks.contains { $0.detail.contains("health-secret-6c5d4e3f2a1b") })
        #expect(byName["compose"]?.state == .off, "no compose file is nothing to check")
        #expect(byName["store"]?.state == .ok || byName["store"]?.state == .warning)
        #expect(byName["store"]?.detail.hasPrefix("1 secret in \(fixture.storeDirectory)") == true, "\(byName["store"]?.detail ?? "")")
        #expect(byName["key"]?.state == .ok && byName["key"]?.section == .gnupg)
        #expect(byName["newest"]?.state == .warning && byName["newest"]?.detail.hasPrefix("no backups in ") == true)
        #expect(!report.isHealthy)

        // Recorded as shown, masked.
        #expect(workspace.record(workspace.redactor.seal(report)) == nil)
        let history = try workspace.healthHistory(name: "echo", span: 3600)
        #expect(history.summaries.first?.lastDetail == echo.detail)
    }

    // MARK: Self-test

    @Test func theSelftestPassesAWorkingSetupAndNamesWhatABrokenOneFails() async throws {
        let (fixture, _, workspace) = try Self.prepared(secret: "selftest-secret-9a8b7c", servers: [("wrapped", Self.execEntry("needs-env", secret: "claude/api-key"))])
        defer { fixture.stop() }

        let working = await workspace.selftest()
        #expect(working.map(\.name) == ["MCP servers connect", "pass store readable", "containers running", "backup made and verified"])
        #expect(working.map(\.passed) == [true, true, nil, true], "\(working)")
        #expect(working[1].detail == "1 secret; claude/api-key decrypts")
        #expect(!FileManager.default.fileExists(atPath: workspace.settings.backupDir), "the backup folder is not touched")

        try FileManager.default.removeItem(atPath: fixture.storeDirectory + "/claude/api-key.gpg")
        try FileManager.default.removeItem(atPath: fixture.storeDirectory + "/.gpg-id")
        let broken = await workspace.selftest()
        #expect(broken.map(\.passed) == [false, false, nil, false], "\(broken)")
        #expect(broken[0].detail.hasPrefix("wrapped: "))
        #expect(broken[3].detail.contains("no key to encrypt the backup to"))
    }

    // MARK: Recovery

    /// What each step of the plan would do now, by title.
    static func plans(_ plan: RecoveryPlan) async -> [String: RecoveryStep.Plan] {
        var plans: [String: RecoveryStep.Plan] = [:]
        for step in plan.steps { plans[step.title] = await step.plan() }
        return plans
    }

    /// A server that still fails after the retry is disabled (parked: the config is a file of
    /// its own) so that the rest is healthy, and comes back with mcp enable.
    @Test func aServerThatStillFailsIsQuarantinedAndTheRestIsHealthy() async throws {
        let (fixture, config, workspace) = try Self.prepared(secret: "quarantine-1a2b3c4d", servers: [
            ("instant", MCPFixtures.stdio("instant")), ("dead", "{\"command\": \"/nonexistent/server\"}"),
        ])
        defer { fixture.stop() }
        let original = try String(contentsOfFile: config, encoding: .utf8)
        let plan = workspace.recoveryPlan()
        let retry = try #require(plan.steps.first { $0.title == "Retry every server" })
        let quarantine = try #require(plan.steps.first { $0.title == "Quarantine the servers that still fail" })
        #expect(await quarantine.plan() == .nothing("no server failed the retry"))
        let retried = await retry.run()
        #expect(!retried.succeeded && retried.summary.hasPrefix("dead: "), "\(retried.summary)")
        #expect(await quarantine.plan() == .act("disable dead (mcp enable NAME brings each back)"))
        let done = await quarantine.run()
        #expect(done.succeeded && done.summary == "disabled dead (file); mcp enable dead brings it back", "\(done.summary)")
        let text = try String(contentsOfFile: config, encoding: .utf8)
        #expect(!text.contains("dead") && text.contains("instant"), "\(text)")
        let report = await workspace.healthReport(runsCanaries: false)
        #expect(report.value.checks.filter { $0.section == .servers }.map { "\($0.name) \($0.state)" } == ["instant ok"], "\(report.value.checks)")
        _ = try workspace.enableServer("dead", scope: nil, config: config, project: nil)
        #expect(try String(contentsOfFile: config, encoding: .utf8) == original, "back as it was")
    }

    @Test func theRecoveryPlanHasNothingToDoForAHealthySetupAndPlansEachRepairOfABrokenOne() async throws {
        let (fixture, config, workspace) = try Self.prepared(secret: "recover-secret-1a2b3c4d", servers: [("instant", MCPFixtures.stdio("instant"))])
        defer { fixture.stop() }
        #expect(try await workspace.checkServers([], in: nil, options: ProbeOptions()).lastKnownGood == .saved)
        let store = fixture.storeDirectory
        let backups = workspace.settings.backupDir

        let plan = workspace.recoveryPlan()
        #expect(plan.steps.map(\.title) == [
            "Stop the containers", "Restore the last known good MCP config", "Retry every server", "Quarantine the servers that still fail",
            "Restore what is missing from the newest backup that verifies", "Check the pass store", "Start the containers", "Check health",
        ])
        #expect(plan.steps.map(\.isFinalCheck) == [false, false, false, false, false, false, false, true])
        #expect(await plan.steps[3].plan() == .nothing("no server failed the retry"))
        var plans = await Self.plans(plan)
        let composeFile = workspace.settings.composeFile
        #expect(plans["Stop the containers"] == .nothing("no compose file at \(composeFile)"))
        #expect(plans["Restore the last known good MCP config"] == .nothing("the current config is healthy"))
        #expect(plans["Retry every server"] == .act("probe the 1 server with up to 5 attempts, backoff 1 to 16 s, 120 s in all"))
        #expect(plans["Restore what is missing from the newest backup that verifies"] == .nothing("no backups in \(backups)"))
        #expect(plans["Check the pass store"] == .nothing("\(store) is initialised, with git"))

        // A backup, then three breaks: a corrupt config, a deleted secret, the store's git gone.
        let created = try await workspace.createBackup(into: backups, recipients: { try workspace.backupRecipients() })
        let name = (created.path as NSString).lastPathComponent
        try Data("{\"mcpServers\": {".utf8).write(to: URL(fileURLWithPath: config))
        try FileManager.default.removeItem(atPath: store + "/claude/api-key.gpg")
        try FileManager.default.removeItem(atPath: store + "/.git")
        plans = await Self.plans(plan)
        guard case .act(let putBack)? = plans["Restore the last known good MCP config"] else { Issue.record("the broken config is mended"); return }
        #expect(putBack.hasPrefix("put \(workspace.lastKnownGood.path) back as \(config) (\(config):1:"), "\(putBack)")
        #expect(putBack.hasSuffix("the current file is kept beside it as \((config as NSString).lastPathComponent).before-restore.TIME"), "\(putBack)")
        guard case .act(let retry)? = plans["Retry every server"] else { Issue.record("the retry waits for the config"); return }
        #expect(retry.hasPrefix("probe every server of \(config) once it reads (now: \(config):1:"), "\(retry)")
        guard case .act(let restore)? = plans["Restore what is missing from the newest backup that verifies"] else { Issue.record("the secret comes back"); return }
        #expect(restore.hasPrefix("bring back ") && restore.contains(" from \(name) ("), "\(restore)")
        #expect(plans["Check the pass store"] == .act("add git to \(store) (pass git init); its keys stay as they are"))

        // Each step run, in order, mends its part; planned again, each has nothing left to do.
        for step in plan.steps where !step.isFinalCheck {
            guard case .act = await step.plan() else { continue }
            let result = await step.run()
            #expect(result.succeeded, "\(step.title): \(result.summary)")
        }
        #expect(FileManager.default.fileExists(atPath: store + "/claude/api-key.gpg"))
        #expect(LastKnownGood.keptCopies(of: config).count == 1)
        plans = await Self.plans(plan)
        #expect(plans["Restore the last known good MCP config"] == .nothing("the current config is healthy"))
        #expect(plans["Restore what is missing from the newest backup that verifies"] == .nothing("nothing of \(name) is missing"))
        #expect(plans["Check the pass store"] == .nothing("\(store) is initialised, with git"))
        #expect(try await workspace.secret(named: "claude/api-key") == "recover-secret-1a2b3c4d")

        // Without a store at all, the step plans to make one.
        try FileManager.default.removeItem(atPath: store)
        let fingerprint = try await workspace.usableKeys()[0].fingerprint
        #expect(await plan.steps[5].plan() == .act("secrets init for \(fingerprint): make \(store) with git"))
    }
}

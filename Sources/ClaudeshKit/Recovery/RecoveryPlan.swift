import Synchronization
/// The guided emergency recovery as a value: its steps in order, each able to say what it
/// would do now and to do it. The shell asks before each step and renders what comes back; a
/// test can walk a plan without a terminal.
package struct RecoveryPlan: Sendable {
    package var steps: [RecoveryStep]
}

package struct RecoveryStep: Sendable {
    /// What a step would do now.
    package enum Plan: Sendable, Equatable {
        case act(String)
        /// Nothing to do, and why.
        case nothing(String)
        /// It cannot be done, and why: a failed step, not a skipped one.
        case cannot(String)
    }

    /// What running a step did.
    package struct Result: Sendable {
        /// What happened, or why the step failed.
        package var summary: String
        package var succeeded: Bool
        /// What compose printed, to show before the summary.
        package var composeText: String?
        /// The health report the last step made, to show before the summary.
        package var report: Redacted<HealthReport>?
        /// Why the report could not be kept in the history.
        package var historyProblem: String?

        static func done(_ summary: String) -> Result { Result(summary: summary, succeeded: true) }
        static func failed(_ error: any Error) -> Result { Result(summary: "\(error)", succeeded: false) }
    }

    package var title: String
    /// The final health check: the recovery is healthy when it succeeds.
    package var isFinalCheck = false
    /// Asked again at each step: an earlier step may have changed the answer.
    package var plan: @Sendable () async -> Plan
    package var run: @Sendable () async -> Result
}

extension Workspace {
    /// The seed's emergency steps, in order: stop the containers, put the last known good
    /// config back when the current one is broken, retry every server, restore what is missing
    /// from the newest backup that verifies, repair the store, start the containers, check.
    ///
    /// The backup comes before the store's check, so that a store's lost git history comes
    /// back from it rather than being started anew.
    /// Under a dry run the steps plan as usual and running one changes nothing.
    package func recoveryPlan() -> RecoveryPlan {
        let passed = PassedConfigs()
        let failing = FailingServers()
        var plan = RecoveryPlan(steps: [
            composeStep("Stop the containers", ["down"], done: "containers stopped"),
            restoreGoodConfigStep(passed),
            retryServersStep(passed, failing: failing),
            quarantineStep(failing),
            restoreMissingStep(),
            storeStep(),
            composeStep("Start the containers", ["up", "--detach"], done: "containers started"),
            healthStep(),
        ])
        if dryRun {
            for index in plan.steps.indices { plan.steps[index].run = { .done("not run: dry run") } }
        }
        return plan
    }

    /// A step that runs `compose WORDS`; whether there is a compose file is asked each time, as
    /// the backup step may bring it back.
    func composeStep(_ title: String, _ words: [String], done: String) -> RecoveryStep {
        let path = settings.composeFile
        return RecoveryStep(title: title, plan: {
            Path.kind(of: path) == .file ? .act("compose \(words.joined(separator: " ")) (\(path))") : .nothing("no compose file at \(path)")
        }, run: {
            do {
                let run = try await compose().run(words)
                guard let failure = run.failure else { return RecoveryStep.Result(summary: done, succeeded: true, composeText: run.shown) }
                return RecoveryStep.Result(summary: failure, succeeded: false, composeText: run.shown)
            } catch {
                return .failed(error)
            }
        })
    }

    /// Puts the last known good back only when it mends something: the current config is
    /// missing, malformed or has a server that fails, and every server of the copy passes. A
    /// newer config that works is never rolled back; it becomes the last known good instead.
    func restoreGoodConfigStep(_ passed: PassedConfigs = PassedConfigs()) -> RecoveryStep {
        let location = configLocation()
        let configPath = location.path
        let good = lastKnownGood
        // The copy's servers are where the config's are (a project's, for the local scope).
        let goodLocation = ConfigLocation(path: good.path, project: location.project)
        return RecoveryStep(title: "Restore the last known good MCP config", plan: {
            guard good.exists else { return .nothing("no last known good config saved yet (mcp check saves one when every server passes)") }
            guard let problem = await configProblem(location, passed) else { return .nothing("the current config is healthy") }
            if Self.sameServers(location, goodLocation) { return .nothing("\(location.description) is the last known good already (\(problem))") }
            // A copy with no servers where this config has them (saved from another project or
            // config) would remove them all: the quarantine step is the one for a failing server.
            if ((try? ClientConfig(location: goodLocation))?.entries.isEmpty ?? true) && Path.kind(of: configPath) == .file {
                return .nothing("\(problem), but the last known good has no servers for \(location.description): putting it back would remove them all")
            }
            if let goodProblem = await configProblem(goodLocation, passed) {
                return .nothing("\(problem), but the last known good fails as well (\(goodProblem)): putting it back would not help")
            }
            return .act("put \(good.path) back as \(configPath) (\(problem)); the current file is kept beside it as \(Path.lastComponent(of: configPath))\(LastKnownGood.keptSuffix)TIME")
        }, run: {
            do {
                let restored = try good.restore(to: location)
                return .done("restored \(restored.path)" + (restored.keptAs.map { "; the previous file is \($0)" } ?? ""))
            } catch {
                return .failed(error)
            }
        })
    }

    /// Why the config at `path` does not work (missing, malformed, a server that fails); nil
    /// when every server passes, in which case it is saved as the last known good.
    /// `passed` remembers the contents whose every server passed.
    func configProblem(_ location: ConfigLocation, _ passed: PassedConfigs = PassedConfigs()) async -> String? {
        let path = location.path
        guard Path.kind(of: path) == .file else { return "\(path) is missing" }
        let config: ClientConfig
        do { config = try ClientConfig(location: location) } catch { return "\(error)" }
        let results = await probeAll(of: config, options: ProbeOptions()) ?? []
        let failed = results.filter { $0.isDown }
        guard failed.isEmpty else { return failed.map { "\($0.server) fails: \($0.reason ?? "failed")" }.joined(separator: "; ") }
        passed.add(Self.serversText(config), servers: results.count)
        if path != lastKnownGood.path { refreshLastKnownGood(config, after: results) }
        return nil
    }

    /// A config's servers as one text, to tell two files' servers apart or alike.
    static func serversText(_ config: ClientConfig) -> [UInt8] {
        Array(JSONValue.object(config.entries.map { ($0.name, $0.entry) }).sortingKeys.serialized().utf8)
    }

    /// Whether two locations hold the same servers (the rest of their files aside).
    static func sameServers(_ a: ConfigLocation, _ b: ConfigLocation) -> Bool {
        guard let first = try? ClientConfig(location: a), let second = try? ClientConfig(location: b) else { return false }
        return serversText(first) == serversText(second)
    }

    /// Retries every server, unless the config step has just seen every server of this very
    /// file pass (the copy it put back): probing them again would only repeat that.
    func retryServersStep(_ passed: PassedConfigs = PassedConfigs(), failing: FailingServers = FailingServers()) -> RecoveryStep {
        let location = configLocation()
        let configPath = location.description
        return RecoveryStep(title: "Retry every server", plan: {
            do { _ = try ClientConfig(location: location) } catch {
                return .act("probe every server of \(configPath) once it reads (now: \(error))")
            }
            // Every server health checks: the config's and the others Claude starts here.
            let count = coveredServers(filter: nil).servers.count
            return count == 0 ? .nothing("no servers in \(configPath)") : .act("probe the \(count) server\(count == 1 ? "" : "s") with up to 5 attempts, backoff 1 to 16 s, 120 s in all")
        }, run: {
            let covered = coveredServers(filter: nil)
            guard let config = covered.config ?? (try? ClientConfig(location: location)) else {
                return RecoveryStep.Result(summary: covered.lines.map { $0.detail }.joined(separator: "; "), succeeded: false)
            }
            // The config's servers passed moments ago, in the config step: only the others are probed.
            let configPassed = passed.servers(of: Self.serversText(config))
            let servers = covered.servers.filter { configPassed == nil || $0.config != location.key }
            guard !servers.isEmpty else { return .done("all \(configPassed ?? 0) passed moments ago, in the config step") }
            var options = probeOptions(ProbeOptions(retries: 4, deadline: .seconds(120), backoff: Backoff(base: .seconds(1), cap: .seconds(16))))
            options.runsCanaries = false // whether each starts is asked here, as the config step asks
            let results = await probe(await probePlan(servers), options: options)
            let failed = zip(servers, results).filter { $0.1.isDown }
            failing.set(failed.map { ($0.0.name, $0.0.scope) })
            guard failed.isEmpty else {
                return RecoveryStep.Result(summary: failed.map { "\($0.1.server): \($0.1.reason ?? "failed")" }.joined(separator: "; "), succeeded: false)
            }
            if configPassed == nil { refreshLastKnownGood(config, after: results.filter { $0.config == location.key }) }
            return .done("all \(results.count) passed" + (configPassed.map { " (and the config's \($0) in the config step)" } ?? ""))
        })
    }

    /// Disables the servers that still failed the retry step, so that the others come back
    /// and the check after says healthy; each the way `mcp disable` does it, and the summary
    /// says how to bring each back.
    func quarantineStep(_ failing: FailingServers) -> RecoveryStep {
        RecoveryStep(title: "Quarantine the servers that still fail", plan: {
            let names = failing.servers.map { $0.name }
            guard !names.isEmpty else { return .nothing("no server failed the retry") }
            return .act("disable \(names.joined(separator: ", ")) (mcp enable NAME brings each back)")
        }, run: {
            var done: [String] = []
            var problems: [String] = []
            for (name, scope) in failing.servers {
                do {
                    let toggled = try disableServer(name, scope: scope, config: nil, project: nil)
                    done.append("\(name) (\(toggled.scope.word))")
                } catch {
                    problems.append("\(name): \(error)")
                }
            }
            guard problems.isEmpty else { return RecoveryStep.Result(summary: problems.joined(separator: "; "), succeeded: false) }
            failing.set([])
            return .done("disabled \(done.joined(separator: ", ")); mcp enable \(done.count == 1 ? done[0].split(separator: " ")[0] : "NAME") brings \(done.count == 1 ? "it" : "each") back")
        })
    }

    func restoreMissingStep() -> RecoveryStep {
        let folder = settings.backupDir
        return RecoveryStep(title: "Restore what is missing from the newest backup that verifies", plan: {
            let (found, problem) = await newestRestorable(dryRun: true)
            guard let (name, restore) = found else {
                return problem.map { .cannot("no backup in \(folder) could be restored: \($0)") } ?? .nothing("no backups in \(folder)")
            }
            let missing = restore.plan.new.count
            guard missing > 0 else { return .nothing("nothing of \(name) is missing") }
            return .act("bring back \(missing) missing item\(missing == 1 ? "" : "s") from \(name) (\(restore.plan.changed.count) changed since are left as they are)")
        }, run: {
            let (found, problem) = await newestRestorable(dryRun: false)
            guard let (name, restore) = found else { return RecoveryStep.Result(summary: "no backup could be restored: \(problem ?? "none is there")", succeeded: false) }
            do {
                let applied = try restore.apply(missingOnly: true)
                guard applied.skipped.isEmpty else { return RecoveryStep.Result(summary: applied.skipped.map { "\($0.path): \($0.reason)" }.joined(separator: "; "), succeeded: false) }
                return .done("\(applied.written.count) item\(applied.written.count == 1 ? "" : "s") back from \(name)")
            } catch {
                return .failed(error)
            }
        })
    }

    func storeStep() -> RecoveryStep {
        let store = self.store
        let gnupg = self.gnupg
        return RecoveryStep(title: "Check the pass store", plan: {
            if store.isInitialized && store.hasGit { return .nothing("\(store.directory) is initialised, with git") }
            if store.isInitialized { return .act("add git to \(store.directory) (pass git init); its keys stay as they are") }
            // The keys the run would encrypt to, checked as the run checks them: a dry run must
            // not promise an init that fails for want of a key.
            do {
                let recipients = try await defaultStoreRecipients()
                try await gnupg.checkRecipients(recipients)
                return .act("secrets init for \(recipients.joined(separator: ", ")): make \(store.directory) with git")
            } catch {
                return .cannot("secrets init would fail: \(error)")
            }
        }, run: {
            do {
                // An initialised store keeps its keys: only what is missing is added.
                let recipients = store.isInitialized ? [] : try await defaultStoreRecipients()
                let report = try await store.initialize(recipients: recipients)
                return .done([report.recipientsChanged ? "initialised" : nil, report.gitCreated ? "git added" : nil].compactMap { $0 }.joined(separator: ", "))
            } catch {
                return .failed(error)
            }
        })
    }

    func healthStep() -> RecoveryStep {
        RecoveryStep(title: "Check health", isFinalCheck: true, plan: {
            .act("the health dashboard")
        }, run: {
            let report = await healthReport()
            var result = RecoveryStep.Result(summary: "healthy", succeeded: true, report: report, historyProblem: record(report))
            if !report.value.isHealthy {
                result.succeeded = false
                result.summary = "still unhealthy: \(report.value.checks.filter { $0.state == .failed }.map { $0.name }.joined(separator: ", "))"
            }
            return result
        })
    }
}

/// The servers that failed the retry step (name, and scope when known), for the quarantine
/// step after it.
final class FailingServers: Sendable {
    private let failing = Mutex<[(name: String, scope: String?)]>([])

    var servers: [(name: String, scope: String?)] { failing.withLock { $0 } }

    func set(_ servers: [(name: String, scope: String?)]) { failing.withLock { $0 = servers } }
}

/// Config contents whose every server passed during this recovery, and how many servers that was.
final class PassedConfigs: Sendable {
    private let seen = Mutex<[[UInt8]: Int]>([:])

    func add(_ bytes: [UInt8], servers: Int) { seen.withLock { $0[bytes] = servers } }

    func servers(of bytes: [UInt8]) -> Int? { seen.withLock { $0[bytes] } }
}

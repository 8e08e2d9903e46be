#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// recover: the emergency steps, each planned, asked, run and reported.
enum RecoverCommand {
    /// What a step would do now.
    enum Plan {
        case act(String)
        /// Nothing to do, and why.
        case nothing(String)
        /// It cannot be done, and why: a failed step, not a skipped one.
        case cannot(String)
    }

    /// One step: what it would do now, and doing it.
    struct Step {
        var title: String
        var plan: @MainActor () async -> Plan
        /// Returns what happened; throws when the step failed.
        var run: @MainActor () async throws -> String
    }

    enum Outcome { case done(String), failed(String), skipped(String) }

    static let command = Command(
        "recover", group: HealthCommands.group, summary: "Guided emergency recovery: stop, restore the good config, retry, restore what is missing, repair the store, start, check",
        discussion: """
        Each step says what it will do, then asks: y runs it, n or skip passes it, q stops.
        --dry-run prints every step's plan and changes nothing; --yes runs every step without
        asking (for scripts and cron). The backup step brings back only what is missing (a
        deleted secret, a lost config); files that are there are never replaced by it. It ends
        with the health dashboard and the time recovery took; exit 1 unless everything is healthy.
        The backup comes before the store's check, so that a store's lost git history comes back
        from it rather than being started anew.
        """,
        flags: [Flag("dry-run", "print the plan of every step, change nothing")],
        examples: ["recover", "recover --dry-run", "claudesh --yes recover"]
    ) { invocation in
        let session = invocation.session
        let output = invocation.output
        let dryRun = session.context.dryRun || invocation.arguments.has("dry-run")
        guard dryRun || session.context.assumeYes || session.askUser != nil else {
            throw ShellError.failed("recover asks before each step and there is no terminal: run claudesh --yes recover, or recover --dry-run for the plan")
        }
        let clock = ContinuousClock()
        let started = clock.now
        var waited = Duration.zero // at the questions: not recovery time
        var outcomes: [Outcome] = []
        var healthy = false
        for (index, step) in steps(invocation).enumerated() {
            // Ctrl-C stops the walk: no later step runs on a half-cancelled state.
            try Task.checkCancellation()
            output.line(output.styled("\(index + 1). \(step.title)", .bold))
            let action: String
            switch await step.plan() {
            case .act(let text): action = text
            case .nothing(let reason):
                output.line("   nothing to do: \(reason)")
                outcomes.append(.skipped(reason))
                continue
            case .cannot(let reason):
                output.line("   " + output.styled("✘", .red) + " cannot: \(reason)")
                outcomes.append(.failed(reason))
                continue
            }
            try Task.checkCancellation()
            output.line("   will: \(action)")
            if dryRun {
                outcomes.append(.skipped("dry run"))
                continue
            }
            if !session.context.assumeYes {
                output.write("   run it? [y/N/skip/quit] ")
                guard let ask = session.askUser else { break }
                let answer: String
                let asked = clock.now
                defer { waited += clock.now - asked }
                switch ask() {
                case .line(let text): answer = text.trimmingWhitespace.lowercased()
                case .end, .interrupted: answer = "quit"
                }
                if answer == "q" || answer == "quit" {
                    output.line("   stopped here.")
                    return .failure
                }
                guard answer == "y" || answer == "yes" else {
                    output.line("   skipped.")
                    outcomes.append(.skipped("answered no"))
                    continue
                }
            }
            do {
                let result = try await step.run()
                try Task.checkCancellation()
                output.line("   " + output.styled("✔", .green) + " " + result)
                outcomes.append(.done(result))
                if step.title == finalTitle { healthy = true }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                if Task.isCancelled { throw CancellationError() }
                output.line("   " + output.styled("✘", .red) + " \(error)")
                outcomes.append(.failed("\(error)"))
            }
        }
        let seconds = (clock.now - started - waited).seconds
        if dryRun {
            output.line("Dry run: nothing was changed.")
            return .success
        }
        let failed = outcomes.filter { if case .failed = $0 { return true } else { return false } }.count
        output.line("Recovery took \(Units.seconds(seconds)) (the target is under 30 s): "
            + (healthy ? output.styled("healthy", .green) : output.styled("not healthy", .red)) + (failed > 0 ? ", \(failed) step\(failed == 1 ? "" : "s") failed" : "") + ".")
        return healthy ? .success : .failure
    }

    static let finalTitle = "Check health"

    /// The seed's emergency steps, in order.
    @MainActor
    static func steps(_ invocation: Invocation) -> [Step] {
        let context = invocation.session.context
        let composePath = context.settings.composeFile
        /// A step that runs `compose WORDS`; whether there is a compose file is asked each time,
        /// as the backup step may bring it back.
        func composeStep(_ title: String, _ words: [String], done: String) -> Step {
            Step(title: title, plan: {
                Path.kind(of: composePath) == .file ? .act("compose \(words.joined(separator: " ")) (\(composePath))") : .nothing("no compose file at \(composePath)")
            }, run: {
                let status = try await ComposeAccess.prepare(invocation).run(words, invocation)
                guard status == .success else { throw ShellError.failed("compose \(words[0]) failed") }
                return done
            })
        }
        let configPath = context.settings.mcpConfig.path(in: context.environment)
        let good = LastKnownGood(home: context.home)
        let store = SecretsAccess.store(context)
        return [
            composeStep("Stop the containers", ["down"], done: "containers stopped"),
            Step(title: "Restore the last known good MCP config", plan: {
                guard good.exists else { return .nothing("no last known good config saved yet (mcp check saves one when every server passes)") }
                if (try? FileIO.read(good.path)) == (try? FileIO.read(configPath)) { return .nothing("\(configPath) is the last known good already") }
                return .act("put \(good.path) back as \(configPath); the current file is kept beside it as .before-restore")
            }, run: {
                let restored = try good.restore(to: configPath)
                return "restored \(restored.path)" + (restored.keptAs.map { "; the previous file is \($0)" } ?? "")
            }),
            Step(title: "Retry every server", plan: {
                let count: Int
                do { count = try ClientConfig(path: configPath).entries.count } catch {
                    return .act("probe every server of \(configPath) once it reads (now: \(error))")
                }
                return count == 0 ? .nothing("no servers in \(configPath)") : .act("probe the \(count) server\(count == 1 ? "" : "s") with up to 5 attempts, backoff 1 to 16 s, 120 s in all")
            }, run: {
                let config = try ClientConfig(path: configPath)
                let options = ProbeOptions(retries: 4, deadline: .seconds(120), backoff: Backoff(base: .seconds(1), cap: .seconds(16)), logFolder: Path.join(context.home, "logs"))
                let results = await Prober.check(MCPCheckCommands.targets(config.entries, context), options: options,
                                                 secrets: await MCPCheckCommands.referencedSecrets(config.entries, context))
                let failed = results.filter { !$0.passed }
                guard failed.isEmpty else {
                    throw ShellError.failed(failed.map { "\($0.server): \($0.reason ?? "failed")" }.joined(separator: "; "))
                }
                return "all \(results.count) passed"
            }),
            Step(title: "Restore what is missing from the newest backup that verifies", plan: {
                let (found, problem) = await newestRestorable(context, dryRun: true)
                guard let (name, restore) = found else {
                    return problem.map { .cannot("no backup in \(context.settings.backupDir) could be restored: \($0)") } ?? .nothing("no backups in \(context.settings.backupDir)")
                }
                let missing = restore.plan.new.count
                guard missing > 0 else { return .nothing("nothing of \(name) is missing") }
                return .act("bring back \(missing) missing item\(missing == 1 ? "" : "s") from \(name) (\(restore.plan.changed.count) changed since are left as they are)")
            }, run: {
                let (found, problem) = await newestRestorable(context, dryRun: false)
                guard let (name, restore) = found else { throw ShellError.failed("no backup could be restored: \(problem ?? "none is there")") }
                let applied = try restore.apply(missingOnly: true)
                guard applied.skipped.isEmpty else { throw ShellError.failed(applied.skipped.map { "\($0.path): \($0.reason)" }.joined(separator: "; ")) }
                return "\(applied.written.count) item\(applied.written.count == 1 ? "" : "s") back from \(name)"
            }),
            Step(title: "Check the pass store", plan: {
                if store.isInitialized && store.hasGit { return .nothing("\(store.directory) is initialised, with git") }
                let key = context.settings.gpgID.map { " for \($0)" } ?? " for your secret key"
                return store.isInitialized ? .act("add git to \(store.directory) (pass git init); its keys stay as they are") : .act("secrets init\(key): make \(store.directory) with git")
            }, run: {
                // An initialised store keeps its keys: only what is missing is added.
                let recipients = store.isInitialized ? [] : try await SecretsCommands.defaultRecipients(context, store)
                let report = try await store.initialize(recipients: recipients)
                return [report.recipientsChanged ? "initialised" : nil, report.gitCreated ? "git added" : nil].compactMap { $0 }.joined(separator: ", ")
            }),
            composeStep("Start the containers", ["up", "--detach"], done: "containers started"),
            Step(title: finalTitle, plan: {
                .act("the health dashboard")
            }, run: {
                let report = try await HealthCommands.check(invocation)
                invocation.output.line(HealthBox.render(report, output: invocation.output, width: Terminal.columns(environment: context.environment)))
                guard report.isHealthy else { throw ShellError.failed("still unhealthy: \(report.checks.filter { $0.state == .failed }.map(\.name).joined(separator: ", "))") }
                return "healthy"
            }),
        ]
    }

    /// The newest backup of the backup folder that verifies, read (and staged unless `dryRun`)
    /// for the home; else why the newest could not be used (nil: there are none).
    @MainActor
    static func newestRestorable(_ context: SessionContext, dryRun: Bool) async -> (found: (String, BackupRestore)?, problem: String?) {
        let folder = context.settings.backupDir
        let environment = SecretsAccess.environment(context).variables
        var problem: String?
        for name in BackupArchive.names(in: folder).reversed() {
            do {
                return ((name, try await BackupRestore.prepare(Path.join(folder, name), target: context.environment.userHome, only: [], dryRun: dryRun, environment: environment)), nil)
            } catch {
                if Task.isCancelled { return (nil, "interrupted") }
                problem = problem ?? "\(name): \(error)"
            }
        }
        return (nil, problem)
    }
}

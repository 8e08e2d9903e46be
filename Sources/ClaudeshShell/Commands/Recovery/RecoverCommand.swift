#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// recover: the emergency steps of the kit's recovery plan, each planned, asked, run and
/// reported.
enum RecoverCommand {
    enum Outcome { case done(String), failed(String), skipped(String) }

    static let command = Command(
        "recover", group: CommandGroup.health, summary: "Guided emergency recovery: stop, restore the good config, retry, quarantine, restore what is missing, repair the store, start, check",
        discussion: """
        Each step says what it will do, then asks: y runs it, n or skip passes it, q stops.
        --dry-run prints every step's plan and changes nothing; --yes runs every step without
        asking (for scripts and cron). The backup step brings back only what is missing (a
        deleted secret, a lost config); files that are there are never replaced by it. It ends
        with the health dashboard and the time recovery took; exit 1 unless everything is healthy.
        The backup comes before the store's check, so that a store's lost git history comes back
        from it rather than being started anew. A server that still fails after the retry can
        be quarantined (disabled as mcp disable does it) so that the others come back; the
        step says how to enable it again.
        """,
        flags: [Flag("dry-run", "print the plan of every step, change nothing"), .yes],
        examples: ["recover", "recover --dry-run", "recover --yes"]
    ) { invocation in
        let session = invocation.session
        let output = invocation.output
        let dryRun = session.context.dryRun || invocation.arguments.has("dry-run")
        guard dryRun || invocation.assumesYes || session.askUser != nil else {
            throw ShellError.failed("recover asks before each step and there is no terminal: run recover --yes, or recover --dry-run for the plan")
        }
        let clock = ContinuousClock()
        let started = clock.now
        var waited = Duration.zero // at the questions: not recovery time
        var outcomes: [Outcome] = []
        var healthy = false
        for (index, step) in invocation.workspace.recoveryPlan().steps.enumerated() {
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
            if !invocation.assumesYes {
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
            let result = await step.run()
            render(result, invocation)
            if Task.isCancelled { throw CancellationError() }
            if result.succeeded {
                output.line("   " + output.styled("✔", .green) + " " + result.summary)
                outcomes.append(.done(result.summary))
                if step.isFinalCheck { healthy = true }
            } else {
                output.line("   " + output.styled("✘", .red) + " \(result.summary)")
                outcomes.append(.failed(result.summary))
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

    /// What a step brought to show before its verdict: compose's output, the dashboard.
    @MainActor
    static func render(_ result: RecoveryStep.Result, _ invocation: Invocation) {
        if let text = result.composeText { invocation.output.write(text) }
        if let problem = result.historyProblem { invocation.session.report(problem) }
        if let report = result.report {
            invocation.output.line(HealthBox.render(report.value, output: invocation.output, width: Terminal.columns(environment: invocation.session.context.environment)))
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// schedule install, list, remove: the classic jobs in the user's crontab (Linux) or as launchd
/// agents (macOS).
enum ScheduleCommands {
    static let group = HealthCommands.group

    @MainActor
    static var command: Command {
        Command(
            "schedule", group: group, summary: "Scheduled jobs: health every 5 min, retry at boot, a daily backup, a weekly verify",
            discussion: """
            On Linux a block in your crontab (crontab -l shows it; your other lines are kept); on
            macOS launchd agents in ~/Library/LaunchAgents. Each run appends to
            HOME/logs/schedule-JOB.log, and carries CLAUDESH_HOME, GNUPGHOME, PASSWORD_STORE_DIR,
            DOCKER_HOST, DOCKER_CONTEXT, XDG_CONFIG_HOME and PATH as this session has them.
            """,
            subcommands: [install, list, remove]
        )
    }

    /// What the jobs run with: this binary, this home, the carried variables (not one that holds
    /// a credential: a crontab line is in every `ps`), and the settings that differ from their
    /// defaults, set before each job since cron runs no rc file.
    @MainActor
    static func target(_ invocation: Invocation) -> ScheduleTarget {
        let context = invocation.session.context
        var environment = [("CLAUDESH_HOME", context.home)]
        let redactor = Redactor(values: context.vault.values)
        for name in ScheduleTarget.carried where name != "CLAUDESH_HOME" {
            guard let value = context.environment.variables[name], !value.isEmpty else { continue }
            let authority = value.firstRange(of: "://").map { value[$0.upperBound...].prefix { $0 != "/" } } ?? ""
            if redactor.redact(value) != value || authority.contains("@") {
                invocation.session.report("\(name) holds a credential: it is not written into the jobs; give the jobs that value another way")
                continue
            }
            environment.append((name, value))
        }
        let defaults = Settings(home: context.home, environment: context.environment)
        let keys: [Settings.Key] = [.composeFile, .backupDir, .gpgID, .mcpConfig, .historyDays]
        let prelude = keys.filter { context.settings.value(of: $0) != defaults.value(of: $0) && !context.settings.value(of: $0).isEmpty }
            .map { "set \($0.rawValue) \(Tokenizer.quoted(context.settings.value(of: $0)))" }
        return ScheduleTarget(program: Claudesh.executablePath, logFolder: Path.join(context.home, "logs"), environment: environment, prelude: prelude)
    }

    static var usesLaunchd: Bool {
        #if os(macOS)
        return true
        #else
        return false
        #endif
    }

    static let install = Command(
        "install", group: group, summary: "Install the jobs (again: they replace the ones installed before)",
        flags: [Flag("print", "print the crontab block (and the launchd plists) instead of installing")],
        examples: ["schedule install", "schedule install --print"]
    ) { invocation in
        let context = invocation.session.context
        let target = target(invocation)
        let jobs = ScheduledJob.standard
        if invocation.arguments.has("print") {
            invocation.output.write(CronTable.block(jobs, target: target))
            for job in jobs { invocation.output.write("\n<!-- \(LaunchdPlist.fileName(of: job)) -->\n" + LaunchdPlist.render(job, target: target)) }
            return .success
        }
        if usesLaunchd {
            let folder = Path.join(context.environment.userHome, "Library/LaunchAgents")
            let changed = jobs.filter { (try? FileIO.read(Path.join(folder, LaunchdPlist.fileName(of: $0)))) != Array(LaunchdPlist.render($0, target: target).utf8) }
            if changed.isEmpty {
                invocation.output.line("Already done: the agents in \(folder) are as they would be written")
                return .success
            }
            if context.dryRun {
                invocation.output.line("would write and load \(changed.count) agents in \(folder) (dry run)")
                return .success
            }
            try FileIO.makeDirectory(target.logFolder)
            try FileIO.makeDirectory(folder, mode: 0o755)
            for job in changed {
                let path = Path.join(folder, LaunchdPlist.fileName(of: job))
                try AtomicFile.write(Array(LaunchdPlist.render(job, target: target).utf8), to: path, mode: 0o644)
                _ = try await run(["launchctl", "unload", path], context)
                let loaded = try await run(["launchctl", "load", "-w", path], context)
                guard loaded.termination.isSuccess else { throw ShellError.failed("launchctl load \(path) failed: \(loaded.errorText)") }
            }
        } else {
            let current = try await crontab(context)
            let wanted = try CronTable.installing(CronTable.block(jobs, target: target), into: current)
            if wanted == current {
                invocation.output.line("Already done: the jobs are in your crontab as they would be written")
                return .success
            }
            if context.dryRun {
                invocation.output.line("would install \(jobs.count) jobs in your crontab (dry run)")
                return .success
            }
            try FileIO.makeDirectory(target.logFolder)
            try await writeCrontab(wanted, context)
        }
        for job in jobs { invocation.output.line("Installed \(job.name): \(job.summary) (log: \(target.logPath(of: job)))") }
        return .success
    }

    static let list = Command(
        "list", aliases: ["ls"], group: group, summary: "The jobs and whether they are installed",
        flags: [.json],
        examples: ["schedule list"]
    ) { invocation in
        let context = invocation.session.context
        var installed: [String: Bool] = [:]
        if usesLaunchd {
            let folder = Path.join(context.environment.userHome, "Library/LaunchAgents")
            for job in ScheduledJob.standard { installed[job.name] = Path.kind(of: Path.join(folder, LaunchdPlist.fileName(of: job))) == .file }
        } else {
            let lines = CronTable.installedLines(in: try await crontab(context)) ?? []
            for job in ScheduledJob.standard {
                // A job's line is known by its schedule and its log.
                installed[job.name] = lines.contains { $0.hasPrefix(job.cronSchedule + " ") && $0.contains("schedule-\(job.name).log") }
            }
        }
        if invocation.wantsJSON {
            invocation.output.json(.array(ScheduledJob.standard.map { job in
                .object([("name", .string(job.name)), ("when", .string(job.cronSchedule)), ("command", .string("claudesh " + job.arguments.joined(separator: " "))), ("installed", .bool(installed[job.name] == true))])
            }))
        } else {
            let rows = ScheduledJob.standard.map { job in
                [job.name, job.cronSchedule, "claudesh " + job.arguments.joined(separator: " "), installed[job.name] == true ? "installed" : "not installed"]
            }
            invocation.output.line(Table(headers: ["JOB", "WHEN", "RUNS", "STATE"], rows: rows).render())
        }
        return .success
    }

    static let remove = Command(
        "remove", aliases: ["rm"], group: group, summary: "Take the jobs out (your other crontab lines stay)",
        examples: ["schedule remove"]
    ) { invocation in
        let context = invocation.session.context
        if usesLaunchd {
            let folder = Path.join(context.environment.userHome, "Library/LaunchAgents")
            let present = ScheduledJob.standard.map { Path.join(folder, LaunchdPlist.fileName(of: $0)) }.filter { Path.kind(of: $0) == .file }
            guard !present.isEmpty else {
                invocation.output.line("Already done: no claudesh agents in \(folder)")
                return .success
            }
            if context.dryRun {
                invocation.output.line("would unload and delete \(present.count) agents (dry run)")
                return .success
            }
            for path in present {
                _ = try await run(["launchctl", "unload", "-w", path], context)
                unlink(path)
            }
        } else {
            let current = try await crontab(context)
            guard CronTable.installedLines(in: current) != nil else {
                invocation.output.line("Already done: no claudesh jobs in your crontab")
                return .success
            }
            if context.dryRun {
                invocation.output.line("would take the claudesh jobs out of your crontab (dry run)")
                return .success
            }
            try await writeCrontab(try CronTable.removing(from: current), context)
        }
        invocation.output.line("Removed the claudesh jobs")
        return .success
    }

    @MainActor
    static func run(_ words: [String], _ context: SessionContext, input: [UInt8]? = nil) async throws -> ProcessRunner.Result {
        try await ProcessRunner.run(ProcessSpec(words[0], Array(words.dropFirst()), environment: context.environment.variables), input: input, timeout: .seconds(30))
    }

    /// The user's crontab; empty when there is none.
    @MainActor
    static func crontab(_ context: SessionContext) async throws -> String {
        let result: ProcessRunner.Result
        do { result = try await run(["crontab", "-l"], context) } catch {
            throw ShellError.failed("crontab is not installed: install cron (sudo apt install cron), then schedule install")
        }
        if result.termination.isSuccess { return String(decoding: result.output, as: UTF8.self) }
        if result.errorText.contains("no crontab") { return "" }
        throw ShellError.failed("crontab -l failed: \(result.errorText.trimmingWhitespace)")
    }

    @MainActor
    static func writeCrontab(_ text: String, _ context: SessionContext) async throws {
        let result = try await run(["crontab", "-"], context, input: Array(text.utf8))
        guard result.termination.isSuccess else { throw ShellError.failed("crontab refused the new table, which was not installed: \(result.errorText.trimmingWhitespace)") }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClaudeshKit

/// schedule install, list, remove, run, test-alert: the classic jobs in the user's crontab
/// (Linux) or as launchd agents (macOS), and the alert a failed one sends.
enum ScheduleCommands {
    static let group = CommandGroup.health

    @MainActor
    static var command: Command {
        Command(
            "schedule", group: group, summary: "Scheduled jobs: health every 5 min, retry at boot, a daily backup, a weekly verify and secrets audit",
            discussion: """
            On Linux a block in your crontab (crontab -l shows it; your other lines are kept); on
            macOS launchd agents in ~/Library/LaunchAgents. Each run appends to
            HOME/logs/schedule-JOB.log, and carries CLAUDESH_HOME, GNUPGHOME, PASSWORD_STORE_DIR,
            DOCKER_HOST, DOCKER_CONTEXT, XDG_CONFIG_HOME and PATH as this session has them, and
            the settings that differ from their defaults. A job that fails is reported once per
            failure streak to the alert command (set alert 'COMMAND', the report on its stdin)
            and/or by email (set alert-email, smtp-host, smtp-port, smtp-starttls, smtp-from,
            smtp-user, smtp-password: a pass entry).
            """,
            subcommands: [install, list, remove, run, testAlert]
        )
    }

    /// What the jobs run with; a variable that holds a credential is said and left out.
    @MainActor
    static func target(_ invocation: Invocation) throws -> ScheduleTarget {
        let (target, refused) = try invocation.workspace.scheduleTarget()
        for name in refused {
            invocation.session.report("\(name) holds a credential: it is not written into the jobs; give the jobs that value another way")
        }
        return target
    }

    /// "Already done: …", "… (dry run)", or nil when the change was made.
    static func said(_ change: Workspace.ScheduleChange) -> String? {
        switch change {
        case .alreadyDone(let what): return "Already done: \(what)"
        case .wouldDo(let what): return "\(what) (dry run)"
        case .done: return nil
        }
    }

    static let gatewayFlags = [
        Flag("gateway", "the gateway as a user service listening over HTTP (a systemd user unit, a launchd agent), restarted when it fails"),
        Flag("listen", value: "[HOST:]PORT", "with --gateway: where it listens (default 127.0.0.1:8811)"),
        Flag("profile", value: "NAME", "with --gateway: the gateway profile (default: default)", completion: .gatewayProfiles),
    ]

    static let install = Command(
        "install", group: group, summary: "Install the jobs (again: they replace the ones installed before), or the gateway's service",
        flags: [Flag("print", "print what would be installed instead: the crontab block (Linux) or the launchd plists (macOS)")] + gatewayFlags,
        examples: ["schedule install", "schedule install --print", "schedule install --gateway --listen 8811"]
    ) { invocation in
        if invocation.arguments.has("gateway") { return try await installGateway(invocation) }
        let target = try target(invocation)
        let jobs = ScheduledJob.standard
        if invocation.arguments.has("print") {
            invocation.output.write(invocation.workspace.schedulePreview(target))
            return .success
        }
        if let said = said(try await invocation.workspace.installSchedule(target)) {
            invocation.output.line(said)
            return .success
        }
        for job in jobs { invocation.output.line("Installed \(job.name): \(job.summary) (log: \(target.logPath(of: job)))") }
        return .success
    }

    @MainActor
    static func installGateway(_ invocation: Invocation) async throws -> ExitStatus {
        let (host, port) = try Workspace.listenAddress(invocation.arguments.value("listen") ?? "127.0.0.1:8811")
        let listen = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let profile = invocation.arguments.value("profile") ?? GatewayProfile.defaultName
        _ = try target(invocation)
        if invocation.arguments.has("print") {
            let (path, text) = try invocation.workspace.gatewayService(listen: listen, profile: profile)
            invocation.output.line("# " + path)
            invocation.output.write(text)
            return .success
        }
        let installed = try await invocation.workspace.installGatewayService(listen: listen, profile: profile)
        if let said = said(installed.change) {
            invocation.output.line(said)
            return .success
        }
        invocation.output.line("Installed the gateway service: \(installed.path) (HTTP on \(listen); gateway connect desktop --listen \(listen) points Claude at it)")
        if let problem = installed.startProblem {
            invocation.session.report("it was not started: \(problem)")
            return .failure
        }
        return .success
    }

    static let list = Command(
        "list", aliases: ["ls"], group: group, summary: "The jobs and whether they are installed",
        flags: [.json],
        examples: ["schedule list"]
    ) { invocation in
        let installed = try await invocation.workspace.installedJobs()
        if invocation.wantsJSON {
            invocation.output.json(.array(ScheduledJob.standard.map { job in
                .object([("name", .string(job.name)), ("when", .string(job.cronSchedule)), ("command", .string("claudesh " + job.arguments.joined(separator: " "))), ("installed", .bool(installed[job.name] == true))])
            }))
        } else {
            let rows = ScheduledJob.standard.map { job in
                [job.name, job.cronSchedule, "claudesh " + job.arguments.joined(separator: " "), installed[job.name] == true ? "installed" : "not installed"]
            }
            invocation.output.line(Table(headers: ["JOB", "WHEN", "RUNS", "STATE"], rows: rows, width: invocation.terminalWidth).render())
        }
        return .success
    }

    static let remove = Command(
        "remove", aliases: ["rm"], group: group, summary: "Take the jobs out (your other crontab lines stay), or the gateway's service",
        flags: [gatewayFlags[0], gatewayFlags[2]],
        examples: ["schedule remove", "schedule remove --gateway"]
    ) { invocation in
        if invocation.arguments.has("gateway") {
            let removed = try await invocation.workspace.removeGatewayService(profile: invocation.arguments.value("profile") ?? GatewayProfile.defaultName)
            invocation.output.line(said(removed.change) ?? "Stopped and removed the gateway service \(removed.path)")
            return .success
        }
        if let said = said(try await invocation.workspace.removeSchedule()) {
            invocation.output.line(said)
            return .success
        }
        invocation.output.line("Removed the claudesh jobs")
        return .success
    }

    static let run = Command(
        "run", group: group, summary: "Run a job as the schedule does: its output, and an alert when a failure streak starts",
        arguments: [Argument("JOB", "the job", completion: .choices(ScheduledJob.standard.map { $0.name }))],
        examples: ["schedule run health"]
    ) { invocation in
        let run = try await invocation.workspace.runScheduledJob(invocation.arguments.positionals[0])
        invocation.output.write(run.output)
        switch run.alert {
        case .notNeeded, .notConfigured: break
        case .alreadySent: invocation.output.line("claudesh: \(run.job.name) \(run.termination); this failure streak was reported already")
        case .sent(let places): invocation.output.line("claudesh: \(run.job.name) \(run.termination); reported to \(places.joined(separator: " and "))")
        case .failed(let problem): invocation.session.report("\(run.job.name) \(run.termination), and its alert was not sent: \(problem)")
        }
        if case .exited(let status) = run.termination { return ExitStatus(rawValue: status) }
        return .failure
    }

    static let testAlert = Command(
        "test-alert", group: group, summary: "Send a test alert now, through the alert command and/or the alert email",
        examples: ["schedule test-alert"]
    ) { invocation in
        let places = try await invocation.workspace.sendTestAlert()
        invocation.output.line("Sent a test alert to \(places.joined(separator: " and "))")
        return .success
    }
}

/// The jobs of the classic setup, run by cron (Linux) or launchd (macOS): health every five
/// minutes, the servers' retry at boot, a backup daily at 02:00, a verify of it weekly, and a
/// weekly security scan (`secrets audit`: tokens in clear text, loose permissions).
package struct ScheduledJob: Sendable, Equatable {
    enum When: Sendable, Equatable {
        case everyMinutes(Int)
        case atBoot
        case daily(hour: Int, minute: Int)
        /// weekday: 0 is Sunday, as cron and launchd count.
        case weekly(weekday: Int, hour: Int, minute: Int)
    }

    package var name: String
    package var summary: String
    var when: When
    /// claudesh's arguments.
    package var arguments: [String]

    package static let standard: [ScheduledJob] = [
        ScheduledJob(name: "health", summary: "health every 5 minutes", when: .everyMinutes(5), arguments: ["health"]),
        ScheduledJob(name: "retry", summary: "servers retried at boot", when: .atBoot, arguments: ["mcp", "retry"]),
        ScheduledJob(name: "backup", summary: "a backup daily at 02:00", when: .daily(hour: 2, minute: 0), arguments: ["backup", "create"]),
        ScheduledJob(name: "verify", summary: "the newest backup verified on Sundays at 03:00", when: .weekly(weekday: 0, hour: 3, minute: 0), arguments: ["backup", "verify"]),
        ScheduledJob(name: "audit", summary: "the secrets audited (secrets audit) on Mondays at 04:00", when: .weekly(weekday: 1, hour: 4, minute: 0), arguments: ["secrets", "audit"]),
    ]

    /// The five cron fields, or `@reboot`.
    package var cronSchedule: String {
        switch when {
        case .everyMinutes(let minutes): return "*/\(minutes) * * * *"
        case .atBoot: return "@reboot"
        case .daily(let hour, let minute): return "\(minute) \(hour) * * *"
        case .weekly(let weekday, let hour, let minute): return "\(minute) \(hour) * * \(weekday)"
        }
    }
}

/// Where a scheduled run finds claudesh and writes its log, and the environment it needs (cron
/// starts jobs with almost none).
package struct ScheduleTarget: Sendable, Equatable {
    var program: String
    var logFolder: String
    /// Variables the job sets, e.g. CLAUDESH_HOME, GNUPGHOME, PASSWORD_STORE_DIR, DOCKER_HOST.
    var environment: [(String, String)]
    /// Lines run before the job (`set backup-dir …`): the session's settings, which a run started
    /// by cron would not otherwise have.
    var prelude: [String]

    init(program: String, logFolder: String, environment: [(String, String)], prelude: [String] = []) {
        self.program = program
        self.logFolder = logFolder
        self.environment = environment
        self.prelude = prelude
    }

    package static func == (a: ScheduleTarget, b: ScheduleTarget) -> Bool {
        a.program == b.program && a.logFolder == b.logFolder && a.prelude == b.prelude
            && a.environment.map { $0.0 + "=" + $0.1 } == b.environment.map { $0.0 + "=" + $0.1 }
    }

    /// claudesh's arguments for `job`: `schedule run JOB` (which runs the job and reports its
    /// failure), after a prelude each line as `-c`.
    func arguments(for job: ScheduledJob) -> [String] {
        Self.arguments(["schedule", "run", job.name], after: prelude)
    }

    /// claudesh's arguments for `words`, or, after a prelude, each line as `-c`.
    static func arguments(_ words: [String], after prelude: [String]) -> [String] {
        guard !prelude.isEmpty else { return words }
        return prelude.flatMap { ["-c", $0] } + ["-c", words.joined(separator: " ")]
    }

    package func logPath(of job: ScheduledJob) -> String { Path.join(logFolder, "schedule-\(job.name).log") }

    /// The variables a scheduled run needs from `environment`, when set.
    static let carried = ["CLAUDESH_HOME", "GNUPGHOME", "PASSWORD_STORE_DIR", "DOCKER_HOST", "DOCKER_CONTEXT", "PATH", "XDG_CONFIG_HOME"]
}

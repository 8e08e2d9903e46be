#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The classic jobs in the user's crontab (Linux) or as launchd agents (macOS).
extension Workspace {
    static var usesLaunchd: Bool {
        #if os(macOS)
        return true
        #else
        return false
        #endif
    }

    /// What the jobs run with: the installed claudesh (`recordedProgram`), this home, the carried variables, and the settings
    /// that differ from their defaults, set before each job since cron runs no rc file. A
    /// variable that holds a credential is left out (a crontab line is in every `ps`): its
    /// name is in `refused`.
    package func scheduleTarget() throws -> (target: ScheduleTarget, refused: [String]) {
        var carried = [("CLAUDESH_HOME", home)]
        var refused: [String] = []
        for name in ScheduleTarget.carried where name != "CLAUDESH_HOME" {
            guard let value = environment.variables[name], !value.isEmpty else { continue }
            let authority = value.firstRange(of: "://").map { value[$0.upperBound...].prefix { $0 != "/" } } ?? ""
            if redactor.redact(value) != value || authority.contains("@") {
                refused.append(name)
                continue
            }
            carried.append((name, value))
        }
        let target = ScheduleTarget(program: try recordedProgram(), logFolder: logFolder, environment: carried, prelude: settingsPrelude)
        try checkWritable(target)
        return (target, refused)
    }

    /// Throws when the jobs would carry what a crontab line or a plist must not: a control
    /// character (a newline ends the cron line there and starts one of whoever chose the
    /// value), or a loaded secret's value in a setting (a crontab line is in every `ps`).
    func checkWritable(_ target: ScheduleTarget) throws(OperationError) {
        var values = [("the claudesh program", target.program), ("the log folder", target.logFolder)]
        values += target.environment.map { ($0.0, $0.1) }
        for (what, value) in values where value.containsControlCharacter() {
            throw .failed("\(what) holds a line break or another control character ('\(value.escapingControls.clipped())'), which a crontab or plist cannot carry; nothing was installed")
        }
        for line in target.prelude {
            let setting = line.split(separator: " ").dropFirst().first.map(String.init) ?? line
            if line.containsControlCharacter() {
                throw .failed("the setting \(setting) holds a line break or another control character, which a crontab or plist cannot carry; nothing was installed")
            }
            if redactor.redact(line) != line {
                throw .failed("the setting \(setting) holds a secret's value, which would be in the crontab and in every ps; set it to what names the secret (a pass entry), or reset it; nothing was installed")
            }
        }
    }

    /// `set` lines for the settings that differ from their defaults, the alert's among them.
    var settingsPrelude: [String] {
        let defaults = Settings(home: home, environment: environment)
        let keys: [Settings.Key] = [.composeFile, .backupDir, .gpgID, .mcpConfig, .historyDays, .mcpContextWarn, .mcpResultLimit, .backupInclude, .backupExclude] + AlertSettings.keys
        return keys.filter { settings.value(of: $0) != defaults.value(of: $0) && !settings.value(of: $0).isEmpty }
            .map { "set \($0.rawValue) \(ScriptWord.quoted(settings.value(of: $0)))" }
    }

    /// Where the launchd agents go.
    var launchAgents: String { Path.join(environment.userHome, "Library/LaunchAgents") }

    /// What installing or removing the jobs did.
    package enum ScheduleChange: Sendable, Equatable {
        /// Nothing to do: where the jobs already are as they would be (or are not).
        case alreadyDone(String)
        /// A dry run: what would be done.
        case wouldDo(String)
        case done
    }

    /// What `installSchedule` would write on this platform: the crontab block on Linux, the
    /// launchd plists on macOS.
    package func schedulePreview(_ target: ScheduleTarget) -> String {
        let jobs = ScheduledJob.standard
        guard Self.usesLaunchd else { return CronTable.block(jobs, target: target) }
        return jobs.map { "<!-- \(Path.join(launchAgents, LaunchdPlist.fileName(of: $0))) -->\n" + LaunchdPlist.render($0, target: target) }.joined(separator: "\n")
    }

    /// Installs the jobs (again: they replace the ones installed before).
    package func installSchedule(_ target: ScheduleTarget) async throws -> ScheduleChange {
        let jobs = ScheduledJob.standard
        if Self.usesLaunchd {
            let folder = launchAgents
            let changed = jobs.filter { (try? FileIO.read(Path.join(folder, LaunchdPlist.fileName(of: $0)))) != Array(LaunchdPlist.render($0, target: target).utf8) }
            if changed.isEmpty { return .alreadyDone("the agents in \(folder) are as they would be written") }
            if dryRun { return .wouldDo("would write and load \(changed.count) agents in \(folder)") }
            try FileIO.makeDirectory(target.logFolder)
            try FileIO.makeDirectory(folder, mode: 0o755)
            for job in changed {
                let path = Path.join(folder, LaunchdPlist.fileName(of: job))
                try AtomicFile.write(Array(LaunchdPlist.render(job, target: target).utf8), to: path, mode: 0o644)
                _ = try await runScheduler(["launchctl", "unload", path])
                let loaded = try await runScheduler(["launchctl", "load", "-w", path])
                guard loaded.termination.isSuccess else { throw OperationError.failed("launchctl load \(path) failed: \(loaded.errorText)") }
            }
        } else {
            let current = try await crontab()
            let wanted = try CronTable.installing(CronTable.block(jobs, target: target), into: current)
            if wanted == current { return .alreadyDone("the jobs are in your crontab as they would be written") }
            if dryRun { return .wouldDo("would install \(jobs.count) jobs in your crontab") }
            try FileIO.makeDirectory(target.logFolder)
            try await writeCrontab(wanted)
        }
        return .done
    }

    /// Whether each standard job is installed, by name.
    package func installedJobs() async throws -> [String: Bool] {
        var installed: [String: Bool] = [:]
        if Self.usesLaunchd {
            for job in ScheduledJob.standard { installed[job.name] = Path.kind(of: Path.join(launchAgents, LaunchdPlist.fileName(of: job))) == .file }
        } else {
            let lines = CronTable.installedLines(in: try await crontab()) ?? []
            for job in ScheduledJob.standard {
                // A job's line is known by its schedule and its log.
                installed[job.name] = lines.contains { $0.hasPrefix(job.cronSchedule + " ") && $0.contains("schedule-\(job.name).log") }
            }
        }
        return installed
    }

    /// Takes the jobs out; the user's other crontab lines stay.
    package func removeSchedule() async throws -> ScheduleChange {
        if Self.usesLaunchd {
            let folder = launchAgents
            let present = ScheduledJob.standard.map { Path.join(folder, LaunchdPlist.fileName(of: $0)) }.filter { Path.kind(of: $0) == .file }
            guard !present.isEmpty else { return .alreadyDone("no claudesh agents in \(folder)") }
            if dryRun { return .wouldDo("would unload and delete \(present.count) agents") }
            for path in present {
                _ = try await runScheduler(["launchctl", "unload", "-w", path])
                unlink(path)
            }
        } else {
            let current = try await crontab()
            guard CronTable.installedLines(in: current) != nil else { return .alreadyDone("no claudesh jobs in your crontab") }
            if dryRun { return .wouldDo("would take the claudesh jobs out of your crontab") }
            try await writeCrontab(try CronTable.removing(from: current))
        }
        return .done
    }

    func runScheduler(_ words: [String], input: [UInt8]? = nil) async throws -> ProcessRunner.Result {
        try await ProcessRunner.run(ProcessSpec(words[0], Array(words.dropFirst()), environment: environment.variables), input: input, timeout: .seconds(30))
    }

    /// The user's crontab; empty when there is none.
    func crontab() async throws -> String {
        let result: ProcessRunner.Result
        do { result = try await runScheduler(["crontab", "-l"]) } catch {
            throw OperationError.failed("crontab is not installed: install cron (sudo apt install cron), then schedule install")
        }
        if result.termination.isSuccess { return String(decoding: result.output, as: UTF8.self) }
        if result.errorText.contains("no crontab") { return "" }
        throw OperationError.failed("crontab -l failed: \(result.errorText.trimmingWhitespace)")
    }

    func writeCrontab(_ text: String) async throws {
        let result = try await runScheduler(["crontab", "-"], input: Array(text.utf8))
        guard result.termination.isSuccess else { throw OperationError.failed("crontab refused the new table, which was not installed: \(result.errorText.trimmingWhitespace)") }
    }
}

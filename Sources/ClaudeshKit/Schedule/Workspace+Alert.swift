#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A scheduled job run and, when it fails, reported: to the `alert` command and/or by email. One
/// alert a failure streak: a marker in HOME/schedule remembers that this streak was reported
/// (cron runs health every 5 minutes), and the next success clears it.
extension Workspace {
    /// How a run's failure was reported.
    package enum AlertOutcome: Sendable, Equatable {
        /// The run succeeded.
        case notNeeded
        /// No alert is set.
        case notConfigured
        /// This failure streak was reported already.
        case alreadySent
        /// Where it went.
        case sent([String])
        case failed(String)
    }

    package struct ScheduledRun: Sendable {
        package var job: ScheduledJob
        package var termination: Termination
        /// The job's output, stdout then stderr, redacted.
        package var output: String
        package var alert: AlertOutcome
    }

    /// Runs the standard job `name` as its own claudesh process, with this session's settings
    /// first, and reports a failure that starts a streak.
    package func runScheduledJob(_ name: String) async throws -> ScheduledRun {
        guard let job = ScheduledJob.standard.first(where: { $0.name == name }) else {
            throw OperationError.usage("no scheduled job '\(name)' (jobs: \(ScheduledJob.standard.map { $0.name }.joined(separator: ", ")))")
        }
        let spec = ProcessSpec(Claudesh.resolvedExecutable(), ScheduleTarget.arguments(job.arguments, after: settingsPrelude), environment: environment.variables)
        // A backup of a large home may take long; a hung one must not pile up behind cron.
        let result = try await ProcessRunner.run(spec, timeout: .seconds(6 * 3600))
        let output = redactor.redact(result.outputText + result.errorText)
        var run = ScheduledRun(job: job, termination: result.termination, output: output, alert: .notNeeded)
        let marker = Path.join(alertFolder, "\(job.name).failing")
        if result.termination.isSuccess {
            unlink(marker)
            return run
        }
        guard settings.alert.isConfigured else {
            run.alert = .notConfigured
            return run
        }
        guard Path.kind(of: marker) != .file else {
            run.alert = .alreadySent
            return run
        }
        let subject = "claudesh: the scheduled job '\(job.name)' failed on \(Self.hostName)"
        let body = """
            claudesh \(job.arguments.joined(separator: " ")) \(result.termination) at \(Self.mailDate(Timestamp.now)).
            Later failures are not reported until it succeeds again.

            \(output.trimmingWhitespace)
            """
        do {
            run.alert = .sent(try await sendAlert(subject: subject, body: body))
            try FileIO.makeDirectory(alertFolder)
            try AtomicFile.write(Array("\(Timestamp.now)\n".utf8), to: marker, mode: 0o600)
        } catch {
            run.alert = .failed(String(describing: error))
        }
        return run
    }

    /// Where a failure streak's marker is kept: HOME/schedule.
    var alertFolder: String { Path.join(home, "schedule") }

    /// A test alert, through every channel set: where it went.
    package func sendTestAlert() async throws -> [String] {
        try await sendAlert(subject: "claudesh: a test alert from \(Self.hostName)",
                            body: "This is a test (schedule test-alert): a failed scheduled job is reported like this.")
    }

    /// Sends `body` to the alert command and/or the alert email; throws when none is set or one
    /// fails (after trying the others).
    func sendAlert(subject: String, body: String) async throws -> [String] {
        let alert = settings.alert
        guard alert.isConfigured else {
            throw OperationError.failed("no alert is set: set alert 'COMMAND' (the report on its stdin), or set alert-email ADDRESS and smtp-host HOST")
        }
        let report = redactor.redact(subject + "\n\n" + body + "\n")
        var sent: [String] = []
        var problems: [String] = []
        if !alert.command.isEmpty {
            var variables = environment.variables
            variables["CLAUDESH_ALERT_SUBJECT"] = redactor.redact(subject)
            // The user's own command line: sh reads it, the report arrives on stdin, no secret in argv.
            let spec = ProcessSpec("/bin/sh", ["-c", alert.command], environment: variables)
            let result = try await ProcessRunner.run(spec, input: Array(report.utf8), timeout: .seconds(120))
            if result.termination.isSuccess { sent.append("the alert command") } else {
                problems.append("the alert command \(result.termination): \(redactor.redact(result.errorText).trimmingWhitespace.clipped(200))")
            }
        }
        if !alert.email.isEmpty {
            do {
                try await sendAlertEmail(subject: subject, report: report, alert: alert)
                sent.append(alert.email)
            } catch {
                problems.append(redactor.redact(String(describing: error)))
            }
        }
        guard problems.isEmpty else {
            throw OperationError.failed(problems.joined(separator: "; ") + (sent.isEmpty ? "" : " (sent to \(sent.joined(separator: ", ")))"))
        }
        return sent
    }

    func sendAlertEmail(subject: String, report: String, alert: AlertSettings) async throws {
        guard !alert.smtpHost.isEmpty else { throw OperationError.failed("alert-email is set but smtp-host is not: set smtp-host HOST (and smtp-port, smtp-starttls)") }
        var password: [UInt8] = []
        if !alert.passwordEntry.isEmpty {
            password = Array(try await store.value(of: alert.passwordEntry).utf8)
        }
        let from = alert.from.isEmpty ? alert.email : alert.from
        let headers = ["From: \(from)", "To: \(alert.email)", "Subject: \(redactor.redact(subject))", "Date: \(Self.mailDate(Timestamp.now))",
                       "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"]
        let body = report.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(2).map(String.init)
        let message = (headers + [""] + body).joined(separator: "\r\n")
        let envelope = CurlMail.Envelope(host: alert.smtpHost, port: alert.smtpPort, startTLS: alert.startTLS, from: from, to: alert.email, user: alert.user, password: password)
        // libcurl's transfer blocks: off the cooperative pool.
        let bytes = Array(message.utf8)
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, Error>) in
            Blocking.run("claudesh smtp") {
                do { try CurlMail.send(bytes, envelope: envelope); done.resume() } catch { done.resume(throwing: error) }
            }
        }
    }

    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "this machine" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// RFC 5322's date, in UTC.
    static func mailDate(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S +0000", &parts)
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

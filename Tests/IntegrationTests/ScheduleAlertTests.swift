import Foundation
import Testing

/// A failed scheduled job reported once per failure streak, through the alert command and by
/// email to a real SMTP server. The job is the weekly secrets audit, which fails while a client
/// config holds a clear-text token and succeeds once it is gone.
@Suite
struct ScheduleAlertTests {
    static let token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"

    /// A home whose desktop config holds a clear-text token (`leaky`) or not.
    func leak(_ home: String, _ leaky: Bool) throws {
        let config = home + "/.config/Claude/claude_desktop_config.json"
        if leaky {
            try FileManager.default.createDirectory(atPath: home + "/.config/Claude", withIntermediateDirectories: true)
            try "{\"mcpServers\": {\"gh\": {\"command\": \"x\", \"env\": {\"GITHUB_TOKEN\": \"\(Self.token)\"}}}}\n".write(toFile: config, atomically: true, encoding: .utf8)
        } else {
            try FileManager.default.removeItem(atPath: config)
        }
    }

    @Test func theAlertCommandGetsTheReportOncePerFailureStreak() throws {
        let home = Claudesh.temporaryFolder("claudesh-alert")
        defer { Claudesh.cleanUp(home) }
        let report = home + "/report.txt"
        let settings = ["-c", "set alert 'cat > \(report)'"]
        func audit() throws -> Claudesh.Result { try Claudesh.run(settings + ["-c", "schedule run audit"], home: home) }
        try leak(home, true)

        let failed = try audit()
        #expect(failed.status == 1, "\(failed.stdout)\(failed.stderr)")
        #expect(failed.stdout.contains("clear-text secret") && failed.stdout.contains("reported to the alert command"), "the job's output, for the log: \(failed.stdout)")
        let text = try String(contentsOfFile: report, encoding: .utf8)
        #expect(text.contains("the scheduled job 'audit' failed") && text.contains("1 clear-text secret in 1 file"), "\(text)")
        #expect(!text.contains(Self.token), "the report passes the redactor: \(text)")

        try FileManager.default.removeItem(atPath: report)
        let again = try audit()
        #expect(again.status == 1 && again.stdout.contains("reported already"), "\(again.stdout)")
        #expect(!FileManager.default.fileExists(atPath: report), "one alert per failure streak")

        try leak(home, false)
        #expect(try audit().status == 0)
        try leak(home, true)
        #expect(try audit().status == 1)
        #expect(FileManager.default.fileExists(atPath: report), "a success ends the streak: the next failure is reported")

        try FileManager.default.removeItem(atPath: report)
        let test = try Claudesh.run(settings + ["-c", "schedule test-alert"], home: home)
        #expect(test.status == 0 && test.stdout.contains("Sent a test alert to the alert command"), "\(test.stdout)\(test.stderr)")
        #expect(((try? String(contentsOfFile: report, encoding: .utf8)) ?? "").contains("test alert"))

        let unset = try Claudesh.run(["schedule", "test-alert"], home: home)
        #expect(unset.status == 1 && unset.stderr.contains("no alert is set: set alert"), "\(unset.stderr)")
    }

    @Test func anEmailReachesARealSMTPServerOncePerFailureStreak() throws {
        let home = Claudesh.temporaryFolder("claudesh-alert")
        defer { Claudesh.cleanUp(home) }
        let server = try SMTPFixture(in: home)
        defer { server.stop() }
        let settings = ["set alert-email ops@example.org", "set smtp-host 127.0.0.1", "set smtp-port \(server.port)", "set smtp-starttls no", "set smtp-from claudesh@example.org"]
            .flatMap { ["-c", $0] }
        func audit() throws -> Claudesh.Result { try Claudesh.run(settings + ["-c", "schedule run audit"], home: home) }
        try leak(home, true)

        let failed = try audit()
        #expect(failed.status == 1 && failed.stdout.contains("reported to ops@example.org"), "\(failed.stdout)\(failed.stderr)")
        var messages = server.messages()
        #expect(messages.count == 1)
        let message = messages.first ?? ""
        #expect(message.contains("Subject: claudesh: the scheduled job 'audit' failed") && message.contains("To: ops@example.org"), "\(message)")
        #expect(message.contains("1 clear-text secret in 1 file") && !message.contains(Self.token), "\(message)")

        #expect(try audit().status == 1)
        #expect(server.messages().count == 1, "the second failure of the streak sends nothing")

        try leak(home, false)
        #expect(try audit().status == 0)
        try leak(home, true)
        #expect(try audit().status == 1)
        messages = server.messages()
        #expect(messages.count == 2 && messages.last?.contains("'audit' failed") == true, "a success, then a failure: sent again")

        let test = try Claudesh.run(settings + ["-c", "schedule test-alert"], home: home)
        #expect(test.status == 0, "\(test.stderr)")
        #expect(server.messages().count == 3 && server.messages().last?.contains("test alert") == true)
    }

    @Test func theSMTPPasswordComesFromThePassEntryAtSendTime() throws {
        let fixture = SecretsFixture()
        defer { fixture.stop() }
        try fixture.makeKeyAndStore()
        try fixture.insert("claude/smtp", "smtp-s3cret-pass")
        let server = try SMTPFixture(in: fixture.home, login: ("alerts", "smtp-s3cret-pass"))
        defer { server.stop() }
        let settings = ["set alert-email ops@example.org", "set smtp-host 127.0.0.1", "set smtp-port \(server.port)", "set smtp-starttls no",
                        "set smtp-user alerts", "set smtp-password claude/smtp"].flatMap { ["-c", $0] }

        let sent = try fixture.run(settings + ["-c", "schedule test-alert"])
        #expect(sent.status == 0 && sent.stdout.contains("Sent a test alert to ops@example.org"), "\(sent.stdout)\(sent.stderr)")
        #expect(server.messages().count == 1)
        #expect(!(sent.stdout + sent.stderr).contains("smtp-s3cret-pass"))

        try fixture.insert("claude/smtp-old", "a-wrong-password")
        let refused = try fixture.run(settings + ["-c", "set smtp-password claude/smtp-old", "-c", "schedule test-alert"])
        #expect(refused.status == 1 && refused.stderr.contains("did not take the email"), "\(refused.stdout)\(refused.stderr)")
        #expect(!refused.stderr.contains("a-wrong-password") && server.messages().count == 1, "\(refused.stderr)")
    }
}

@testable import ClaudeshKit
import Foundation
import Testing

/// schedule install, list and remove on the real crontab of the user running the tests, whose
/// own table is put back at the end; one at a time, since they share that table.
@Suite(.serialized)
struct ScheduleCrontabTests {
    func crontab(_ arguments: [String], input: String? = nil) throws -> Claudesh.Result {
        try Claudesh.runProgram("/usr/bin/crontab", arguments, environment: ["PATH": "/usr/bin:/bin"], input: input)
    }

    @Test func aRoundTripKeepsTheUsersOwnLines() throws {
        let home = Claudesh.temporaryFolder("claudesh-schedule")
        defer { Claudesh.cleanUp(home) }
        let saved = try crontab(["-l"])
        defer {
            if saved.status == 0 { _ = try? crontab(["-"], input: saved.stdout) } else { _ = try? crontab(["-r"]) }
        }
        let mine = "MAILTO=\"\"\n# my own job\n0 * * * * echo mine\n"
        #expect(try crontab(["-"], input: mine).status == 0)

        // A session setting, and a DOCKER_HOST that carries a password.
        let installed = try Claudesh.run(["-c", "set backup-dir \(home)/usb backups", "-c", "schedule install"], home: home,
                                         extra: ["DOCKER_HOST": "tcp://admin:s3cret-pass@docker.example:2376"])
        #expect(installed.status == 0, "\(installed.stdout)\(installed.stderr)")
        let table = try crontab(["-l"]).stdout
        #expect(table.hasPrefix(mine), "the user's lines first, as they were: \(table)")
        #expect(table.contains("*/5 * * * * ") && table.contains("@reboot ") && table.contains("0 2 * * * ") && table.contains("0 3 * * 0 ")
                && table.contains("0 4 * * 1 ") && table.contains("schedule run audit"), "\(table)")
        #expect(table.contains("CLAUDESH_HOME=\(home)/.claude") && table.contains(Claudesh.binary), "\(table)")
        #expect(table.contains("-c 'set backup-dir '\\''\(home)/usb backups'\\''' -c 'schedule run backup'"), "the setting reaches the job: \(table)")
        #expect(!table.contains("s3cret-pass") && installed.stderr.contains("DOCKER_HOST holds a credential"), "\(installed.stderr)")
        let listed = try Claudesh.run(["schedule", "list", "--json"], home: home)
        let jobs = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(jobs.count == 5 && jobs.allSatisfy { $0["installed"] as? Bool == true }, "\(jobs)")
        let again = try Claudesh.run(["-c", "set backup-dir \(home)/usb backups", "-c", "schedule install"], home: home)
        #expect(again.status == 0 && again.stdout.contains("Already done"), "\(again.stdout)")

        // The health line runs as cron would run it: sh, next to nothing in the environment.
        let line = try #require(table.split(separator: "\n").first { $0.hasPrefix("*/5 ") })
        let command = String(line.dropFirst("*/5 * * * * ".count))
        try? FileManager.default.removeItem(atPath: home + "/.claude/logs") // the line makes it again
        let ran = try Claudesh.runProgram("/bin/sh", ["-c", command], environment: ["HOME": home, "PATH": "/usr/bin:/bin"])
        #expect(ran.status == 0 || ran.status == 1, "health ran (its verdict is its own): \(ran.stderr)")
        let log = try String(contentsOfFile: home + "/.claude/logs/schedule-health.log", encoding: .utf8)
        #expect(log.contains("claudesh health"), "\(log)")

        let removed = try Claudesh.run(["schedule", "remove"], home: home)
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(try crontab(["-l"]).stdout == mine, "only the user's own lines are left")
        #expect(try Claudesh.run(["schedule", "remove"], home: home).stdout.contains("Already done"))
    }

    @Test func aLineBreakOrALoadedSecretNeverReachesTheCrontab() throws {
        let secrets = SecretsFixture()
        defer { secrets.stop() }
        let home = secrets.home
        let saved = try crontab(["-l"])
        defer {
            if saved.status == 0 { _ = try? crontab(["-"], input: saved.stdout) } else { _ = try? crontab(["-r"]) }
        }
        let mine = "# my own job\n0 * * * * echo mine\n"
        #expect(try crontab(["-"], input: mine).status == 0)
        try secrets.makeKeyAndStore()
        let token = "s3cret-Alert-Pass-0123456789"
        try secrets.insert("claude/alert-pass", token)

        let inHome = try secrets.run(["schedule", "install"], extra: ["CLAUDESH_HOME": home + "/.claude\n* * * * * touch \(home)/pwned"])
        #expect(inHome.status == 1, "\(inHome.stdout)\(inHome.stderr)")
        #expect(inHome.stderr.contains("holds a line break or another control character"), "\(inHome.stderr)")
        let inSetting = try secrets.run(["-c", "set backup-dir \"\(home)/a\n* * * * * touch \(home)/pwned\"", "-c", "schedule install"])
        #expect(inSetting.status != 0, "\(inSetting.stdout)\(inSetting.stderr)")
        #expect(inSetting.stderr.contains("the setting backup-dir holds a line break or another control character"), "\(inSetting.stderr)")
        let loaded = try secrets.run(["-c", "secrets load claude/", "-c", "set smtp-password \(token)", "-c", "schedule install"])
        #expect(loaded.status != 0, "\(loaded.stdout)\(loaded.stderr)")
        #expect(loaded.stderr.contains("the setting smtp-password holds a secret's value"), "\(loaded.stderr)")
        #expect(!(loaded.stdout + loaded.stderr).contains(token))
        let table = try crontab(["-l"]).stdout
        #expect(table == mine, "the crontab is as it was: \(table)")
    }

    @Test func printShowsWhatThisPlatformWouldInstall() throws {
        let home = Claudesh.temporaryFolder("claudesh-schedule")
        defer { Claudesh.cleanUp(home) }
        let printed = try Claudesh.run(["schedule", "install", "--print"], home: home)
        #expect(printed.status == 0, "\(printed.stderr)")
        #if os(macOS)
        #expect(printed.stdout.contains("<plist") && !printed.stdout.contains("*/5 * * * *"), "\(printed.stdout)")
        #else
        #expect(printed.stdout.contains("*/5 * * * * ") && printed.stdout.contains("0 4 * * 1 "), "\(printed.stdout)")
        #expect(!printed.stdout.contains("<plist") && !printed.stdout.contains(".plist"), "no launchd plists on Linux: \(printed.stdout)")
        #endif
    }
}

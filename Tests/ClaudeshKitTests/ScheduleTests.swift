import Foundation
import Testing
@testable import ClaudeshKit

/// The crontab block and the launchd plists, as text and as their readers read them.
@Suite
struct ScheduleTests {
    let target = ScheduleTarget(program: "/opt/claude sh/claudesh", logFolder: "/home/op/.claude/logs",
                                environment: [("CLAUDESH_HOME", "/home/op/.claude"), ("GNUPGHOME", "/home/op/it's 100%")])

    @Test func theBlockQuotesWhatTheShellAndCronWouldReadOtherwise() {
        let block = CronTable.block(ScheduledJob.standard, target: target)
        #expect(block.hasPrefix(CronTable.begin + "\n") && block.hasSuffix(CronTable.end + "\n"))
        #expect(block.contains("*/5 * * * * mkdir -p /home/op/.claude/logs && CLAUDESH_HOME=/home/op/.claude GNUPGHOME='/home/op/it'\\''s 100\\%' '/opt/claude sh/claudesh' schedule run health >> /home/op/.claude/logs/schedule-health.log 2>&1"), "\(block)")
        #expect(block.contains("@reboot ") && block.contains(" schedule run retry >> "))
        #expect(block.contains("\n0 2 * * * ") && block.contains(" schedule run backup >> "))
        #expect(block.contains("\n0 3 * * 0 ") && block.contains(" schedule run verify >> "))
        #expect(block.contains("\n0 4 * * 1 ") && block.contains(" schedule run audit >> /home/op/.claude/logs/schedule-audit.log"), "the weekly security scan: \(block)")
    }

    @Test func settingsGoFirstAsLinesOfTheirOwn() {
        var withSettings = target
        withSettings.prelude = ["set backup-dir '/mnt/usb/claude backups'"]
        let block = CronTable.block(ScheduledJob.standard, target: withSettings)
        #expect(block.contains("'/opt/claude sh/claudesh' -c 'set backup-dir '\\''/mnt/usb/claude backups'\\''' -c 'schedule run backup' >> "), "\(block)")
    }

    @Test func aBlockWithoutItsEndIsRefusedRatherThanTakingTheUsersLines() {
        let broken = "MAILTO=x\n" + CronTable.begin + "\n*/5 * * * * old\n0 1 * * * echo keep-me\n"
        #expect(throws: CronTable.Unbalanced.self) { try CronTable.removing(from: broken) }
        #expect(throws: CronTable.Unbalanced.self) { try CronTable.installing(CronTable.block(ScheduledJob.standard, target: target), into: broken) }
    }

    @Test func installingKeepsTheUsersLinesAndReplacesAnEarlierBlock() throws {
        let mine = "MAILTO=\"\"\n# my own job\n0 * * * * echo mine\n"
        let block = CronTable.block(ScheduledJob.standard, target: target)
        let once = try CronTable.installing(block, into: mine)
        #expect(once == mine + block)
        let twice = try CronTable.installing(block, into: once)
        #expect(twice == once, "installing again changes nothing")
        let without = try CronTable.removing(from: twice)
        #expect(without == mine)
        #expect(CronTable.installedLines(in: once)?.count == 5)
        #expect(CronTable.installedLines(in: mine) == nil)
        // A block in the middle, and a table without a final newline (crontab wants one).
        #expect(try CronTable.removing(from: "a\n" + block + "b") == "a\nb\n")
        #expect(try CronTable.installing(block, into: "a") == "a\n" + block)
    }

    @Test func eachPlistIsAPropertyListLaunchdWouldRead() throws {
        for job in ScheduledJob.standard {
            let text = LaunchdPlist.render(job, target: target)
            let plist = try #require(try PropertyListSerialization.propertyList(from: Data(text.utf8), format: nil) as? [String: Any], "\(text)")
            #expect(plist["Label"] as? String == "com.claudesh.\(job.name)")
            #expect(plist["ProgramArguments"] as? [String] == ["/opt/claude sh/claudesh", "schedule", "run", job.name])
            #expect((plist["EnvironmentVariables"] as? [String: String])?["GNUPGHOME"] == "/home/op/it's 100%")
            #expect(plist["StandardOutPath"] as? String == "/home/op/.claude/logs/schedule-\(job.name).log")
            switch job.when {
            case .everyMinutes(let minutes): #expect(plist["StartInterval"] as? Int == minutes * 60)
            case .atBoot: #expect(plist["RunAtLoad"] as? Bool == true)
            case .daily(let hour, let minute):
                #expect((plist["StartCalendarInterval"] as? [String: Int]) == ["Hour": hour, "Minute": minute])
            case .weekly(let weekday, let hour, let minute):
                #expect((plist["StartCalendarInterval"] as? [String: Int]) == ["Weekday": weekday, "Hour": hour, "Minute": minute])
            }
        }
    }
}

import Foundation
import Testing
@testable import ClaudeshKit

/// The health history on a real SQLite file: what is kept, what is pruned, and the numbers.
@Suite
struct HealthHistoryTests {
    func probe(_ name: String, _ state: HealthReport.State, _ latency: Double?) -> HealthReport.Check {
        .init(.servers, name, state, state == .failed ? "timed out" : "ok", latency: latency)
    }

    @Test func uptimePercentilesAndBucketsComeFromTheRecordedChecks() throws {
        let home = temporaryFolder("history")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let history = try HealthHistory(home: home)
        let start = 1_800_000_000
        // 100 probes a minute apart: latencies 1...100 ms, every tenth one failed.
        for minute in 0..<100 {
            let failed = minute % 10 == 9
            try history.record(sealed(HealthReport(time: start + minute * 60, checks: [
                probe("time", failed ? .failed : .ok, failed ? 5000 : Double(minute + 1)),
                .init(.containers, "compose", .off, "no compose file"),
            ])), keepDays: 30)
        }
        let summaries = try history.summaries(since: start, until: start + 99 * 60, buckets: 10)
        #expect(summaries.map(\.name) == ["time"], "checks with nothing to check are not recorded")
        let time = try #require(summaries.first)
        #expect(time.checks == 100 && time.failures == 10)
        #expect(time.uptime == 90)
        // The 90 passing latencies: 1...100 without 10, 20, ... 100. Nearest rank.
        let passing = (1...100).filter { $0 % 10 != 0 }.map(Double.init)
        #expect(time.p50 == passing[44] && time.p95 == passing[85], "\(String(describing: time.p50)) \(String(describing: time.p95))")
        #expect(time.buckets.count == 10)
        #expect(time.buckets.allSatisfy { $0.failed == true }, "every tenth probe failed, one in each bucket")
        #expect(time.lastState == "failed" && time.lastTime == start + 99 * 60)
        #expect(try history.summaries(name: "other", since: start, until: start + 6000).isEmpty)
        #expect(history.names() == ["time"])
    }

    @Test func rowsOlderThanTheRetentionAreDeletedAsNewOnesAreWritten() throws {
        let home = temporaryFolder("history")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let history = try HealthHistory(home: home)
        let now = 1_800_000_000
        try history.record(sealed(HealthReport(time: now - 10 * 86_400, checks: [probe("time", .ok, 5)])), keepDays: 30)
        try history.record(sealed(HealthReport(time: now - 3 * 86_400, checks: [probe("time", .ok, 6)])), keepDays: 30)
        try history.record(sealed(HealthReport(time: now, checks: [probe("time", .ok, 7)])), keepDays: 7)
        let kept = try history.summaries(since: 0, until: now)
        #expect(kept.first?.checks == 2, "the probe of ten days ago is gone, three days ago kept")
        let attributes = try FileManager.default.attributesOfItem(atPath: home + "/" + HealthHistory.fileName)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func aFileThatIsNotADatabaseSaysWhatToDo() throws {
        let home = temporaryFolder("history")
        defer { try? FileManager.default.removeItem(atPath: home) }
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: home + "/" + HealthHistory.fileName))
        #expect { try HealthHistory(home: home).record(sealed(HealthReport(time: 0, checks: [probe("x", .ok, 1)])), keepDays: 1) } throws: { error in
            "\(error)".contains("move it away")
        }
    }

    @Test(arguments: [
        ("## main\n", "clean (no remote)"),
        ("## main...origin/main\n", "clean, in step with its remote"),
        ("## main...origin/main [ahead 2, behind 1]\n M x.gpg\n?? y.gpg\n",
         "2 changes not committed; 2 commits not pushed: secrets git push; 1 commit not pulled: secrets git pull"),
    ])
    func theStoresGitStateIsReadFromPorcelain(text: String, summary: String) {
        #expect(StoreGitState(porcelain: text).summary == summary)
    }
}

/// A report as the history takes it: passed through a redactor.
func sealed(_ report: HealthReport) -> Redacted<HealthReport> { Redactor(values: []).seal(report) }

import Testing
@testable import ClaudeshKit

/// Which backups prune keeps, by name alone.
struct BackupRetentionTests {
    static func name(_ stamp: String) -> String { "claude-backup-\(stamp).tar.gz.gpg" }

    @Test func theLastThirtyByDefaultAndOnlyBackupNames() {
        let names = (1...40).map { Self.name("202611\(String(format: "%02d", $0 % 28 + 1))-\(String(format: "%02d", $0 / 28))0000") } + ["notes.txt", "claude-backup-latest.tar.gz.gpg"]
        let plan = BackupRetention().plan(names, verifiedWhole: nil)
        #expect(plan.keep.count == 30 && plan.delete.count == 10)
        #expect(!plan.delete.contains("notes.txt") && !plan.keep.contains("notes.txt"))
        #expect(plan.keep.allSatisfy { !plan.delete.contains($0) })
        // The oldest go.
        #expect(plan.delete.max()! < plan.keep.min()!)
    }

    @Test func dailyAndWeeklyKeepTheNewestOfEachPeriod() {
        let names = ["20261125-020000", "20261125-140000", "20261124-020000", "20261123-020000", "20261116-020000", "20261109-020000", "20261102-020000"].map(Self.name)
        let daily = BackupRetention(keepDaily: 2).plan(names, verifiedWhole: nil)
        #expect(daily.keep == ["20261125-140000", "20261124-020000"].map(Self.name))
        // ISO weeks: 23-25 Nov 2026 are week 48, 16 Nov week 47, 9 Nov week 46.
        let weekly = BackupRetention(keepWeekly: 3).plan(names, verifiedWhole: nil)
        #expect(weekly.keep == ["20261125-140000", "20261116-020000", "20261109-020000"].map(Self.name))
        #expect(BackupRetention.week(Self.name("20261123-020000")) == "2026-48")
    }

    @Test func theNewestBackupThatVerifiedIsNeverDeleted() {
        let names = ["20261125-020000", "20261124-020000", "20261123-020000"].map(Self.name)
        let plan = BackupRetention(keepLast: 1).plan(names, verifiedWhole: Self.name("20261123-020000"))
        #expect(plan.keep == [Self.name("20261125-020000"), Self.name("20261123-020000")])
        #expect(plan.delete == [Self.name("20261124-020000")])
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which backups `backup prune` keeps: the newest N, the newest of each of the last N days and
/// weeks, and always the newest one that verified whole. Works on names only: a file whose name
/// is not a backup's is never considered, let alone deleted.
package struct BackupRetention: Sendable, Equatable {
    var keepLast: Int?
    var keepDaily: Int?
    var keepWeekly: Int?

    package init(keepLast: Int? = nil, keepDaily: Int? = nil, keepWeekly: Int? = nil) {
        // With no rule given, the classic one: the last 30.
        self.keepLast = keepLast == nil && keepDaily == nil && keepWeekly == nil ? 30 : keepLast
        self.keepDaily = keepDaily
        self.keepWeekly = keepWeekly
    }

    package struct Plan: Sendable, Equatable {
        package var keep: [String]
        package var delete: [String]
    }

    /// The plan for `names` (others are ignored); `verifiedWhole` is the newest backup known to
    /// have verified, kept whatever the rules say.
    func plan(_ names: [String], verifiedWhole: String?) -> Plan {
        let backups = names.filter(BackupArchive.isBackupName).sorted(by: >) // newest first: the stamp sorts as text
        var keep = Set<String>()
        if let keepLast { keep.formUnion(backups.prefix(keepLast)) }
        if let keepDaily { keep.formUnion(Self.newestPer(backups, limit: keepDaily, key: Self.day)) }
        if let keepWeekly { keep.formUnion(Self.newestPer(backups, limit: keepWeekly, key: Self.week)) }
        if let verifiedWhole, backups.contains(verifiedWhole) { keep.insert(verifiedWhole) }
        return Plan(keep: backups.filter(keep.contains), delete: backups.filter { !keep.contains($0) })
    }

    /// The newest backup of each of the `limit` newest periods.
    static func newestPer(_ newestFirst: [String], limit: Int, key: (String) -> String) -> [String] {
        var seen: [String] = []
        var chosen: [String] = []
        for name in newestFirst where seen.count < limit {
            let period = key(name)
            if !seen.contains(period) {
                seen.append(period)
                chosen.append(name)
            }
        }
        return chosen
    }

    static func stamp(_ name: String) -> String { String(name.dropFirst(BackupArchive.prefix.count).prefix(15)) }

    /// YYYYMMDD.
    static func day(_ name: String) -> String { String(stamp(name).prefix(8)) }

    /// The ISO week, YYYY-WW, of the backup's date.
    static func week(_ name: String) -> String {
        let text = Array(stamp(name).utf8).map { Int32($0) - 48 }
        guard text.count >= 8 else { return "" }
        var parts = tm()
        parts.tm_year = text[0] * 1000 + text[1] * 100 + text[2] * 10 + text[3] - 1900
        parts.tm_mon = text[4] * 10 + text[5] - 1
        parts.tm_mday = text[6] * 10 + text[7]
        parts.tm_hour = 12
        var seconds = timegm(&parts)
        var normalized = tm()
        gmtime_r(&seconds, &normalized)
        var buffer = [CChar](repeating: 0, count: 16)
        let count = strftime(&buffer, buffer.count, "%G-%V", &normalized)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

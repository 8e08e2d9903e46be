/// claudesh's jobs in a user's crontab: one marked block, written and taken out as a whole, every
/// other line of the user's kept as it was.
package enum CronTable {
    static let begin = "# BEGIN claudesh jobs (claudesh schedule install; schedule remove takes them out)"
    static let end = "# END claudesh jobs"

    /// The block for `jobs`: each line runs claudesh with the target's environment and appends
    /// to its log.
    package static func block(_ jobs: [ScheduledJob], target: ScheduleTarget) -> String {
        var lines = [begin]
        for job in jobs {
            let assignments = target.environment.map { "\($0.0)=\(quoted($0.1))" }
            let command = (assignments + [quoted(target.program)] + target.arguments(for: job).map(quoted)).joined(separator: " ")
            lines.append("# \(job.summary)")
            // The log's folder made first: a `>>` into a folder that is gone would drop the run.
            lines.append("\(job.cronSchedule) mkdir -p \(quoted(target.logFolder)) && \(command) >> \(quoted(target.logPath(of: job))) 2>&1")
        }
        lines.append(end)
        return lines.joined(separator: "\n") + "\n"
    }

    struct Unbalanced: Error, CustomStringConvertible, Sendable, Equatable {
        var description: String {
            "your crontab has the first line of claudesh's block but not its last (\(CronTable.end)): mend it with crontab -e; nothing was changed"
        }
    }

    /// Whether `table` has as many block ends as block beginnings, in order.
    static func isBalanced(_ table: String) -> Bool {
        var inside = false
        for line in table.split(separator: "\n") {
            if line == begin { if inside { return false }; inside = true }
            if line == end { if !inside { return false }; inside = false }
        }
        return !inside
    }

    /// `table` without claudesh's block (and without a trailing blank line it leaves), ending
    /// in a newline as crontab wants; a block without its end is refused rather than taking the
    /// user's lines after it.
    static func removing(from table: String) throws(Unbalanced) -> String {
        guard isBalanced(table) else { throw Unbalanced() }
        var kept: [Substring] = []
        var inside = false
        for line in table.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == begin { inside = true; continue }
            if inside { if line == end { inside = false }; continue }
            kept.append(line)
        }
        var text = kept.joined(separator: "\n")
        while text.hasSuffix("\n\n") { text.removeLast() }
        if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
        return text
    }

    /// `table` with claudesh's block in place of any earlier one, at the end.
    static func installing(_ block: String, into table: String) throws(Unbalanced) -> String {
        try removing(from: table) + block
    }

    /// The block's job lines in `table`, if it has one.
    static func installedLines(in table: String) -> [String]? {
        guard table.contains(begin) else { return nil }
        var inside = false
        var lines: [String] = []
        for line in table.split(separator: "\n") {
            if line == begin { inside = true; continue }
            if line == end { break }
            if inside && !line.hasPrefix("#") { lines.append(String(line)) }
        }
        return lines
    }

    /// A word for /bin/sh, in single quotes when it needs them; `%` escaped, which cron would
    /// otherwise turn into a newline.
    static func quoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { $0.properties.isAlphabetic && $0.isASCII || "0123456789-_./:=@+,".unicodeScalars.contains($0) }
        let text = plain ? word : "'" + word.replacing("'", with: "'\\''") + "'"
        return text.replacing("%", with: "\\%")
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sizes, rates, durations and dates as tables and messages show them.
package enum Units {
    /// "14.6 KiB", "2.0 GiB", "512 B".
    package static func size(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        let tenths = Int((value * 10).rounded())
        return unit == 0 ? "\(bytes) B" : "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    /// "45.6 MiB/s".
    package static func rate(_ bytes: Int64, seconds: Double) -> String {
        size(Int64(Double(bytes) / max(seconds, 0.001))) + "/s"
    }

    /// "3", "2.5": a count as a server reports it (progress), whole when it is whole.
    package static func number(_ value: Double) -> String {
        guard value.isFinite else { return "?" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        let tenths = (value * 10).rounded() / 10
        return String(tenths)
    }

    /// "2.1 s".
    package static func seconds(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) s"
    }

    /// A date as YYYY-MM-DD in UTC; empty for none.
    package static func date(_ seconds: Int?) -> String {
        guard let seconds else { return "" }
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
    }

    /// "90s", "30m", "24h", "7d", "2w" (or a bare number of seconds) as seconds.
    package static func span(parsing text: String) -> Int? {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        let trimmed = text.trimmingWhitespace
        guard let last = trimmed.last else { return nil }
        let (digits, unit) = units[last].map { (trimmed.dropLast(), $0) } ?? (Substring(trimmed), 1)
        guard let value = Int(digits), value > 0, value <= 100_000 else { return nil }
        return value * unit
    }

    /// "HH:MM" of local time, for the dashboard's title.
    package static func clock(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        localtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(date(seconds)) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Times as docker and the rest of the world write them.
package enum Timestamp {
    /// The time now, in seconds since 1970.
    package static var now: Int { Int(time(nil)) }

    /// The time now in seconds since 1970, to the microsecond (a call's record).
    package static var preciseNow: Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Seconds since 1970 of `2026-11-25T13:58:18.29895378Z` (or `+01:00`); nil for docker's
    /// "never" (`0001-01-01T00:00:00Z`) and for what is not such a time.
    static func seconds(rfc3339 text: String) -> Int? {
        let characters = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= characters.count else { return nil }
            var value = 0
            for byte in characters[start..<(start + count)] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard characters.count >= 20, let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2), year > 1970 else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        var seconds = Int(timegm(&parts))
        // The zone after the fraction: Z, or ±HH:MM.
        var index = 19
        if index < characters.count, characters[index] == UInt8(ascii: ".") {
            index += 1
            while index < characters.count, (0x30...0x39).contains(characters[index]) { index += 1 }
        }
        if index < characters.count, characters[index] == UInt8(ascii: "+") || characters[index] == UInt8(ascii: "-"),
           let hours = number(index + 1, 2), let minutes = number(index + 4, 2) {
            let offset = hours * 3600 + minutes * 60
            seconds += characters[index] == UInt8(ascii: "+") ? -offset : offset
        }
        return seconds
    }

    /// `20261205T041500Z`: the UTC time `seconds`, for names of files that sort by time.
    static func compact(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
    }

    /// "3d 4h", "5h 12m", "42s": how long ago, for tables.
    package static func age(seconds: Int) -> String {
        let value = max(seconds, 0)
        if value >= 86_400 { return "\(value / 86_400)d \(value % 86_400 / 3600)h" }
        if value >= 3600 { return "\(value / 3600)h \(value % 3600 / 60)m" }
        if value >= 60 { return "\(value / 60)m \(value % 60)s" }
        return "\(value)s"
    }
}

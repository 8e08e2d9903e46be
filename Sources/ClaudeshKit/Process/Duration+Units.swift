/// A `Duration` in the units C calls and reports take.
extension Duration {
    package var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }

    package var milliseconds: Double { seconds * 1000 }

    /// Whole milliseconds, rounded up so a wait never ends early; for poll.
    var pollMilliseconds: Int32 {
        guard self > .zero else { return 0 }
        let (whole, attoseconds) = components
        return Int32(clamping: whole * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
    }

    var nanoseconds: Int {
        let (whole, attoseconds) = components
        return max(0, Int(whole) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
    }
}

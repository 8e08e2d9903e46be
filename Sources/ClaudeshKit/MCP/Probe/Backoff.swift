/// Exponential backoff with full jitter: the wait before retry N is drawn uniformly from zero to
/// min(cap, base·2^N), so servers that failed together do not retry together.
package struct Backoff: Sendable, Equatable {
    var base: Duration
    var cap: Duration

    package init(base: Duration = .milliseconds(500), cap: Duration = .seconds(8)) {
        self.base = base
        self.cap = cap
    }

    /// The longest wait after attempt `attempt` (0-based) failed.
    func ceiling(afterAttempt attempt: Int) -> Duration {
        let factor = 1 << min(max(attempt, 0), 30)
        let grown = base * factor
        return grown > cap ? cap : grown
    }

    /// The wait after attempt `attempt` failed; `unit` is a number in 0..<1.
    func delay(afterAttempt attempt: Int, unit: Double = Double.random(in: 0..<1)) -> Duration {
        ceiling(afterAttempt: attempt) * min(max(unit, 0), 1)
    }
}

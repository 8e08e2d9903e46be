import ClaudeshKit
import Synchronization

/// One line on standard error that long work rewrites in place (bytes so far and the rate, or
/// what a server says of its progress), at most a few times a second. Only on a terminal; cleared when the work ends.
final class ProgressLine: Sendable {
    let label: String
    let output: Output
    let started = ContinuousClock.now
    let lastShown = Mutex<ContinuousClock.Instant?>(nil)

    init(label: String, output: Output) {
        self.label = label
        self.output = output
    }

    func show(_ bytes: Int64) {
        show(status: "\(Units.size(bytes)), \(Units.rate(bytes, seconds: (ContinuousClock.now - started).seconds))")
    }

    /// `label: status`, at most five times a second.
    func show(status: String) {
        let now = ContinuousClock.now
        let due = lastShown.withLock { last -> Bool in
            if let shown = last, now - shown < .milliseconds(200) { return false }
            last = now
            return true
        }
        guard due else { return }
        output.progress("\r\u{1B}[K\(label): \(status)")
    }

    static func clear(_ output: Output) { output.progress("\r\u{1B}[K") }
}
